import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * GraphiQL served by the gateway itself, from the built files of the npm
 * packages (GraphiQL 3 with React 18, the last release line that ships a
 * browser build needing no bundler). Nothing is fetched from a CDN: the page's
 * Content-Security-Policy allows only the gateway's own origin, so the IDE
 * works on a machine without internet access and leaks nothing to third parties.
 */
export const IDE_ASSET_PREFIX = '/ide/';

interface Asset {
  body: Buffer;
  contentType: string;
}

/** Served name → [package, file inside it, media type]. */
const PACKAGE_FILES: Record<string, [string, string, string]> = {
  'react.production.min.js': ['react', 'umd/react.production.min.js', 'text/javascript'],
  'react-dom.production.min.js': [
    'react-dom',
    'umd/react-dom.production.min.js',
    'text/javascript',
  ],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js', 'text/javascript'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css', 'text/css'],
  // The gateway's own graphql-ws client line, for subscriptions from the IDE.
  'graphql-ws.min.js': ['graphql-ws', 'umd/graphql-ws.min.js', 'text/javascript'],
};

/** A file of an installed package, found from its package.json (the browser builds are not in `exports`). */
function packageFile(name: string, file: string): Buffer {
  return readFileSync(join(dirname(require.resolve(`${name}/package.json`)), file));
}

const DEFAULT_QUERY = `# Portico's GraphQL API.
#
# Sign in (a contact with signIn, staff with signInStaff), then open
# "Headers" below and paste the access token:
#   { "authorization": "Bearer <accessToken>" }
# Headers are not stored by this page.

mutation SignIn {
  signIn(input: { email: "alice@acme.example", password: "acme-demo-password" }) {
    accessToken
    expiresAt
  }
}

query Viewer {
  viewer {
    kind
  }
}
`;

// Runs in the browser; kept as plain ES5 so no build step is needed.
// Queries and mutations go over HTTP; subscriptions over graphql-ws on the
// same path, signed in as the gateway's sockets are: connection_init carries
// the Authorization header typed into the Headers pane. One client per header
// value: a new sign-in gets a new socket, and an idle one closes by itself.
const INIT_SCRIPT = `(function () {
  var endpoint = new URL('graphql', window.location.href).toString();
  var socketEndpoint = endpoint.replace(/^http/, 'ws');
  var current = { authorization: null, client: null };
  function authorizationOf(headers) {
    for (var name in headers || {}) {
      if (name.toLowerCase() === 'authorization') return String(headers[name]);
    }
    return '';
  }
  function socketClientFor(authorization) {
    if (current.client && current.authorization === authorization) return current.client;
    current = {
      authorization: authorization,
      client: graphqlWs.createClient({
        url: socketEndpoint,
        connectionParams: authorization ? { authorization: authorization } : {},
        lazy: true,
        // A refused sign-in (4401) is shown, not retried.
        retryAttempts: 0,
      }),
    };
    return current.client;
  }
  var fetcher = function (params, options) {
    var client = socketClientFor(authorizationOf(options && options.headers));
    return GraphiQL.createFetcher({ url: endpoint, wsClient: client })(params, options);
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultHeaders: '{}',
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Portico GraphQL</title>
    <link rel="stylesheet" href="ide/graphiql.min.css" />
    <style>
      html, body, #graphiql { height: 100%; margin: 0; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="ide/react.production.min.js"></script>
    <script src="ide/react-dom.production.min.js"></script>
    <script src="ide/graphiql.min.js"></script>
    <script src="ide/graphql-ws.min.js"></script>
    <script src="ide/ide.js"></script>
  </body>
</html>
`;

/** Only the gateway's origin; inline styles because GraphiQL's editors set them. */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface Ide {
  /** True when the request was a page or asset of the IDE and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

/** Reads the IDE's files once, at start-up, so a missing package fails the start, not a page load. */
export function createIde(): Ide {
  const assets = new Map<string, Asset>();
  for (const [name, [pkg, file, contentType]] of Object.entries(PACKAGE_FILES)) {
    assets.set(name, { body: packageFile(pkg, file), contentType });
  }
  assets.set('ide.js', { body: Buffer.from(INIT_SCRIPT), contentType: 'text/javascript' });
  const page = Buffer.from(PAGE);
  const send = (res: ServerResponse, body: Buffer, headers: Record<string, string>) => {
    res.writeHead(200, {
      'content-length': String(body.length),
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    res.end(body);
  };
  return {
    handle(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (path.startsWith(IDE_ASSET_PREFIX)) {
        const asset = assets.get(path.slice(IDE_ASSET_PREFIX.length));
        if (!asset) return false;
        send(res, asset.body, {
          'content-type': `${asset.contentType}; charset=utf-8`,
          'cache-control': 'public, max-age=3600',
        });
        return true;
      }
      // A browser opening the endpoint gets the IDE; a GET that asks for
      // JSON, or carries a query, is a GraphQL request.
      const accept = req.headers.accept ?? '';
      const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
      if (path === '/graphql' && accept.includes('text/html') && !search.has('query')) {
        send(res, page, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
          'cache-control': 'no-store',
        });
        return true;
      }
      return false;
    },
  };
}
