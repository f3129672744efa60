import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  closeGracefully,
  createCounterStore,
  ErrorCode,
  executeGraphQLRequest,
  httpStatusFor,
  listen,
  readBody,
  readGraphQLBody,
  sendGraphQLError,
  sendJson,
  type Principal,
} from '@portico/kit';
import { GraphQLError } from 'graphql';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import type { GatewayConfig } from './config';
import { createGateway } from './gateway';
import type { PrincipalStatusStats } from './auth/principal-status';
import { checkDocumentLimits } from './limits/document-limits';
import { usesIntrospection } from './limits/introspection';
import { RateLimiter } from './limits/rate-limiter';

export interface RunningGateway {
  url: string;
  port: number;
  /** How the per-request session check was answered (asked accounts, or remembered). */
  principalStatusStats(): PrincipalStatusStats;
  close(): Promise<void>;
}

async function subgraphsHealthy(urls: Iterable<string>): Promise<boolean> {
  const checks = [...urls].map(async (url) => {
    const health = url.replace(/\/graphql$/, '/healthz');
    const response = await fetch(health, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  });
  const results = await Promise.allSettled(checks);
  return results.every((r) => r.status === 'fulfilled' && r.value);
}

/** The socket's peer, or behind a trusted proxy the address that proxy appended last. */
function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim()) {
    const hops = forwarded.split(',').map((h) => h.trim());
    const last = hops[hops.length - 1];
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function serviceUnavailable(res: ServerResponse, subgraph: string | undefined): void {
  sendGraphQLError(
    res,
    503,
    ErrorCode.ServiceUnavailable,
    `The ${subgraph} service is unavailable`,
  );
}

function refuse(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  extra: object = {},
  headers: Record<string, string> = {},
) {
  const body = { errors: [{ message, extensions: { code, ...extra } }] };
  sendJson(res, httpStatusFor(code), body, headers);
}

/**
 * The gateway's HTTP server. Order of checks on /graphql, cheapest first and
 * all before any subgraph is called: token → rate limit → body size →
 * batching → document limits (tokens, depth, aliases, directives, cost) →
 * introspection policy → Apollo (directive authorization, planning, execution).
 */
export async function startGateway(
  config: GatewayConfig,
  options: { verifyToken?: TokenVerifier } = {},
): Promise<RunningGateway> {
  const { apollo, subgraphUrls, apiSchema, principalStatus } = createGateway(config);
  await apollo.start();
  const verifyToken = options.verifyToken ?? createTokenVerifier(config.auth);
  const counters = createCounterStore(config.redisUrl, `${config.redisPrefix}gateway:`);
  if (!(await counters.ready(5_000))) {
    process.stderr.write('gateway: Redis not reachable yet; rate limits are off until it is\n');
  }
  const rateLimiter = new RateLimiter(counters, config.limits.rate, (error) => {
    process.stderr.write(
      `gateway: rate-limit store unavailable, letting request through: ${String(error)}\n`,
    );
  });
  let draining = false;

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const clientAddress = clientAddressOf(req, config.http.trustProxy);
    let principal: Principal;
    try {
      principal = await verifyToken(req.headers.authorization);
    } catch (error) {
      req.resume();
      if (error instanceof GraphQLError) {
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
        sendGraphQLError(res, status, String(error.extensions.code), error.message);
        return;
      }
      throw error;
    }
    const rate = await rateLimiter.check(principal, clientAddress);
    if (!rate.allowed) {
      req.resume();
      refuse(
        res,
        ErrorCode.RateLimited,
        `Too many requests; retry in ${rate.retryAfterSeconds} s`,
        {
          limit: rate.limit,
          retryAfter: rate.retryAfterSeconds,
        },
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
      return;
    }
    const read = await readGraphQLBody(req, config.http.bodyLimitBytes);
    if (!read.ok) {
      sendGraphQLError(res, read.status, read.code, read.message);
      return;
    }
    const body = read.body;
    if (Array.isArray(body)) {
      refuse(
        res,
        ErrorCode.BatchingDisabled,
        'Batched requests are not accepted; send one operation per request',
      );
      return;
    }
    const params =
      body && typeof body === 'object'
        ? (body as { query?: unknown; operationName?: unknown; variables?: unknown })
        : Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
    if (typeof params.query === 'string') {
      const limits =
        principal.kind === 'partner' ? config.limits.partner : config.limits.firstParty;
      const variables =
        params.variables && typeof params.variables === 'object'
          ? (params.variables as Record<string, unknown>)
          : {};
      const operationName =
        typeof params.operationName === 'string' ? params.operationName : undefined;
      const checked = checkDocumentLimits(
        params.query,
        operationName,
        variables,
        limits,
        apiSchema(),
      );
      if ('violation' in checked) {
        const { code, message, limit } = checked.violation;
        refuse(res, code, message, { limit });
        return;
      }
      if (
        checked.document &&
        !config.limits.introspectionFor.has(principal.kind) &&
        usesIntrospection(checked.document)
      ) {
        refuse(
          res,
          ErrorCode.IntrospectionDisabled,
          'Introspection is not available to this client',
        );
        return;
      }
    }
    res.setHeader('x-ratelimit-limit', String(rate.limit));
    res.setHeader('x-ratelimit-remaining', String(rate.remaining));
    await executeGraphQLRequest(apollo, req, res, body, async () => ({
      principal,
      requestId,
      clientAddress,
    }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = !draining && (await subgraphsHealthy(subgraphUrls.values()));
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      return;
    }
    if (path?.startsWith('/files/') && req.method === 'GET') {
      await proxyFile(req, res, path);
      return;
    }
    if (path?.startsWith('/webhooks/') && req.method === 'POST') {
      await proxyWebhook(req, res, path);
      return;
    }
    if (path !== '/graphql') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    await handleGraphQL(req, res);
  };

  /** `/<kind>/<subgraph>/<rest…>` → that subgraph's GraphQL URL, when it is one the gateway routes to. */
  const passThroughTarget = (path: string) => {
    const [, , subgraph, ...rest] = path.split('/');
    const graphqlUrl = subgraph && rest.length > 0 ? subgraphUrls.get(subgraph) : undefined;
    return { subgraph, graphqlUrl, rest };
  };

  /**
   * Signed download links (`/files/<subgraph>/<file>?t=…&s=…`) go to the
   * subgraph that issued them, which checks the signature; the gateway only
   * rate-limits by address and passes the file through.
   */
  const proxyFile = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const { subgraph, graphqlUrl, rest } = passThroughTarget(path);
    if (!graphqlUrl) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    const rate = await rateLimiter.check(
      { kind: 'anonymous' },
      clientAddressOf(req, config.http.trustProxy),
    );
    if (!rate.allowed) {
      refuse(
        res,
        ErrorCode.RateLimited,
        `Too many requests; retry in ${rate.retryAfterSeconds} s`,
        {},
        {
          'retry-after': String(rate.retryAfterSeconds),
        },
      );
      return;
    }
    const search = new URL(req.url ?? '/', 'http://localhost').search;
    const target = graphqlUrl.replace(/\/graphql$/, `/files/${rest.join('/')}`) + search;
    let upstream: Response;
    try {
      upstream = await fetch(target, { signal: AbortSignal.timeout(config.subgraphTimeoutMs) });
    } catch {
      serviceUnavailable(res, subgraph);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of [
      'content-type',
      'content-length',
      'content-disposition',
      'cache-control',
      'x-content-type-options',
    ]) {
      const value = upstream.headers.get(name);
      if (value) headers[name] = value;
    }
    res.writeHead(upstream.status, headers);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  };

  /**
   * Provider webhooks (`/webhooks/<subgraph>/<name>`) go to the subgraph that
   * verifies their signature; the raw body and the signature header pass
   * through untouched.
   */
  const proxyWebhook = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const { subgraph, graphqlUrl, rest } = passThroughTarget(path);
    if (!graphqlUrl) {
      req.resume();
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    let body: string;
    try {
      body = await readBody(req, 1024 * 1024);
    } catch {
      sendJson(res, 413, { error: 'payload too large' });
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'stripe-signature']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    try {
      const upstream = await fetch(
        graphqlUrl.replace(/\/graphql$/, `/webhooks/${rest.join('/')}`),
        {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(config.subgraphTimeoutMs),
        },
      );
      const text = await upstream.text();
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
    } catch {
      serviceUnavailable(res, subgraph);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.Internal, 'Internal server error');
      else res.destroy();
    });
  });
  const port = await listen(server, config.http.port, config.http.host);
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    principalStatusStats: () => principalStatus.stats(),
    close: async () => {
      draining = true;
      principalStatus.close();
      await closeGracefully(server, config.shutdownGraceMs);
      await apollo.stop();
      await counters.close();
    },
  };
}
