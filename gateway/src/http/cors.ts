import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, ErrorCode, sendGraphQLError, type Env } from '@portico/kit';

/** Request headers a browser app may send cross-origin (the bearer token and JSON among them). */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'graphql-preflight',
  // Partial and conditional downloads through /files/.
  'range',
  'if-range',
  'if-none-match',
  'if-modified-since',
];
/**
 * Response headers a browser app may read: the request id it quotes, the rate
 * limit, and what a download tells beyond the safelisted headers (its file
 * name, the part of the file sent, its version).
 */
const EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'content-disposition',
  'content-range',
  'accept-ranges',
  'etag',
];
/** Methods per path: files are downloaded and uploaded (PUT) through signed links. */
const API_METHODS = 'GET, POST, OPTIONS';
const FILE_METHODS = 'GET, HEAD, PUT, OPTIONS';
/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * `HTTP_CORS_ORIGINS`: comma-separated origins (`https://app.example.com`)
 * whose browser apps may call the gateway. Exact origins only: no wildcard,
 * since a wildcard would hand every site a signed-in user's reach.
 */
export function readCorsOrigins(env: Env, key = 'HTTP_CORS_ORIGINS'): ReadonlySet<string> {
  const raw = env[key];
  const origins = new Set<string>();
  for (const entry of (raw ?? '').split(',')) {
    const value = entry.trim();
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${key}: "${value}" is not an origin such as https://app.example.com`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/$/, '')) {
      throw new ConfigError(
        `${key}: "${value}" is not an origin (scheme, host and port only, such as https://app.example.com)`,
      );
    }
    origins.add(url.origin);
  }
  return origins;
}

/**
 * Cross-origin access for the configured origins. A preflight (`OPTIONS`) is
 * answered here and never reaches Apollo Server; an allowed origin's actual
 * request gets `Access-Control-Allow-Origin` on whatever answer follows.
 * Requests from other origins get no CORS headers, so the browser keeps
 * their pages out, and Apollo Server's CSRF prevention still refuses the
 * "simple" requests a page may send without a preflight.
 *
 * Returns true when the request was answered (a preflight).
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && allowedOrigins.has(origin);
  // Caches must not serve one origin's answer to another.
  res.setHeader('vary', 'Origin');
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
  }
  if (req.method !== 'OPTIONS') return false;
  req.resume();
  if (!allowed) {
    sendGraphQLError(
      res,
      403,
      ErrorCode.Forbidden,
      typeof origin === 'string'
        ? `Origin ${origin} may not call this gateway (see HTTP_CORS_ORIGINS)`
        : 'OPTIONS is only answered to a cross-origin preflight',
    );
    return true;
  }
  res.writeHead(204, {
    'access-control-allow-methods': (req.url ?? '/').startsWith('/files/')
      ? FILE_METHODS
      : API_METHODS,
    'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    'content-length': '0',
  });
  res.end();
  return true;
}
