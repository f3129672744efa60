import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent, request, type Dispatcher } from 'undici';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  CLAIMS_HEADER,
  codedError,
  encodeClaims,
  ErrorCode,
  injectTraceHeaders,
  REQUEST_ID_ATTRIBUTE,
  TRACING_OFF,
  type Tracing,
} from '@portico/kit';
import type { GatewayContext } from './context';
import type { SubgraphInstance, SubgraphPool } from './subgraph-pool';

type Fetcher = NonNullable<
  NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']
>;

/**
 * One keep-alive connection pool per gateway process. undici reuses a socket
 * only within the Keep-Alive timeout the subgraph advertises, less a safety
 * margin, so it does not race the subgraph's idle close (subgraph keep-alive
 * 1 s, requests 0.95–1.05 s apart: 5 of 5 answered).
 */
const subgraphAgent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });

/**
 * A JSON POST to a Portico service, on the shared pool unless a dispatcher
 * is given; resolves status and parsed body.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  options: { signal?: AbortSignal; dispatcher?: Dispatcher } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await request(url, {
    method: 'POST',
    signal: options.signal,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    dispatcher: options.dispatcher ?? subgraphAgent,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : null };
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Failures that happen before a connection exists: the request provably never
 * reached the instance, so sending it elsewhere cannot run it twice.
 */
const UNREACHED_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
]);

/**
 * @apollo/gateway puts `query` first in every subgraph body, and the query
 * planner prints a query operation as `query …` or `{…}`. Anything else
 * (a mutation, or a shape this check does not know) counts as unsafe to
 * send twice.
 */
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;

type SubgraphInit = { method?: string; headers?: Record<string, string>; body?: string };

/**
 * Subgraph calls through undici's `request` with a deadline, spread over the
 * subgraph's instances. The stock make-fetch-happen client has no timeout (a
 * hung subgraph held the client until it gave up), and Node's global fetch
 * spent about a fifth of the gateway's CPU in web-stream and abort-signal
 * plumbing under the dashboard benchmark. The answer is handed to
 * @apollo/gateway as the small part of a fetch Response it reads.
 *
 * A call whose connection failed never reached the instance: it is sent once
 * more to another instance, mutation or not, and the instance is taken out
 * of rotation. A call cut after it was sent may have run: a query is sent
 * once more, a mutation is not (its effect must not happen twice). Failures
 * become coded errors that name the service, not its host or port.
 */
export function createSubgraphFetcher(
  serviceName: string,
  timeoutMs: number,
  pool: SubgraphPool,
): Fetcher {
  const send = async (url: string, init: SubgraphInit | undefined) => {
    const response = await request(url, {
      method: (init?.method ?? 'POST') as 'POST',
      headers: init?.headers,
      body: init?.body,
      dispatcher: subgraphAgent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    const header = (name: string) => {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    };
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      statusText: '',
      url,
      headers: { get: header, has: (name: string) => header(name) !== null },
      text: async () => text,
      json: async () => JSON.parse(text) as unknown,
    };
  };

  const sendTo = async (instance: SubgraphInstance, init: SubgraphInit | undefined) => {
    instance.inFlight += 1;
    try {
      const response = await send(instance.url, init);
      pool.answered(instance);
      return response;
    } finally {
      instance.inFlight -= 1;
    }
  };

  const failure = (error: unknown) => {
    const timedOut = TIMEOUT_CODES.has(errorCode(error));
    return timedOut
      ? codedError(
          ErrorCode.SubgraphTimeout,
          `The ${serviceName} service did not answer within ${timeoutMs} ms`,
        )
      : codedError(ErrorCode.ServiceUnavailable, `The ${serviceName} service is unavailable`);
  };

  // The URL @apollo/gateway passes is the pool's first; the pool picks the instance.
  return (async (_url: string, init?: SubgraphInit) => {
    const first = pool.pick() as SubgraphInstance;
    try {
      return await sendTo(first, init);
    } catch (error) {
      const code = errorCode(error);
      const unreached = UNREACHED_CODES.has(code);
      if (unreached) pool.markDown(first);
      // A deadline already spent is not spent again elsewhere.
      const again = unreached || (!TIMEOUT_CODES.has(code) && QUERY_BODY.test(init?.body ?? ''));
      const next = again ? (pool.pick(first) ?? (unreached ? undefined : first)) : undefined;
      if (!next) throw failure(error);
      try {
        return await sendTo(next, init);
      } catch (retryError) {
        if (UNREACHED_CODES.has(errorCode(retryError))) pool.markDown(next);
        throw failure(retryError);
      }
    }
  }) as unknown as Fetcher;
}

function errorCode(error: unknown): string {
  return (error as { code?: string } | null)?.code ?? '';
}

const claimsOfRequest = new WeakMap<object, string>();

/** Adds the gateway-signed claims every subgraph requires. */
export class SignedClaimsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(options: {
    name: string;
    /** The subgraph's instances; calls go to them, not to one URL. */
    pool: SubgraphPool;
    claimsSecret: string;
    timeoutMs: number;
    /** A client span per call made for a client request, its context sent as `traceparent`. */
    tracing?: Tracing;
    /** Told of every call's duration and whether it was answered (for metrics). */
    onCall?: (subgraph: string, seconds: number, outcome: 'ok' | 'error') => void;
  }) {
    super({
      url: options.pool.primaryUrl,
      fetcher: createSubgraphFetcher(options.name, options.timeoutMs, options.pool),
    });
    this.claimsSecret = options.claimsSecret;
    this.subgraphName = options.name;
    this.onCall = options.onCall;
    this.tracing = options.tracing ?? TRACING_OFF;
  }

  private tracing: Tracing;

  private claimsSecret: string;
  private subgraphName: string;
  private onCall:
    ((subgraph: string, seconds: number, outcome: 'ok' | 'error') => void) | undefined;

  /** A client span around each call of a client request (health checks and schema loads carry none). */
  override process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    const requestContext = 'context' in options ? options.context : undefined;
    if (!this.tracing.enabled || !requestContext) return this.timedProcess(options);
    const parent = otelContext.active();
    const span = this.tracing.tracer.startSpan(
      this.subgraphName,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'portico.subgraph': this.subgraphName,
          [REQUEST_ID_ATTRIBUTE]: requestContext.requestId,
          ...(options.request.operationName
            ? { 'graphql.operation.name': options.request.operationName }
            : {}),
        },
      },
      parent,
    );
    return otelContext
      .with(trace.setSpan(parent, span), () => this.timedProcess(options))
      .then(
        (response) => {
          const failed = Boolean(response.errors?.length);
          span.setAttribute('portico.outcome', failed ? 'error' : 'ok');
          if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          return response;
        },
        (error: unknown) => {
          span.setAttribute('portico.outcome', 'error');
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw error;
        },
      );
  }

  /** Times each call of a client request, for that request's log line. */
  private async timedProcess(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const response = await super.process(options);
      outcome = response.errors?.length ? 'error' : 'ok';
      return response;
    } finally {
      this.onCall?.(this.subgraphName, (performance.now() - started) / 1000, outcome);
      // Health checks and schema loads carry no client request.
      if ('context' in options && options.context) {
        options.context.trace?.subgraphCalls.push({
          subgraph: this.subgraphName,
          ms: Math.round(performance.now() - started),
        });
      }
    }
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and other gateway-internal calls carry no request context:
    // they go out as anonymous, which a subgraph treats as "no data".
    let claims = context ? claimsOfRequest.get(context) : undefined;
    if (!claims) {
      claims = encodeClaims(context?.principal ?? { kind: 'anonymous' }, this.claimsSecret, {
        requestId: context?.requestId,
        clientAddress: context?.clientAddress,
      });
      // Every subgraph call of one client request carries the same claims.
      if (context) claimsOfRequest.set(context, claims);
    }
    request.http?.headers.set(CLAIMS_HEADER, claims);
    if (this.tracing.enabled && context) {
      // The active span here is this call's client span (see process).
      const traceHeaders: Record<string, string> = {};
      injectTraceHeaders(traceHeaders);
      for (const [name, value] of Object.entries(traceHeaders)) {
        request.http?.headers.set(name, value);
      }
    }
  }
}
