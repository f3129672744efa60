import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  allowLongUploads,
  ANONYMOUS,
  closeGracefully,
  closeOnce,
  createCounterStore,
  createLogger,
  ErrorCode,
  executeGraphQLRequest,
  guardRequestBody,
  httpStatusFor,
  lingerOnUnreadBody,
  listen,
  readBody,
  readGraphQLBody,
  REQUEST_TIMEOUT_MS,
  runInServerSpan,
  startTracing,
  type Tracing,
  sendGraphQLError,
  sendJson,
  METRICS_PATH,
  ServiceMetrics,
  type Principal,
} from '@portico/kit';
import { SpanStatusCode, trace as otelTrace } from '@opentelemetry/api';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import type { GatewayConfig } from './config';
import type { GatewayContext, RequestTrace } from './context';
import { createGateway } from './gateway';
import type { PrincipalStatusStats } from './auth/principal-status';
import { applyCors } from './http/cors';
import { createFilePassThrough } from './http/file-pass-through';
import { createIde } from './http/ide';
import { sendRefusal } from './http/refusal';
import { checkDocumentLimits } from './limits/document-limits';
import { usesIntrospection, withoutSuggestions } from './limits/introspection';
import { RateLimiter } from './limits/rate-limiter';
import { variableErrors } from './limits/variables';
import type { FederationParts } from './subscriptions/federated-subscription';
import { LiveConnections } from './subscriptions/live-connections';
import {
  acceptsMultipartSubscription,
  serveMultipartSubscription,
  type MultipartParts,
} from './subscriptions/multipart';
import {
  subscriptionOperationOf,
  type OperationCheckParts,
} from './subscriptions/operation-checks';
import type { SubgraphPool } from './subgraph-pool';
import { UpstreamSubscriptions } from './subscriptions/upstream';
import { attachSubscriptionServer } from './subscriptions/ws-server';

export interface RunningGateway {
  url: string;
  port: number;
  /** What `/metrics` serves (when METRICS_TOKEN is set). */
  metrics: ServiceMetrics;
  /** How the per-request session check was answered (asked accounts, or remembered). */
  principalStatusStats(): PrincipalStatusStats;
  /** What subscriptions hold open right now. */
  subscriptionStats(): SubscriptionStats;
  close(): Promise<void>;
}

export interface SubscriptionStats {
  /** graphql-ws sockets past `connection_init`. */
  sockets: number;
  /** Sockets plus multipart streams, as counted against each principal's limit. */
  connections: number;
  /** Subscriptions open from this gateway to subgraphs. */
  upstream: number;
}

/** Ready while every subgraph has at least one instance answering its health check. */
async function subgraphsHealthy(pools: Iterable<SubgraphPool>): Promise<boolean> {
  const healthy = async (url: string) => {
    const health = url.replace(/\/graphql$/, '/healthz');
    const response = await fetch(health, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`health check answered ${response.status}`);
  };
  const checks = [...pools].map((pool) =>
    Promise.any(pool.instances.map((instance) => healthy(instance.url))),
  );
  const results = await Promise.allSettled(checks);
  return results.every((r) => r.status === 'fulfilled');
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

/** The methods `/files/<subgraph>/…` passes on; which path takes which is the subgraph's call. */
const FILE_METHODS = 'GET, HEAD, PUT';

function serviceUnavailable(res: ServerResponse, subgraph: string | undefined): void {
  sendGraphQLError(
    res,
    503,
    ErrorCode.ServiceUnavailable,
    `The ${subgraph} service is unavailable`,
  );
}

/** The id a log line names a principal by (the anonymous have none). */
function principalId(principal: Principal): string | undefined {
  switch (principal.kind) {
    case 'contact':
      return principal.contactId;
    case 'staff':
      return principal.staffUserId;
    case 'partner':
      return principal.clientId;
    default:
      return undefined;
  }
}

/** The operation a parsed document runs (the one named, else its only one): name and type. */
function operationIn(
  document: DocumentNode,
  operationName: string | undefined,
): { name: string | null; type?: string } {
  const operation = getOperationAST(document, operationName);
  return { name: operation?.name?.value ?? null, type: operation?.operation };
}

/** GET carries variables as a JSON string; anything that does not decode is left to Apollo Server. */
function variablesOf(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * The gateway's HTTP server. Order of checks on /graphql, cheapest first and
 * all before any subgraph is called: CORS → token → rate limit → body size →
 * batching → document limits (tokens, depth, aliases, directives, cost) →
 * variables → introspection policy → Apollo (directive authorization,
 * planning, execution). Every refusal is a GraphQL response with
 * `extensions.code`, and every request leaves one log line.
 */
export async function startGateway(
  config: GatewayConfig,
  options: {
    verifyToken?: TokenVerifier;
    writeLog?: (line: string) => void;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.logLevel, options.writeLog);
  const tracing = options.tracing ?? startTracing(config.tracing);
  const ide = config.ide ? createIde() : undefined;
  const metrics = new ServiceMetrics('gateway');
  const gatewayParts = createGateway(config, logger, metrics, tracing);
  const { apollo, subgraphPools, apiSchema, principalStatus } = gatewayParts;
  await apollo.start();
  const authorizerError = gatewayParts.authorizerError();
  if (authorizerError || !gatewayParts.authorizer()) {
    principalStatus.close();
    await apollo.stop();
    if (!options.tracing) await tracing.shutdown();
    throw new Error(
      `${config.supergraphPath} cannot be authorized against: ${authorizerError?.message ?? 'no schema loaded'}`,
    );
  }
  const verifyToken = options.verifyToken ?? createTokenVerifier(config.auth);
  const counters = createCounterStore(config.redisUrl, `${config.redisPrefix}gateway:`);
  if (!(await counters.ready(5_000))) {
    logger.warn('Redis not reachable yet; rate limits are off until it is');
  }
  const rateLimiter = new RateLimiter(counters, config.limits.rate, (error) => {
    logger.warn('rate-limit store unavailable, letting request through', {
      error: String(error),
    });
  });
  let draining = false;
  const files = createFilePassThrough({ timeoutMs: config.subgraphTimeoutMs });
  const connections = new LiveConnections({
    maxPerPrincipal: config.subscriptions.maxSocketsPerPrincipal,
    statusCheckMs: config.subscriptions.statusCheckMs,
    checkStatus: principalStatus.check,
    logger,
  });
  const upstream = new UpstreamSubscriptions({
    pools: subgraphPools,
    claimsSecret: config.auth.claimsSecret,
    logger,
  });
  const federation = (): FederationParts | undefined => {
    const planner = gatewayParts.subscriptionPlanner();
    return planner
      ? {
          planner,
          upstream,
          dataSources: gatewayParts.dataSources,
          claimsSecret: config.auth.claimsSecret,
          logger,
        }
      : undefined;
  };
  const checks: OperationCheckParts = {
    config,
    apiSchema,
    authorizer: gatewayParts.authorizer,
    planner: gatewayParts.subscriptionPlanner,
  };
  const multipart: MultipartParts = {
    checks,
    federation,
    connections,
    checkStatus: principalStatus.check,
    heartbeatMs: config.subscriptions.multipartHeartbeatMs,
    logger,
  };

  /** A mutation every root field of which anonymous callers may run (sign-in, refresh, …). */
  const needsNoSignIn = (
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): boolean => {
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operationName
      ? operations.find((op) => op.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    const authorizer = gatewayParts.authorizer();
    if (operation?.operation !== 'mutation' || !authorizer) return false;
    return (
      authorizer.authorize({ document, operationName, variables, principal: ANONYMOUS }) === null
    );
  };

  /**
   * One server span per request, the root of its trace: a client's own
   * `traceparent` is not followed (the port is public, and a caller must not
   * decide what this deployment samples). It names the operation, its
   * outcome and the request id, never the document, variables or token.
   */
  const handleGraphQL = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const trace: RequestTrace = { subgraphCalls: [], errorCodes: [] };
    return runInServerSpan(
      tracing,
      req,
      res,
      {
        name: 'graphql',
        requestId,
        parentFromHeaders: false,
        onEnd: (span) => {
          const operation = trace.parsedOperation;
          if (operation?.type) span.setAttribute('graphql.operation.type', operation.type);
          if (operation?.name) span.setAttribute('graphql.operation.name', operation.name);
          if (operation) {
            span.updateName(
              `${operation.type ?? 'graphql'}${operation.name ? ` ${operation.name}` : ''}`,
            );
          }
          const outcome = !res.writableFinished
            ? 'aborted'
            : trace.errorCodes.length === 0
              ? 'ok'
              : trace.executed
                ? 'error'
                : 'refused';
          span.setAttribute('portico.outcome', outcome);
          if (trace.errorCodes.length > 0) {
            span.setAttribute('portico.error_codes', [...new Set(trace.errorCodes)]);
          }
          if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR });
        },
      },
      () => serveGraphQL(req, res, requestId, trace),
    );
  };

  const serveGraphQL = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    trace: RequestTrace,
  ): Promise<void> => {
    const started = performance.now();
    res.setHeader('x-request-id', requestId);
    const clientAddress = clientAddressOf(req, config.http.trustProxy);
    const context: GatewayContext = { principal: ANONYMOUS, requestId, clientAddress, trace };
    // 'close' rather than 'finish': a client that hangs up is logged too.
    res.once('close', () => {
      metrics.recordRequest(
        trace.parsedOperation
          ? { parsed: true, name: trace.parsedOperation.name }
          : { parsed: false },
        !res.writableFinished
          ? 'aborted'
          : trace.errorCodes.length === 0
            ? 'ok'
            : trace.executed
              ? 'error'
              : 'refused',
        (performance.now() - started) / 1000,
        trace.errorCodes,
      );
      logger.info('request', {
        requestId,
        operationName: trace.operationName,
        principal: context.principal.kind,
        principalId: principalId(context.principal),
        status: res.statusCode,
        outcome: !res.writableFinished
          ? 'aborted'
          : trace.errorCodes.length > 0
            ? trace.errorCodes.join(',')
            : 'ok',
        ms: Math.round(performance.now() - started),
        subgraphCalls: trace.subgraphCalls,
      });
    });
    const refuse = (
      status: number,
      code: string,
      message: string,
      extra: object = {},
      headers: Record<string, string> = {},
    ) => {
      trace.errorCodes.push(code);
      sendRefusal(req, res, status, { message, extensions: { code, ...extra } }, headers);
    };

    // A token that does not verify is refused, except on the operations that
    // need no sign-in: a client holding an expired access token must still
    // be able to refresh it or sign in again. Those run as anonymous.
    let tokenRefusal: GraphQLError | undefined;
    try {
      context.principal = await verifyToken(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      if (error.extensions.code !== ErrorCode.Unauthenticated) {
        req.resume();
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
        refuse(status, String(error.extensions.code), error.message);
        return;
      }
      tokenRefusal = error;
    }
    const { principal } = context;
    otelTrace.getActiveSpan()?.setAttribute('portico.principal_kind', principal.kind);
    const rate = await rateLimiter.check(principal, clientAddress);
    if (!rate.allowed) {
      metrics.rateLimitRefused('graphql');
      req.resume();
      refuse(
        429,
        ErrorCode.RateLimited,
        `Too many requests; retry in ${rate.retryAfterSeconds} s`,
        { limit: rate.limit, retryAfter: rate.retryAfterSeconds },
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
      return;
    }
    const refuseToken = () => {
      refuse(401, ErrorCode.Unauthenticated, tokenRefusal?.message ?? 'Access token is not valid');
    };
    const read = await readGraphQLBody(req, config.http.bodyLimitBytes);
    if (!read.ok) {
      refuse(read.status, read.code, read.message);
      return;
    }
    const body = read.body;
    if (Array.isArray(body)) {
      refuse(
        400,
        ErrorCode.BatchingDisabled,
        'Batched requests are not accepted; send one operation per request',
      );
      return;
    }
    const params =
      body && typeof body === 'object'
        ? (body as { query?: unknown; operationName?: unknown; variables?: unknown })
        : Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
    const operationName =
      typeof params.operationName === 'string' ? params.operationName : undefined;
    trace.operationName = operationName;
    const limits =
      principal.kind === 'partner'
        ? config.limits.partner
        : principal.kind === 'anonymous'
          ? config.limits.anonymous
          : config.limits.firstParty;
    // @apollo/gateway cannot execute subscriptions: the gateway federates
    // them itself, over HTTP in Apollo's multipart protocol.
    const subscription = subscriptionOperationOf(params.query, operationName, limits.tokens);
    if (subscription) {
      // Parsed here, not by the document checks below: without it the request
      // metrics would label every multipart subscription `unparsed`.
      trace.parsedOperation = subscription;
      if (tokenRefusal) {
        refuseToken();
        return;
      }
      if (req.method !== 'POST' || !acceptsMultipartSubscription(req)) {
        refuse(
          400,
          'BAD_REQUEST',
          'A subscription over HTTP needs POST with accept: multipart/mixed;subscriptionSpec="1.0"; or subscribe over graphql-ws on this path',
        );
        return;
      }
      res.setHeader('x-ratelimit-limit', String(rate.limit));
      res.setHeader('x-ratelimit-remaining', String(rate.remaining));
      trace.executed = true;
      await serveMultipartSubscription(
        req,
        res,
        multipart,
        {
          principal,
          authorization: req.headers.authorization,
          requestId,
          clientAddress,
          body: params,
        },
        (code) => trace.errorCodes.push(code),
      );
      return;
    }
    if (typeof params.query !== 'string') {
      if (tokenRefusal) {
        refuseToken();
        return;
      }
    } else {
      const variables = variablesOf(params.variables);
      const checked = checkDocumentLimits(
        params.query,
        operationName,
        variables,
        limits,
        apiSchema(),
      );
      if ('document' in checked && checked.document) {
        trace.parsedOperation = operationIn(checked.document, operationName);
      }
      if ('violation' in checked) {
        if (tokenRefusal) {
          refuseToken();
          return;
        }
        const { code, message, limit } = checked.violation;
        refuse(httpStatusFor(code), code, message, { limit });
        return;
      }
      if (
        tokenRefusal &&
        !(checked.document && needsNoSignIn(checked.document, operationName, variables))
      ) {
        refuseToken();
        return;
      }
      if (checked.document) {
        const invalid = variableErrors(apiSchema(), checked.document, operationName, variables);
        if (invalid) {
          trace.errorCodes.push(ErrorCode.BadUserInput);
          // graphql-js suggests field names ("Did you mean …?"); only to
          // principals allowed suggestions, as on every other error.
          const suggest = config.limits.suggestionsFor.has(principal.kind);
          sendRefusal(
            req,
            res,
            400,
            invalid.map((message) => ({
              message: suggest ? message : withoutSuggestions(message),
              extensions: { code: ErrorCode.BadUserInput },
            })),
          );
          return;
        }
      }
      if (
        checked.document &&
        !config.limits.introspectionFor.has(principal.kind) &&
        usesIntrospection(checked.document)
      ) {
        refuse(
          400,
          ErrorCode.IntrospectionDisabled,
          'Introspection is not available to this client',
        );
        return;
      }
    }
    res.setHeader('x-ratelimit-limit', String(rate.limit));
    res.setHeader('x-ratelimit-remaining', String(rate.remaining));
    trace.executed = true;
    await executeGraphQLRequest(apollo, req, res, body, async () => context);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const fileRoute = path.startsWith('/files/');
    // An upload through /files/ has no limit as a whole, only on idling;
    // everything else keeps Node's bound on receiving a request.
    guardRequestBody(req, res, {
      idleMs: config.http.bodyIdleTimeoutMs,
      totalMs: fileRoute && req.method === 'PUT' ? null : REQUEST_TIMEOUT_MS,
    });
    if (applyCors(req, res, config.http.corsOrigins)) return;
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = !draining && (await subgraphsHealthy(subgraphPools.values()));
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      return;
    }
    // The gateway's port is public: metrics only for a scraper holding the token.
    if (
      path === METRICS_PATH &&
      config.metricsToken &&
      (req.method === 'GET' || req.method === 'HEAD')
    ) {
      await metrics.serve(req, res, config.metricsToken);
      return;
    }
    if (ide?.handle(req, res, path)) return;
    if (path === '/' && ide && req.method === 'GET') {
      res.writeHead(302, { location: '/graphql', 'content-length': '0' });
      res.end();
      return;
    }
    if (fileRoute) {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'PUT') {
        await proxyFile(req, res, path);
      } else {
        lingerOnUnreadBody(req, res);
        sendJson(res, 405, { error: 'method not allowed' }, { allow: FILE_METHODS });
      }
      return;
    }
    if (path.startsWith('/webhooks/') && req.method === 'POST') {
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
    const pool = subgraph && rest.length > 0 ? subgraphPools.get(subgraph) : undefined;
    const graphqlUrl = pool?.pick()?.url;
    return { subgraph, graphqlUrl, rest };
  };

  /**
   * Signed file links (`/files/<subgraph>/<file>?t=…&s=…`) go to the
   * subgraph that issued them, which checks the signature and decides which
   * paths take which method; the gateway only rate-limits by address and
   * streams the file through: downloads (GET, HEAD, ranges, conditional
   * requests) and uploads (PUT, raw body, no body-size limit of its own).
   */
  const proxyFile = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const { subgraph, graphqlUrl, rest } = passThroughTarget(path);
    if (!subgraph || !graphqlUrl) {
      lingerOnUnreadBody(req, res);
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    const rate = await rateLimiter.check(
      { kind: 'anonymous' },
      clientAddressOf(req, config.http.trustProxy),
    );
    if (!rate.allowed) {
      metrics.rateLimitRefused('files');
      lingerOnUnreadBody(req, res);
      sendRefusal(
        req,
        res,
        429,
        {
          message: `Too many requests; retry in ${rate.retryAfterSeconds} s`,
          extensions: { code: ErrorCode.RateLimited, retryAfter: rate.retryAfterSeconds },
        },
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
      return;
    }
    const search = new URL(req.url ?? '/', 'http://localhost').search;
    const target = new URL(graphqlUrl.replace(/\/graphql$/, `/files/${rest.join('/')}`) + search);
    await files.forward(req, res, target, subgraph);
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
  allowLongUploads(server);
  const subscriptionServer = attachSubscriptionServer(server, {
    config,
    logger,
    verifyToken,
    checkStatus: principalStatus.check,
    rateLimiter,
    onRateLimited: () => metrics.rateLimitRefused('websocket'),
    connections,
    checks,
    federation,
    clientAddressOf: (req) => clientAddressOf(req, config.http.trustProxy),
  });
  metrics.gauge({
    name: 'portico_subscription_sockets_open',
    help: 'graphql-ws sockets open on this process (past connection_init).',
    read: () => [{ labels: {}, value: subscriptionServer.sockets() }],
  });
  metrics.gauge({
    name: 'portico_subscription_connections_open',
    help: 'graphql-ws sockets plus multipart subscription streams, as counted against each principal.',
    read: () => [{ labels: {}, value: connections.size }],
  });
  metrics.gauge({
    name: 'portico_upstream_subscriptions_open',
    help: 'Subscriptions open from this gateway to subgraphs.',
    read: () => [{ labels: {}, value: upstream.open }],
  });
  const port = await listen(server, config.http.port, config.http.host);
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    metrics,
    principalStatusStats: () => principalStatus.stats(),
    subscriptionStats: () => ({
      sockets: subscriptionServer.sockets(),
      connections: connections.size,
      upstream: upstream.open,
    }),
    close: closeOnce(async () => {
      draining = true;
      // Subscribers are told to go (1001, or a last multipart part) and
      // resume elsewhere from their cursors; then HTTP drains.
      await subscriptionServer.close();
      connections.endAll();
      principalStatus.close();
      await closeGracefully(server, config.shutdownGraceMs);
      connections.close();
      await upstream.close();
      for (const pool of subgraphPools.values()) pool.close();
      files.close();
      await apollo.stop();
      await counters.close();
      if (!options.tracing) await tracing.shutdown();
    }),
  };
}
