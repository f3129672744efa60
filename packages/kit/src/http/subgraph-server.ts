import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { CLAIMS_HEADER, verifyClaims } from '../auth/claims';
import type { BaseContext, RequestMeta } from '../auth/context';
import { ErrorCode, maskError } from '../errors';
import { createLogger, maskedErrorLogPlugin, type LogLevel } from '../log';
import {
  handleGraphQLRequest,
  readGraphQLBody,
  sendGraphQLError,
  sendJson,
} from './graphql-handler';
import { closeGracefully, closeOnce, listen } from './lifecycle';
import type { Database } from '../db/data-source';
import type { EventTransport } from '../events/transport';
import { METRICS_PATH, ServiceMetrics } from '../metrics/service-metrics';
import { requestMetricsPlugin } from '../metrics/request-metrics-plugin';
import { watchDatabase, watchEvents } from '../metrics/watch';
import { operationSpanPlugin } from '../tracing/operation-span-plugin';
import { runInServerSpan } from '../tracing/server-span';
import { TRACING_OFF, type Tracing } from '../tracing/tracing';
import {
  serveSubscriptions,
  type SubscriptionEndpoint,
  type SubscriptionEndpointOptions,
  type SubscriptionStats,
} from './subscription-endpoint';
import {
  allowLongUploads,
  BODY_IDLE_TIMEOUT_MS,
  guardRequestBody,
  lingerOnUnreadBody,
  REQUEST_TIMEOUT_MS,
} from './request-timeouts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type InternalRouteHandler = (
  body: unknown,
  meta: RequestMeta,
  /**
   * Aborted when the server starts closing: a handler that waits (the
   * events feed's long poll) answers with what it has instead of holding
   * the close open.
   */
  closing?: AbortSignal,
) => Promise<{ status: number; body: unknown }>;

/**
 * Subgraphs keep idle sockets longer than the gateway's HTTP client does, so
 * the gateway never reuses a socket the subgraph has just closed (ECONNRESET).
 */
export const SUBGRAPH_KEEP_ALIVE_MS = 75_000;

export interface SubgraphServerOptions<C extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  /** Verifies gateway claims; the events transport signs with it too. */
  claimsSecret: string;
  /** Still verified, never used to sign, during a rotation (AUTH_CLAIMS_SECRET_ACCEPTED). */
  acceptedClaimsSecrets?: readonly string[];
  host: string;
  port: number;
  bodyLimitBytes?: number;
  createContext: (meta: RequestMeta) => C;
  /** Extra public GET routes (e.g. a JWKS document), which also answer HEAD (Node sends no body). */
  routes?: Record<string, RouteHandler>;
  /** Public POST routes that authenticate themselves (e.g. signed provider webhooks). */
  webhookRoutes?: Record<string, RouteHandler>;
  /**
   * Public PUT routes that authenticate themselves (e.g. through a signed
   * upload link) and read the raw body as a stream. Their bodies have no time
   * limit as a whole, only `bodyIdleTimeoutMs`.
   */
  uploadRoutes?: Record<string, RouteHandler>;
  /**
   * How long a request body may make no progress before its connection is cut
   * (the handler's stream then fails); defaults to BODY_IDLE_TIMEOUT_MS.
   */
  bodyIdleTimeoutMs?: number;
  /** POST routes for the gateway only: refused without valid gateway claims, like /graphql. */
  internalRoutes?: Record<string, InternalRouteHandler>;
  /** Readiness probe, e.g. a database ping. */
  isReady?: () => Promise<boolean>;
  /** Idle keep-alive socket lifetime; defaults to SUBGRAPH_KEEP_ALIVE_MS. */
  keepAliveMs?: number;
  /** `LOG_LEVEL` of the JSON log on stdout; masked errors are logged at `error`. */
  logLevel?: LogLevel;
  /** Where log lines go; stdout by default. */
  writeLog?: (line: string) => void;
  /**
   * Serves the schema's subscriptions over graphql-ws on `/graphql` too
   * (gateway claims at `connection_init` and on every subscribe); `true` for
   * the default limits.
   */
  subscriptions?: boolean | SubscriptionEndpointOptions;
  /**
   * What `/metrics` reports beyond requests and subscriptions: the database's
   * connections and the lag of the transport's event consumers.
   */
  metrics?: { db?: Database; events?: EventTransport };
  /**
   * A server span per GraphQL request, child of the gateway's call
   * (`traceparent`); off when not given. Internal routes (event feeds,
   * session checks) are not traced.
   */
  tracing?: Tracing;
}

export interface SubgraphStats {
  /** GraphQL requests that carried valid gateway claims and were executed. */
  executed: number;
  /** Requests refused for missing or invalid claims. */
  refused: number;
  /** Gateway-only internal calls answered (e.g. session status checks). */
  internal: number;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  stats: SubgraphStats;
  /** The graphql-ws endpoint's counters, when it serves subscriptions. */
  subscriptions?: SubscriptionStats;
  /** What `/metrics` serves. */
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

/** A refusal sent before the request body was read: the rest of it is not taken. */
function refuseUnread(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  lingerOnUnreadBody(req, res);
  sendJson(res, status, body, headers);
}

export async function startSubgraphServer<C extends BaseContext>(
  options: SubgraphServerOptions<C>,
): Promise<RunningSubgraph> {
  const logger = createLogger(options.name, options.logLevel ?? 'info', options.writeLog);
  const tracing = options.tracing ?? TRACING_OFF;
  const metrics = new ServiceMetrics(options.name);
  const verifying = [options.claimsSecret, ...(options.acceptedClaimsSecrets ?? [])];
  if (options.metrics?.db) watchDatabase(metrics, options.metrics.db);
  if (options.metrics?.events) watchEvents(metrics, options.metrics.events);
  const apollo = new ApolloServer<C>({
    // The process's own shutdown stops the server (draining HTTP first). Apollo's
    // signal handlers would stop it a second time, and that second stop() never
    // returns: the process then hangs on SIGTERM instead of exiting.
    stopOnTerminationSignals: false,
    schema: options.schema,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    // Only reachable with gateway claims, so introspection is no leak here.
    introspection: true,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      maskedErrorLogPlugin<C>(logger),
      requestMetricsPlugin<C>(metrics),
      ...(options.tracing?.enabled ? [operationSpanPlugin<C>()] : []),
    ],
  });
  await apollo.start();
  const stats: SubgraphStats = { executed: 0, refused: 0, internal: 0 };
  const closing = new AbortController();
  const bodyLimitBytes = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  const bodyIdleTimeoutMs = options.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS;
  /** The methods a route path answers, for a 405's `Allow` header. */
  const methodsFor = (path: string): string[] => [
    ...(options.routes?.[path] ? ['GET', 'HEAD'] : []),
    ...(options.webhookRoutes?.[path] ? ['POST'] : []),
    ...(options.uploadRoutes?.[path] ? ['PUT'] : []),
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok', service: options.name });
      return;
    }
    if (path === '/readyz') {
      const ready = options.isReady ? await options.isReady().catch(() => false) : true;
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      return;
    }
    if (path === METRICS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      // Like /readyz: subgraphs are reached from the internal network only.
      await metrics.serve(req, res);
      return;
    }
    const upload = req.method === 'PUT' && path ? options.uploadRoutes?.[path] : undefined;
    guardRequestBody(req, res, {
      idleMs: bodyIdleTimeoutMs,
      totalMs: upload ? null : REQUEST_TIMEOUT_MS,
    });
    if (upload) {
      await upload(req, res);
      return;
    }
    const route =
      (req.method === 'GET' || req.method === 'HEAD') && path
        ? options.routes?.[path]
        : req.method === 'POST' && path
          ? options.webhookRoutes?.[path]
          : undefined;
    if (route) {
      await route(req, res);
      return;
    }
    const internal = req.method === 'POST' && path ? options.internalRoutes?.[path] : undefined;
    if (path !== '/graphql' && !internal) {
      const allowed = path ? methodsFor(path) : [];
      if (allowed.length > 0) {
        refuseUnread(req, res, 405, { error: 'method not allowed' }, { allow: allowed.join(', ') });
      } else {
        refuseUnread(req, res, 404, { error: 'not found' });
      }
      return;
    }
    // The first thing a subgraph does: no gateway claims, no execution —
    // `_entities` and `_service` included.
    const header = req.headers[CLAIMS_HEADER];
    const verdict = verifyClaims(Array.isArray(header) ? header[0] : header, verifying);
    if (!verdict.ok) {
      stats.refused += 1;
      metrics.recordRequest({ parsed: false }, 'refused', 0, [ErrorCode.Unauthenticated]);
      req.resume();
      sendGraphQLError(res, 401, ErrorCode.Unauthenticated, 'Gateway claims required');
      return;
    }
    const { principal, requestId, clientAddress } = verdict.claims;
    if (internal) {
      stats.internal += 1;
      const body = await readGraphQLBody(req, 64 * 1024);
      if (!body.ok) {
        sendGraphQLError(res, body.status, body.code, body.message);
        return;
      }
      const meta = { principal, requestId: requestId ?? randomUUID(), clientAddress };
      const answer = await internal(body.body, meta, closing.signal);
      sendJson(res, answer.status, answer.body);
      return;
    }
    stats.executed += 1;
    const meta = { principal, requestId: requestId ?? randomUUID(), clientAddress };
    const execute = () =>
      handleGraphQLRequest(apollo, req, res, {
        bodyLimitBytes,
        context: async () => options.createContext(meta),
      });
    // Only a caller holding gateway claims gets to be this span's parent.
    await runInServerSpan(
      tracing,
      req,
      res,
      {
        name: 'graphql',
        requestId: meta.requestId,
        parentFromHeaders: true,
        attributes: { 'portico.principal_kind': principal.kind },
      },
      execute,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        sendGraphQLError(res, 500, ErrorCode.Internal, 'Internal server error');
      } else {
        res.destroy();
      }
    });
  });
  allowLongUploads(server);
  const keepAliveMs = options.keepAliveMs ?? SUBGRAPH_KEEP_ALIVE_MS;
  server.keepAliveTimeout = keepAliveMs;
  server.headersTimeout = keepAliveMs + 1_000;
  let endpoint: SubscriptionEndpoint | null = null;
  if (options.subscriptions) {
    endpoint = serveSubscriptions(server, {
      path: '/graphql',
      schema: options.schema,
      claimsSecret: options.claimsSecret,
      ...(options.acceptedClaimsSecrets
        ? { acceptedClaimsSecrets: options.acceptedClaimsSecrets }
        : {}),
      createContext: options.createContext,
      logger,
      ...(typeof options.subscriptions === 'object' ? { limits: options.subscriptions } : {}),
    });
  }
  if (endpoint) {
    const live = endpoint.stats;
    metrics.gauge({
      name: 'portico_subscription_sockets_open',
      help: 'graphql-ws sockets open on this process.',
      read: () => [{ labels: {}, value: live.sockets }],
    });
    metrics.gauge({
      name: 'portico_subscriptions_open',
      help: 'Subscriptions running on this process.',
      read: () => [{ labels: {}, value: live.subscriptions }],
    });
  }
  const port = await listen(server, options.port, options.host);
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    name: options.name,
    url: `http://${hostForUrl}:${port}/graphql`,
    port,
    stats,
    ...(endpoint ? { subscriptions: endpoint.stats } : {}),
    metrics,
    close: closeOnce(async () => {
      closing.abort();
      // Sockets first: an upgraded socket holds the HTTP server's close open.
      await Promise.all([endpoint?.close(), closeGracefully(server)]);
      await apollo.stop();
    }),
  };
}
