import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  maskError,
  revocationSubjectsOf,
  type Logger,
  type Principal,
} from '@portico/kit';
import {
  GraphQLError,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PrincipalStatusCheck } from '../auth/principal-status';
import type { TokenVerifier } from '../auth/token-verifier';
import type { GatewayConfig } from '../config';
import type { RateLimiter } from '../limits/rate-limiter';
import { accessTokenExpiry } from './access-token-expiry';
import {
  federateSubscription,
  SubscriptionErrors,
  type FederationParts,
} from './federated-subscription';
import {
  CLOSE_FORBIDDEN_ORIGIN,
  CLOSE_TOO_MANY_SOCKETS,
  CLOSE_UNAUTHENTICATED,
  type LiveConnection,
  type LiveConnections,
} from './live-connections';
import { serveGraphQLWs } from './graphql-ws-binding';
import { checkSubscription, type OperationCheckParts } from './operation-checks';

/** Close code when accounts or its keys cannot be reached to verify a sign-in: retry later. */
const CLOSE_TRY_AGAIN_LATER = 1013;

export interface SubscriptionServerParts {
  config: GatewayConfig;
  logger: Logger;
  verifyToken: TokenVerifier;
  checkStatus: PrincipalStatusCheck;
  rateLimiter: RateLimiter;
  /** Told of each subscribe the rate limit refused (for metrics). */
  onRateLimited?: () => void;
  connections: LiveConnections;
  checks: OperationCheckParts;
  federation(): FederationParts | undefined;
  clientAddressOf(req: IncomingMessage): string;
}

export interface SubscriptionServer {
  /** Open graphql-ws sockets that completed `connection_init`. */
  sockets(): number;
  /** Closes every socket (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

interface SocketState {
  connection?: LiveConnection;
  clientAddress: string;
  /** performance.now() when the socket opened. */
  opened: number;
}

function codeOf(error: unknown): unknown {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
}

function toGraphQLErrors(errors: GraphQLFormattedError[]): GraphQLError[] {
  return errors.map(
    (error) => new GraphQLError(error.message, { extensions: { ...error.extensions } }),
  );
}

/**
 * graphql-ws on the gateway's own port and path (`/graphql`). The upgrade is
 * refused for other paths; a browser page from an origin outside
 * HTTP_CORS_ORIGINS gets its socket closed 4403 (no Origin header: a native
 * app, allowed). `connection_init` carries `{ authorization: "Bearer …" }`,
 * verified as on HTTP; each subscribe runs the HTTP checks and is then
 * federated by the gateway itself.
 */
export function attachSubscriptionServer(
  server: Server,
  parts: SubscriptionServerParts,
): SubscriptionServer {
  const limits = parts.config.subscriptions;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  const states = new WeakMap<WebSocket, SocketState>();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/graphql' || closing) {
      const status = closing ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const origin = req.headers.origin;
      if (typeof origin === 'string' && !parts.config.http.corsOrigins.has(origin)) {
        ws.close(CLOSE_FORBIDDEN_ORIGIN, 'Origin not allowed (see HTTP_CORS_ORIGINS)');
        return;
      }
      states.set(ws, { clientAddress: parts.clientAddressOf(req), opened: performance.now() });
      wss.emit('connection', ws, req);
    });
  };
  server.on('upgrade', onUpgrade);

  const handle = serveGraphQLWs<Record<string, unknown>>(
    {
      schema: () => {
        const schema = parts.checks.apiSchema();
        if (!schema) throw new Error('schema not loaded');
        return schema;
      },
      connectionInitWaitTimeout: limits.initTimeoutMs,

      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const close = (code: number, reason: string) => {
          socket.close(code, reason);
          return false;
        };
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        if (typeof authorization !== 'string' || authorization.trim() === '') {
          return close(
            CLOSE_UNAUTHENTICATED,
            'Sign-in required: send { authorization: "Bearer <token>" }',
          );
        }
        let principal: Principal;
        try {
          principal = await parts.verifyToken(authorization);
          if (principal.kind === 'anonymous') {
            return close(CLOSE_UNAUTHENTICATED, 'Sign-in required');
          }
          await parts.checkStatus(principal, randomUUID());
        } catch (error) {
          if (codeOf(error) === ErrorCode.Unauthenticated) {
            return close(CLOSE_UNAUTHENTICATED, (error as Error).message);
          }
          parts.logger.warn('subscription sign-in could not be verified', {
            error: error instanceof Error ? error.message : String(error),
          });
          return close(CLOSE_TRY_AGAIN_LATER, 'Sign-in cannot be verified now; try again');
        }
        // The socket may have gone while the token was being checked.
        const state = states.get(socket);
        if (!state || socket.readyState !== socket.OPEN) return false;
        const connection: LiveConnection = {
          principal,
          expiresAt: accessTokenExpiry(authorization),
          end: (code, reason) => socket.close(code, reason),
        };
        if (!parts.connections.add(connection)) {
          return close(
            CLOSE_TOO_MANY_SOCKETS,
            `At most ${limits.maxSocketsPerPrincipal} open sockets per principal`,
          );
        }
        state.connection = connection;
        return true;
      },

      onSubscribe: async (ctx, id, payload) => {
        const state = states.get(ctx.extra.socket);
        const connection = state?.connection;
        if (!state || !connection) return [new GraphQLError('Not initialised')];
        const { principal } = connection;
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return toGraphQLErrors([
            {
              message: `At most ${limits.maxSubscriptionsPerSocket} subscriptions per socket`,
              extensions: { code: ErrorCode.RateLimited, limit: limits.maxSubscriptionsPerSocket },
            },
          ]);
        }
        const rate = await parts.rateLimiter.check(principal, state.clientAddress);
        if (!rate.allowed) {
          parts.onRateLimited?.();
          return toGraphQLErrors([
            {
              message: `Too many requests; retry in ${rate.retryAfterSeconds} s`,
              extensions: {
                code: ErrorCode.RateLimited,
                limit: rate.limit,
                retryAfter: rate.retryAfterSeconds,
              },
            },
          ]);
        }
        const checked = checkSubscription(parts.checks, principal, payload);
        if (!checked.ok) return toGraphQLErrors(checked.errors);
        const federation = parts.federation();
        if (!federation) {
          return toGraphQLErrors([
            {
              message: 'Subscriptions are not ready, try again',
              extensions: { code: ErrorCode.ServiceUnavailable },
            },
          ]);
        }
        const requestId = randomUUID();
        try {
          await parts.connections.checkBeforeEvent(connection, requestId);
        } catch (error) {
          return toGraphQLErrors([
            maskError((error as GraphQLError).toJSON?.() ?? { message: '' }),
          ]);
        }
        parts.logger.info('subscription started', {
          requestId,
          subscriptionId: id,
          operationName: checked.operationName,
          principal: principal.kind,
        });
        const stream = federateSubscription(federation, checked.planned, {
          document: checked.document,
          operationName: checked.operationName,
          variables: checked.variables,
          principal,
          clientAddress: state.clientAddress,
          requestId,
          checkPrincipal: (eventRequestId) =>
            parts.connections.checkBeforeEvent(connection, eventRequestId),
        });
        const args: ExecutionArgs = {
          schema: parts.checks.apiSchema()!,
          document: checked.document,
          operationName: checked.operationName,
          variableValues: checked.variables,
          contextValue: { stream },
        };
        return args;
      },

      // onSubscribe built the federated stream; graphql-ws iterates it.
      subscribe: (args) => (args.contextValue as { stream: AsyncIterableIterator<never> }).stream,

      // Events are already formatted (masked, request ids) by the federation.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,

      onError: (_ctx, _id, _payload, errors) =>
        errors.flatMap((error): GraphQLFormattedError[] => {
          const original = error.originalError;
          if (original instanceof SubscriptionErrors) return original.errors;
          return [maskError(error.toJSON())];
        }),

      onClose: (ctx, code, reason) => {
        const state = states.get(ctx.extra.socket);
        const connection = state?.connection;
        if (connection) parts.connections.remove(connection);
        // One line per socket, as HTTP logs one per request.
        parts.logger.info('socket closed', {
          principal: connection ? revocationSubjectsOf(connection.principal)[0] : undefined,
          clientAddress: state?.clientAddress,
          code,
          reason,
          ms: state ? Math.round(performance.now() - state.opened) : undefined,
        });
      },
    },
    wss,
    { keepAliveMs: limits.keepAliveMs, logger: parts.logger },
  );

  return {
    sockets: () => {
      let count = 0;
      for (const ws of wss.clients) if (states.get(ws)?.connection) count += 1;
      return count;
    },
    close: async () => {
      closing = true;
      server.off('upgrade', onUpgrade);
      // Every socket is closed 1001 (going away): clients reconnect elsewhere with their cursors.
      await handle.dispose();
    },
  };
}
