import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, makeServer, type SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyClaims } from '../auth/claims';
import type { BaseContext, RequestMeta } from '../auth/context';
import { codedError, ErrorCode, isPublicErrorCode, maskError } from '../errors';
import { LiveEventSkipped } from '../live/subscription';
import type { Logger } from '../log';

/** Limits of a subgraph's graphql-ws endpoint; its only peer is the gateway. */
export interface SubscriptionEndpointOptions {
  /** Largest message a peer may send (ws `maxPayload`); a larger one closes the socket (1009). */
  maxMessageBytes?: number;
  /** Time from opening the socket to `connection_init`, else closed with 4408. */
  connectionInitTimeoutMs?: number;
  /** Interval of WebSocket pings; a peer that misses one pong is cut. 0 turns them off. */
  keepAliveMs?: number;
  /**
   * Subscriptions one socket may hold. The gateway multiplexes its clients'
   * subscriptions over one socket per subgraph, so this is large.
   */
  maxSubscriptionsPerSocket?: number;
  /** How long closing waits for sockets to close before cutting them. */
  closeGraceMs?: number;
}

export const DEFAULT_SUBSCRIPTION_ENDPOINT: Required<SubscriptionEndpointOptions> = {
  maxMessageBytes: 256 * 1024,
  connectionInitTimeoutMs: 5_000,
  keepAliveMs: 15_000,
  maxSubscriptionsPerSocket: 20_000,
  closeGraceMs: 5_000,
};

export interface SubscriptionStats {
  /** Sockets open now. */
  sockets: number;
  /** Subscriptions running now. */
  subscriptions: number;
  /** Sockets refused at `connection_init` and subscribe messages refused for their claims. */
  refused: number;
}

export interface SubscriptionEndpoint {
  stats: SubscriptionStats;
  /** Closes every socket (1001, subscriptions ended and their feeds freed) and stops upgrading. */
  close(): Promise<void>;
}

/** `connection_init`'s payload: `{ claims }`. */
type ConnectionParams = Record<string, unknown>;

/**
 * graphql-ws on a subgraph's own HTTP server, same path as HTTP GraphQL.
 * `connection_init` must carry `{ claims }` signed with the claims secret
 * (only the gateway holds it): anything else closes the socket with 4403.
 * Each `subscribe` carries the client principal's signed claims in
 * `payload.extensions.claims`, verified like an HTTP request's header, and
 * builds the operation's context from them; without valid ones the
 * subscribe is refused with an error and nothing runs. Every event runs with
 * a fresh context (per-request loaders do not outlive one event), and an
 * event its resolver skipped (`skipLiveEvent`) is not sent at all.
 */
export function serveSubscriptions<C extends BaseContext>(
  server: Server,
  options: {
    path: string;
    schema: GraphQLSchema;
    claimsSecret: string;
    /** Still verified during a rotation of the claims secret (AUTH_CLAIMS_SECRET_ACCEPTED). */
    acceptedClaimsSecrets?: readonly string[];
    createContext: (meta: RequestMeta) => C;
    logger: Logger;
    limits?: SubscriptionEndpointOptions;
  },
): SubscriptionEndpoint {
  const limits = { ...DEFAULT_SUBSCRIPTION_ENDPOINT, ...options.limits };
  const verifying = [options.claimsSecret, ...(options.acceptedClaimsSecrets ?? [])];
  const stats: SubscriptionStats = { sockets: 0, subscriptions: 0, refused: 0 };
  const metaOf = new WeakMap<object, RequestMeta>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    handleProtocols: (protocols) =>
      protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false,
  });
  let closing = false;

  const refuse = (message: string): GraphQLError[] => {
    stats.refused += 1;
    return [codedError(ErrorCode.Unauthenticated, message)];
  };

  const logMasked = (errors: readonly GraphQLError[], requestId: string | undefined) => {
    for (const error of errors) {
      if (isPublicErrorCode(error.extensions?.code)) continue;
      const cause = error.originalError ?? error;
      options.logger.error('masked error', {
        requestId,
        path: error.path,
        error: cause.message,
        stack: cause.stack,
      });
    }
  };

  const graphqlWs = makeServer<ConnectionParams, { request: IncomingMessage }>({
    connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      const claims = ctx.connectionParams?.claims;
      const verdict = verifyClaims(typeof claims === 'string' ? claims : undefined, verifying);
      if (!verdict.ok) {
        stats.refused += 1;
        return false;
      }
      return true;
    },
    onSubscribe: (ctx, _id, payload: SubscribePayload) => {
      if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
        return [
          codedError(ErrorCode.RateLimited, 'Too many subscriptions on this socket', {
            extensions: { limit: limits.maxSubscriptionsPerSocket },
          }),
        ];
      }
      const claims = (payload.extensions as { claims?: unknown } | undefined)?.claims;
      const verdict = verifyClaims(typeof claims === 'string' ? claims : undefined, verifying);
      if (!verdict.ok) return refuse('Gateway claims required');
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [
          new GraphQLError((error as Error).message, {
            extensions: { code: 'GRAPHQL_PARSE_FAILED' },
          }),
        ];
      }
      const invalid = validate(options.schema, document);
      if (invalid.length > 0) {
        return invalid.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
        );
      }
      const operation = getOperationAST(document, payload.operationName ?? undefined);
      if (!operation || operation.operation !== 'subscription') {
        // Queries and mutations go over HTTP, where every other wall stands.
        return [
          new GraphQLError('Only subscriptions are served over WebSocket', {
            extensions: { code: 'BAD_REQUEST' },
          }),
        ];
      }
      const { principal, requestId, clientAddress } = verdict.claims;
      const meta: RequestMeta = { principal, requestId: requestId ?? randomUUID(), clientAddress };
      const contextValue = options.createContext(meta);
      metaOf.set(contextValue, meta);
      return {
        schema: options.schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: payload.variables ?? null,
        contextValue,
        rootValue: undefined,
      } satisfies ExecutionArgs;
    },
    subscribe: async (args) => {
      const meta = metaOf.get(args.contextValue as object) as RequestMeta;
      const stream = await createSourceEventStream(args);
      if (!isAsyncIterable(stream)) return stream;
      stats.subscriptions += 1;
      return eachEvent(
        stream,
        async (event) => {
          const result = await execute({
            ...args,
            rootValue: event,
            contextValue: options.createContext({ ...meta, requestId: randomUUID() }),
          });
          return result.errors?.some((e) => e.originalError instanceof LiveEventSkipped)
            ? null
            : result;
        },
        () => {
          stats.subscriptions -= 1;
        },
      );
    },
    onNext: (ctx, _id, _payload, args, result) => {
      if (!result.errors) return;
      logMasked(
        result.errors as GraphQLError[],
        metaOf.get(args.contextValue as object)?.requestId,
      );
      return {
        ...result,
        errors: result.errors.map((e) => maskError((e as GraphQLError).toJSON())),
      };
    },
    onError: (_ctx, _id, _payload, errors) => {
      logMasked(errors, undefined);
      return errors.map((e) => maskError(e.toJSON()));
    },
  });

  const open = (socket: WebSocket, request: IncomingMessage) => {
    stats.sockets += 1;
    let alive = true;
    const pinger =
      limits.keepAliveMs > 0
        ? setInterval(() => {
            if (!alive) {
              socket.terminate();
              return;
            }
            alive = false;
            socket.ping();
          }, limits.keepAliveMs)
        : null;
    pinger?.unref();
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('error', (error) => {
      options.logger.warn('subscription socket error', { error: error.message });
    });
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            // A failed send means the socket is going: its close ends the subscriptions.
            socket.send(data, () => resolve());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data, isBinary) => {
            if (isBinary) {
              socket.close(CloseCode.BadRequest, 'Binary messages are not accepted');
              return;
            }
            handle(String(data)).catch((error: unknown) => {
              options.logger.error('subscription message failed', {
                error: error instanceof Error ? error.message : String(error),
              });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { request },
    );
    socket.once('close', (code, reason) => {
      stats.sockets -= 1;
      if (pinger) clearInterval(pinger);
      closed(code, reason.toString()).catch((error: unknown) =>
        options.logger.error('subscription cleanup failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    });
  };

  wss.on('connection', open);
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0];
    if (closing || path !== options.path) {
      socket.end(`HTTP/1.1 ${closing ? '503 Service Unavailable' : '404 Not Found'}\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', upgrade);

  return {
    stats,
    async close() {
      if (closing) return;
      closing = true;
      server.off('upgrade', upgrade);
      const sockets = [...wss.clients];
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === socket.CLOSED) return resolve();
              const cut = setTimeout(() => socket.terminate(), limits.closeGraceMs);
              socket.once('close', () => {
                clearTimeout(cut);
                resolve();
              });
              // 1001: this instance is going; the gateway subscribes again
              // elsewhere, from its last cursor.
              socket.close(1001, 'Going away');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Maps a source stream to results, dropping those `map` turns into null.
 * `return()` goes straight to the source, even while a `next()` waits on
 * it: a generator would queue the return behind that wait, and the source
 * (a live subscription) would stay subscribed until its next event.
 */
function eachEvent(
  source: AsyncIterable<unknown>,
  map: (event: unknown) => Promise<ExecutionResult | null>,
  onEnd: () => void,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      try {
        for (;;) {
          if (ended) return done;
          const step = await iterator.next();
          if (step.done || ended) {
            end();
            return done;
          }
          const result = await map(step.value);
          if (result) return { done: false, value: result };
        }
      } catch (error) {
        end();
        await iterator.return?.();
        throw error;
      }
    },
    async return() {
      end();
      await iterator.return?.();
      return done;
    },
    async throw(error?: unknown) {
      end();
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
