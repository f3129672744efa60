import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, httpStatusFor, maskError, type Logger, type Principal } from '@portico/kit';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { PrincipalStatusCheck } from '../auth/principal-status';
import { sendRefusal } from '../http/refusal';
import { accessTokenExpiry } from './access-token-expiry';
import {
  federateSubscription,
  SubscriptionErrors,
  type FederationParts,
} from './federated-subscription';
import { CLOSE_GOING_AWAY, type LiveConnection, type LiveConnections } from './live-connections';
import { checkSubscription, type OperationCheckParts } from './operation-checks';

const BOUNDARY = 'graphql';
/**
 * Every part is followed by the next boundary at once: a reader (Apollo
 * Client's among them) knows a part has ended only when it sees the boundary
 * after it, so a part written without one would wait for the next heartbeat.
 * The stream is thus the first boundary, then `head + body + boundary` per
 * part, then `--` to make the last boundary the closing one.
 */
const OPENING = `\r\n--${BOUNDARY}`;
const PART_HEAD = `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n`;
const PART_END = `\r\n--${BOUNDARY}`;
const CLOSING = '--\r\n';

/**
 * True when the client speaks Apollo's multipart subscription protocol
 * (`accept: multipart/mixed;subscriptionSpec="1.0"`, as Apollo Client, Apollo
 * iOS and Apollo Kotlin send it).
 */
export function acceptsMultipartSubscription(req: IncomingMessage): boolean {
  const accept = (req.headers.accept ?? '').toLowerCase();
  return accept.includes('multipart/mixed') && accept.includes('subscriptionspec');
}

export interface MultipartParts {
  checks: OperationCheckParts;
  federation(): FederationParts | undefined;
  connections: LiveConnections;
  checkStatus: PrincipalStatusCheck;
  heartbeatMs: number;
  logger: Logger;
}

function codeOf(error: unknown): unknown {
  return (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
}

function formattedErrorsOf(error: unknown, requestId: string): GraphQLFormattedError[] {
  if (error instanceof SubscriptionErrors) return error.errors;
  const formatted =
    error && typeof (error as { toJSON?: unknown }).toJSON === 'function'
      ? (error as { toJSON(): GraphQLFormattedError }).toJSON()
      : { message: String(error) };
  const masked = maskError(formatted);
  return masked.extensions?.code === ErrorCode.Internal
    ? [{ ...masked, extensions: { ...masked.extensions, requestId } }]
    : [masked];
}

/**
 * A subscription over HTTP in Apollo's multipart protocol: status 200,
 * `multipart/mixed;boundary="graphql";subscriptionSpec="1.0"`, each event a
 * `{"payload": …}` part, a `{}` heartbeat every `heartbeatMs`, an error that
 * ends the subscription as `{"payload": null, "errors": […]}`, and the
 * closing boundary when it completes. Refusals before the stream starts are
 * ordinary GraphQL responses with their HTTP status, as for any request.
 */
export async function serveMultipartSubscription(
  req: IncomingMessage,
  res: ServerResponse,
  parts: MultipartParts,
  request: {
    principal: Principal;
    authorization: string | undefined;
    requestId: string;
    clientAddress: string;
    body: { query?: unknown; operationName?: unknown; variables?: unknown };
  },
  onRefused: (code: string) => void,
): Promise<void> {
  const { principal, requestId } = request;
  const refuse = (status: number, errors: GraphQLFormattedError[]) => {
    onRefused(String(errors[0]?.extensions?.code ?? ErrorCode.Internal));
    sendRefusal(
      req,
      res,
      status,
      errors.map((e) => ({ message: e.message, extensions: { ...e.extensions } })),
    );
  };
  if (principal.kind === 'anonymous') {
    refuse(401, [{ message: 'Sign-in required', extensions: { code: ErrorCode.Unauthenticated } }]);
    return;
  }
  const { query, operationName, variables } = request.body;
  const checked = checkSubscription(parts.checks, principal, { query, operationName, variables });
  if (!checked.ok) {
    refuse(checked.status, checked.errors);
    return;
  }
  const federation = parts.federation();
  if (!federation) {
    refuse(503, [
      {
        message: 'Subscriptions are not ready, try again',
        extensions: { code: ErrorCode.ServiceUnavailable },
      },
    ]);
    return;
  }
  try {
    await parts.checkStatus(principal, requestId);
  } catch (error) {
    const code = String(codeOf(error) ?? ErrorCode.Internal);
    refuse(httpStatusFor(code), formattedErrorsOf(error, requestId));
    return;
  }

  let endedBy: GraphQLFormattedError | undefined;
  // The stream is made once the connection is held; ending it may come first.
  const held: { stream?: AsyncIterableIterator<FormattedExecutionResult> } = {};
  const connection: LiveConnection = {
    principal,
    expiresAt: request.authorization ? accessTokenExpiry(request.authorization) : null,
    end: (code, reason) => {
      endedBy ??= {
        message: reason,
        extensions: {
          code:
            code === CLOSE_GOING_AWAY ? ErrorCode.ServiceUnavailable : ErrorCode.Unauthenticated,
        },
      };
      void held.stream?.return?.();
    },
  };
  if (!parts.connections.add(connection)) {
    const limit = parts.checks.config.subscriptions.maxSocketsPerPrincipal;
    refuse(429, [
      {
        message: `At most ${limit} open subscription connections per principal`,
        extensions: { code: ErrorCode.RateLimited, limit },
      },
    ]);
    return;
  }
  const current = federateSubscription(federation, checked.planned, {
    document: checked.document,
    operationName: checked.operationName,
    variables: checked.variables,
    principal,
    clientAddress: request.clientAddress,
    requestId,
    checkPrincipal: (eventRequestId) =>
      parts.connections.checkBeforeEvent(connection, eventRequestId),
  });
  held.stream = current;
  let clientGone = false;
  res.once('close', () => {
    clientGone = true;
    void current.return?.();
  });
  res.writeHead(200, {
    'content-type': `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`,
    'cache-control': 'no-cache, no-store',
  });
  let opened = false;
  const writePart = async (value: unknown) => {
    if (clientGone || res.writableEnded) return;
    const head = opened ? PART_HEAD : OPENING + PART_HEAD;
    opened = true;
    if (!res.write(head + JSON.stringify(value) + PART_END)) {
      // Back-pressure reaches the bounded queue of upstream events.
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  // The first heartbeat sends the headers: the client knows the stream is open.
  await writePart({});
  const heartbeat = setInterval(() => void writePart({}), parts.heartbeatMs);
  heartbeat.unref();
  let failure: GraphQLFormattedError[] | undefined;
  try {
    for (;;) {
      const event = await current.next();
      if (event.done) break;
      await writePart({ payload: event.value });
    }
  } catch (error) {
    failure = formattedErrorsOf(error, requestId);
  } finally {
    clearInterval(heartbeat);
    parts.connections.remove(connection);
    await current.return?.();
  }
  const errors = endedBy ? [endedBy] : failure;
  if (errors) await writePart({ payload: null, errors });
  if (!clientGone && !res.writableEnded) res.end(opened ? CLOSING : OPENING + CLOSING);
}
