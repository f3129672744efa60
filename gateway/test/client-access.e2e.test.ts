import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { getIntrospectionQuery, parse } from 'graphql';
// GraphiQL's own fetcher (its browser build is made from this package).
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import WebSocket from 'ws';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { TEST_CLAIMS_SECRET } from '../../services/accounts/test/accounts-harness';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/server';
import { PortalClient, PortalError } from '../../examples/portal-client/src/client';
import { apiSchema, generateClientTypes, introspectSchema } from '../../scripts/src/client-types';
import { startTestStack, SUPERGRAPH_PATH, type TestStack } from './stack-harness';
import { until } from './live-clients';

// What frontend teams, mobile apps and partners meet first: CORS, the IDE,
// introspection, GraphQL-shaped refusals, logs. The database is not what is
// under test except where a row is changed by hand, so SQLite and MariaDB
// both run the file.
const APP_ORIGIN = 'http://app.portico.test:5173';
const OTHER_ORIGIN = 'http://evil.example';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'client access (%s)',
  (_name, target) => {
    let stack: TestStack;
    const logLines: Array<Record<string, unknown>> = [];
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target, {
        gatewayEnv: {
          HTTP_CORS_ORIGINS: `${APP_ORIGIN}, https://admin.portico.test`,
          GATEWAY_SUGGESTIONS_FOR: 'staff,partner',
        },
        gatewayLog: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>),
      });
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    const origin = () => new URL(stack.gateway.url).origin;

    describe('CORS', () => {
      it('answers a preflight from an allowed origin and lets its request read the answer', async () => {
        const preflight = await fetch(stack.gateway.url, {
          method: 'OPTIONS',
          headers: {
            origin: APP_ORIGIN,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
        expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
        const allowedHeaders = preflight.headers.get('access-control-allow-headers') ?? '';
        expect(allowedHeaders).toContain('authorization');
        expect(allowedHeaders).toContain('content-type');
        expect(preflight.headers.get('vary')).toContain('Origin');

        const response = await fetch(stack.gateway.url, {
          method: 'POST',
          headers: { origin: APP_ORIGIN, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
        expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
        expect(await response.json()).toEqual({ data: { viewer: { kind: 'ANONYMOUS' } } });
      });

      it('refuses the preflight of another origin and gives its requests no CORS headers', async () => {
        const preflight = await fetch(stack.gateway.url, {
          method: 'OPTIONS',
          headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST' },
        });
        expect(preflight.status).toBe(403);
        expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
        const refused = (await preflight.json()) as { errors: Array<{ extensions: object }> };
        expect(refused.errors[0]?.extensions).toEqual({ code: 'FORBIDDEN' });

        const response = await fetch(stack.gateway.url, {
          method: 'POST',
          headers: { origin: OTHER_ORIGIN, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      });

      it('keeps CSRF prevention for the simple requests a page on any origin may send', async () => {
        for (const from of [OTHER_ORIGIN, APP_ORIGIN]) {
          const response = await fetch(stack.gateway.url, {
            method: 'POST',
            headers: { origin: from, 'content-type': 'text/plain' },
            body: JSON.stringify({ query: 'mutation { signOutEverywhere }' }),
          });
          expect(response.status).toBe(400);
          expect(await response.text()).toMatch(/CSRF/);
        }
      });
    });

    describe('IDE', () => {
      it('serves GraphiQL to a browser from the gateway alone, under a same-origin-only policy', async () => {
        const page = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const csp = page.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("connect-src 'self'");
        const html = await page.text();
        const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
        expect(references.length).toBeGreaterThanOrEqual(5);
        for (const reference of references) {
          // Relative to the page: nothing from another host.
          expect(reference).not.toMatch(/^(?:[a-z]+:)?\/\//i);
          const asset = await fetch(new URL(reference, stack.gateway.url));
          expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
          expect(asset.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
          expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
        }
        const graphiql = await (
          await fetch(new URL('ide/graphiql.min.js', stack.gateway.url))
        ).text();
        expect(graphiql).toContain('createFetcher');

        const root = await fetch(`${origin()}/`, { redirect: 'manual' });
        expect(root.status).toBe(302);
        expect(root.headers.get('location')).toBe('/graphql');
      });

      it("serves graphql-ws's browser build and wires it into GraphiQL's fetcher for subscriptions", async () => {
        const html = await (
          await fetch(stack.gateway.url, { headers: { accept: 'text/html' } })
        ).text();
        const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
        // Loaded after GraphiQL and before the page's script that uses it.
        expect(scripts).toEqual([
          'ide/react.production.min.js',
          'ide/react-dom.production.min.js',
          'ide/graphiql.min.js',
          'ide/graphql-ws.min.js',
          'ide/ide.js',
        ]);
        const served = await fetch(new URL('ide/graphql-ws.min.js', stack.gateway.url));
        expect(served.status).toBe(200);
        expect(served.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        expect(await served.text()).toBe(
          readFileSync(
            join(dirname(require.resolve('graphql-ws/package.json')), 'umd', 'graphql-ws.min.js'),
            'utf8',
          ),
        );
        const init = await (await fetch(new URL('ide/ide.js', stack.gateway.url))).text();
        expect(init).toContain('graphqlWs.createClient');
        expect(init).toContain('wsClient: client');
      });

      it("subscribes from the IDE's own scripts over graphql-ws, signed in with the Authorization header typed into GraphiQL", async () => {
        // The served scripts run as the page runs them, with GraphiQL's fetcher,
        // a real WebSocket and fetch; only the rendering is left out.
        type Fetcher = (
          params: { query: string; operationName?: string },
          options: { headers: Record<string, string>; documentAST: unknown },
        ) => Promise<AsyncIterableIterator<{ data?: unknown; errors?: unknown }>>;
        const rendered: Array<{ fetcher: Fetcher }> = [];
        const page = createContext({
          window: { location: { href: stack.gateway.url }, fetch },
          document: { getElementById: () => ({}) },
          URL,
          WebSocket,
          setTimeout,
          clearTimeout,
          GraphiQL: Object.assign(() => null, {
            createFetcher: (options: Parameters<typeof createGraphiQLFetcher>[0]) =>
              createGraphiQLFetcher({ fetch, ...options }),
          }),
          React: { createElement: (_type: unknown, props: { fetcher: Fetcher }) => props },
          ReactDOM: {
            createRoot: () => ({ render: (props: { fetcher: Fetcher }) => rendered.push(props) }),
          },
        });
        for (const script of ['graphql-ws.min.js', 'ide.js']) {
          runInContext(
            await (await fetch(new URL(`ide/${script}`, stack.gateway.url))).text(),
            page,
          );
        }
        expect(rendered).toHaveLength(1);
        const fetcher = rendered[0]!.fetcher;
        const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
        const thread = `general:${DEMO_CUSTOMER_IDS.acme}`;
        const query = `subscription Follow { commentAdded(threadId: "${thread}") { comment { body author { name } } } }`;
        const events = await fetcher(
          { query, operationName: 'Follow' },
          { headers: { Authorization: `Bearer ${alice}` }, documentAST: parse(query) },
        );
        const first = events.next();
        await until(
          () => stack.messaging.services.live.liveSubscribers.size === 1,
          10_000,
          'subscribed',
        );
        const posted = await stack.query(
          'mutation ($t: ID!) { postComment(input: { threadId: $t, body: "Hello from staff" }) { comment { id } } }',
          { token: admin, variables: { t: thread } },
        );
        expect(posted.body.errors).toBeUndefined();
        expect((await first).value).toEqual({
          data: {
            commentAdded: {
              comment: { body: 'Hello from staff', author: { name: 'Portico Admin' } },
            },
          },
        });
        await events.return?.();
        await until(() => stack.gateway.subscriptionStats().sockets === 0, 10_000, 'socket closed');
      });

      it('still answers GraphQL clients at /graphql, GET requests included', async () => {
        const get = await fetch(
          `${stack.gateway.url}?query=${encodeURIComponent('{ viewer { kind } }')}`,
          { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } },
        );
        expect(await get.json()).toEqual({ data: { viewer: { kind: 'ANONYMOUS' } } });
        const post = await stack.query('{ viewer { kind } }', { headers: { accept: '*/*' } });
        expect(post.body).toEqual({ data: { viewer: { kind: 'ANONYMOUS' } } });
      });
    });

    describe('introspection', () => {
      it.each([
        ['standard', {}],
        [
          'complete',
          {
            descriptions: true,
            specifiedByUrl: true,
            directiveIsRepeatable: true,
            schemaDescription: true,
            inputValueDeprecation: true,
          },
        ],
      ])(
        "passes graphql-js's %s introspection query for staff and partners",
        async (_kind, opts) => {
          const partner = await stack.partnerToken(['invoices:read']);
          for (const token of [admin, partner]) {
            const response = await stack.query(getIntrospectionQuery(opts), { token });
            expect(response.body.errors).toBeUndefined();
            const schema = (response.body.data as { __schema: { types: Array<{ name: string }> } })
              .__schema;
            expect(schema.types.map((t) => t.name)).toContain('Invoice');
          }
        },
      );

      it('lets GraphQL Code Generator build the typed client from the running gateway as staff', async () => {
        const live = await generateClientTypes(await introspectSchema(stack.gateway.url, admin));
        // The same types as from the published client schema.
        expect(live).toEqual(await generateClientTypes(apiSchema()));
      });

      it('still bounds nesting that is not the unwrapping of a type', async () => {
        let inner = 'name';
        for (let i = 0; i < 8; i += 1) inner = `fields { type { ${inner} } }`;
        const response = await stack.query(`{ __schema { types { ${inner} } } }`, { token: admin });
        expect(response.body.errors?.[0]?.extensions?.code).toBe('DEPTH_LIMIT_EXCEEDED');
      });
    });

    describe('the typed example client', () => {
      it('signs in and loads the dashboard', async () => {
        const client = new PortalClient(stack.gateway.url);
        await client.signIn('alice@acme.example', 'acme-demo-password');
        const { viewer } = await client.dashboard();
        expect(viewer.kind).toBe('CONTACT');
        expect(viewer.customer?.companyName).toBe('Acme Supplies Ltd');
        expect(viewer.customer?.invoices.nodes.length).toBeGreaterThan(0);
        for (const invoice of viewer.customer?.invoices.nodes ?? []) {
          expect(invoice.balanceDue.amount).toMatch(/^-?\d+\.\d{2}$/);
        }
      });

      it("surfaces a refusal's code", async () => {
        const client = new PortalClient(stack.gateway.url);
        const refused = await client.dashboard().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(PortalError);
        expect((refused as PortalError).code).toBe('UNAUTHENTICATED');
        const wrong = await client.signIn('alice@acme.example', 'not-her-password').then(
          () => undefined,
          (error: unknown) => error,
        );
        expect((wrong as PortalError).code).toBe('INVALID_CREDENTIALS');
      });
    });

    describe('limits', () => {
      it('holds callers without a token to 1,000 tokens, and signed-in apps to their own limit', async () => {
        const fields = (n: number) => `{ viewer { ${'kind '.repeat(n - 5)}} }`;
        const anonymous = await stack.query(fields(1_001));
        expect(anonymous.status).toBe(400);
        expect(anonymous.body.errors?.[0]?.extensions).toEqual({
          code: 'TOKEN_LIMIT_EXCEEDED',
          limit: 1_000,
        });
        expect((await stack.query(fields(1_000))).body.errors).toBeUndefined();
        expect((await stack.query(fields(1_001), { token: admin })).body.errors).toBeUndefined();
      });
    });

    describe('messages', () => {
      const createInvoice = (line: Record<string, string>) =>
        stack.query(
          'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }',
          {
            token: admin,
            variables: {
              input: {
                customerId: DEMO_CUSTOMER_IDS.acme,
                currency: 'EUR',
                dueDate: '2030-01-31',
                lines: [{ description: 'Widgets', quantity: '1', unitPrice: '10.00', ...line }],
              },
            },
          },
        );

      it.each([
        [{ quantity: '-1' }, 'lines[0].quantity must not be negative'],
        [{ quantity: '1.2345' }, 'lines[0].quantity has at most 3 decimals'],
        [{ quantity: 'two' }, 'lines[0].quantity must be a decimal number like "1.5"'],
        [{ taxPercent: '-5' }, 'lines[0].taxPercent must not be negative'],
        [{ taxPercent: '150' }, 'lines[0].taxPercent must be at most 100'],
        [{ discountPercent: '10.005' }, 'lines[0].discountPercent has at most 2 decimals'],
      ])('says what is wrong with an invoice line %j', async (line, message) => {
        const response = await createInvoice(line);
        expect(response.body.errors?.[0]?.message).toBe(message);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      });

      it('answers an oversized page with the page rule, not with the cost limit', async () => {
        const tooMany = await stack.query('{ customers(first: 500) { nodes { id } } }', {
          token: admin,
        });
        expect(tooMany.body.errors?.[0]).toEqual(
          expect.objectContaining({
            message: 'first must be between 1 and 100',
            extensions: { code: 'BAD_USER_INPUT', field: 'first' },
          }),
        );
        const notAnInt = await stack.query('{ customers(first: 99999999999) { nodes { id } } }', {
          token: admin,
        });
        expect(notAnInt.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(notAnInt.body.errors?.[0]?.message).toMatch(
          /^Int cannot represent non 32-bit signed integer value: 99999999999/,
        );
      });
    });

    describe('refusals', () => {
      it('answers a missing variable as a variable error, before authorization and any subgraph call', async () => {
        const before = stack.billing.stats.executed;
        for (const token of [undefined, admin]) {
          const response = await stack.query('query ($id: ID!) { invoice(id: $id) { number } }', {
            token,
          });
          expect(response.status).toBe(400);
          expect(response.body.errors).toEqual([
            {
              message: 'Variable "$id" of required type "ID!" was not provided.',
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ]);
        }
        const wrong = await stack.query(
          'query ($first: Int!) { invoices(first: $first) { nodes { id } } }',
          {
            token: admin,
            variables: { first: 'ten' },
          },
        );
        expect(wrong.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
        expect(wrong.body.errors?.[0]?.message).toMatch(
          /^Variable "\$first" got invalid value "ten"/,
        );
        expect(stack.billing.stats.executed).toBe(before);
      });

      it('spells out field suggestions in variable errors only to principals allowed suggestions', async () => {
        const ask = (token?: string) =>
          stack.query('mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }', {
            token,
            variables: { input: { emial: 'alice@acme.example', password: 'x' } },
          });
        const unknownField = (response: Awaited<ReturnType<typeof ask>>) =>
          response.body.errors?.find((e) => e.message.includes('"emial"'));
        const staff = await ask(admin);
        expect(staff.body.errors).toHaveLength(2);
        expect(unknownField(staff)?.message).toMatch(
          /Field "emial" is not defined by type "SignInInput"\. Did you mean "email"\?$/,
        );
        const anonymous = await ask();
        expect(unknownField(anonymous)?.message).toMatch(
          /Field "emial" is not defined by type "SignInInput"\.$/,
        );
        expect(unknownField(anonymous)?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      });

      it('lets a client holding an expired or broken token sign in and refresh, and refuses it everything else', async () => {
        const expired = await stack.mintToken(
          {
            kind: 'contact',
            contactId: randomUUID(),
            customerId: DEMO_CUSTOMER_IDS.acme,
            sessionId: randomUUID(),
          },
          { ttlSeconds: -60 },
        );
        for (const token of [expired, 'not-a-jwt']) {
          const signIn = await stack.query(
            'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken } }',
            {
              token,
              variables: { input: { email: 'alice@acme.example', password: 'acme-demo-password' } },
            },
          );
          expect(signIn.body.errors).toBeUndefined();
          const { refreshToken } = (signIn.body.data as { signIn: { refreshToken: string } })
            .signIn;
          const refreshed = await stack.query(
            'mutation ($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken } }',
            { token, variables: { input: { refreshToken } } },
          );
          expect(refreshed.body.errors).toBeUndefined();
          expect(refreshed.body.data).toEqual({
            refreshSession: { accessToken: expect.any(String) },
          });

          const viewer = await stack.query('{ viewer { kind } }', { token });
          expect(viewer.status).toBe(401);
          expect(viewer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
          const mixed = await stack.query(
            'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } signOutEverywhere }',
            {
              token,
              variables: { input: { email: 'alice@acme.example', password: 'acme-demo-password' } },
            },
          );
          expect(mixed.status).toBe(401);
        }
      });

      it('gives Apollo Client the code of a refusal (401, document limits) as GraphQL errors', async () => {
        const client = (headers: Record<string, string>) =>
          new ApolloClient({
            link: new HttpLink({ uri: stack.gateway.url, headers }),
            cache: new InMemoryCache(),
          });
        const codeOf = async (
          apollo: ApolloClient,
          query: string,
        ): Promise<{ code: unknown; graphQLErrors: boolean }> => {
          try {
            await apollo.query({ query: gql(query), fetchPolicy: 'no-cache' });
            return { code: undefined, graphQLErrors: false };
          } catch (error) {
            return {
              graphQLErrors: CombinedGraphQLErrors.is(error),
              code: CombinedGraphQLErrors.is(error) ? error.errors[0]?.extensions?.code : undefined,
            };
          }
        };
        expect(
          await codeOf(client({ authorization: 'Bearer not-a-jwt' }), '{ viewer { kind } }'),
        ).toEqual({
          code: 'UNAUTHENTICATED',
          graphQLErrors: true,
        });
        let inner = 'id';
        for (let i = 0; i < 8; i += 1) inner = `customer { contacts { ${inner} } }`;
        expect(
          await codeOf(client({ authorization: `Bearer ${admin}` }), `{ viewer { ${inner} } }`),
        ).toEqual({ code: 'DEPTH_LIMIT_EXCEEDED', graphQLErrors: true });
      });

      it('serves refusals as application/graphql-response+json to clients that accept it', async () => {
        const accept = 'application/graphql-response+json, application/json;q=0.9';
        const unauthenticated = await stack.query('{ viewer { kind } }', {
          headers: { authorization: 'Bearer not-a-jwt', accept },
        });
        expect(unauthenticated.status).toBe(401);
        expect(unauthenticated.headers.get('content-type')).toMatch(
          /^application\/graphql-response\+json/,
        );
        expect(unauthenticated.body).toEqual({
          errors: [
            { message: 'Access token is not valid', extensions: { code: 'UNAUTHENTICATED' } },
          ],
        });
        const plain = await stack.query('{ viewer { kind } }', {
          headers: { authorization: 'Bearer not-a-jwt' },
        });
        expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      });
    });

    describe('errors and logs', () => {
      it('turns a non-null field left null into a masked error with the request id, logged with its cause', async () => {
        const invoiceId = await stack.issueInvoice({
          customerId: DEMO_CUSTOMER_IDS.acme,
          currency: 'EUR',
          unitPrice: '10.00',
        });
        // An invoice whose customer accounts does not know: accounts answers
        // null for the non-null `Invoice.customer`.
        await stack.billing.db.manager.query('UPDATE invoices SET customerId = ? WHERE id = ?', [
          randomUUID(),
          invoiceId,
        ]);
        const response = await stack.query(
          'query Broken($id: ID!) { invoice(id: $id) { number customer { companyName } } }',
          { token: admin, variables: { id: invoiceId } },
        );
        const requestId = response.headers.get('x-request-id');
        expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(response.body.data ?? null).toBeNull();
        expect((response.body as { extensions?: unknown }).extensions).toBeUndefined();
        expect(response.body.errors).toEqual([
          expect.objectContaining({
            message: 'Internal server error',
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
          }),
        ]);
        const logged = logLines.filter((line) => line.requestId === requestId);
        expect(logged).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              level: 'error',
              msg: 'non-null field resolved to null',
              error: expect.stringMatching(/non-nullable|null/i),
            }),
            expect.objectContaining({
              level: 'info',
              msg: 'request',
              operationName: 'Broken',
              principal: 'staff',
              principalId: expect.any(String),
              outcome: 'INTERNAL_SERVER_ERROR',
            }),
          ]),
        );
      });

      it('logs one JSON line per request with its principal, outcome, duration and subgraph calls', async () => {
        const response = await stack.query(
          'query Dashboard { viewer { kind } customers(first: 1) { nodes { id invoices { nodes { id } } } } }',
          {
            token: admin,
          },
        );
        expect(response.body.errors).toBeUndefined();
        const requestId = response.headers.get('x-request-id');
        const line = logLines.find((l) => l.requestId === requestId && l.msg === 'request');
        expect(line).toEqual(
          expect.objectContaining({
            service: 'gateway',
            level: 'info',
            operationName: 'Dashboard',
            principal: 'staff',
            status: 200,
            outcome: 'ok',
            ms: expect.any(Number),
          }),
        );
        const calls = line?.subgraphCalls as Array<{ subgraph: string; ms: number }>;
        expect(calls.map((c) => c.subgraph).sort()).toEqual(['accounts', 'billing']);
        const refused = await stack.query('{ viewer { kind } }', { token: 'not-a-jwt' });
        const refusedLine = logLines.find(
          (l) => l.requestId === refused.headers.get('x-request-id') && l.msg === 'request',
        );
        expect(refusedLine).toEqual(
          expect.objectContaining({
            principal: 'anonymous',
            status: 401,
            outcome: 'UNAUTHENTICATED',
          }),
        );
      });
    });
  },
);

describe("a supergraph without Portico's directive definitions", () => {
  it('fails the start with the reason instead of refusing every request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-supergraph-'));
    try {
      const path = join(dir, 'supergraph.graphql');
      // Composed without the kit's directives: valid for Apollo, unreadable for the authorizer.
      const names = '(?:signedIn|staff|scopes|customerScoped)';
      const withoutDefinitions = readFileSync(SUPERGRAPH_PATH, 'utf8')
        .replace(
          new RegExp(`(?:"""(?:(?!""")[\\s\\S])*"""\\s*)?^directive @${names}\\b.*$`, 'gm'),
          '',
        )
        .replace(new RegExp(` @${names}\\b(?:\\([^)]*\\))?`, 'g'), '')
        .replace(/^.*@link\(url: "https:\/\/portico\.dev\/authz.*$/m, '');
      expect(withoutDefinitions).not.toMatch(/portico\.dev|@signedIn/);
      writeFileSync(path, withoutDefinitions);
      await expect(
        startGateway(
          loadConfig({
            AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
            HTTP_PORT: '0',
            GATEWAY_SUPERGRAPH_PATH: path,
            LOG_LEVEL: 'silent',
          }),
        ),
      ).rejects.toThrow(/cannot be authorized against: .*@signedIn/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
