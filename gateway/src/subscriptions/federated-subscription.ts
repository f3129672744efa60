import { randomUUID } from 'node:crypto';
import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { encodeClaims, ErrorCode, maskError, type Logger, type Principal } from '@portico/kit';
import {
  GraphQLError,
  OperationTypeNode,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import type { GatewayContext } from '../context';
import type { PlannedSubscription, SubscriptionPlanner } from './subscription-planner';
import { UpstreamErrors, type UpstreamSubscriptions } from './upstream';

type RequestContext = Parameters<typeof executeQueryPlan>[2];

/**
 * The name under which each event's primary data enters `executeQueryPlan`:
 * a fetch that "answers" with the event, run before the plan's `rest`, so
 * the executor merges it at the root exactly as if it had fetched it.
 */
const EVENT_SOURCE = '__subscription_event__';
const EVENT_FETCH: FetchNode = {
  kind: 'Fetch',
  serviceName: EVENT_SOURCE,
  operation: '{__typename}',
  operationName: undefined,
  operationKind: OperationTypeNode.QUERY,
  variableUsages: [],
};

export interface FederationParts {
  planner: SubscriptionPlanner;
  upstream: UpstreamSubscriptions;
  /** The gateway's own data sources per subgraph (signed claims, timeouts). */
  dataSources: ReadonlyMap<string, GraphQLDataSource<GatewayContext>>;
  claimsSecret: string;
  logger: Logger;
}

export interface SubscriptionRequest {
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  principal: Principal;
  clientAddress: string;
  /** The id of the subscribe request (events get their own). */
  requestId: string;
  /**
   * Runs before each event is delivered; throws (a coded error) when the
   * principal may no longer receive events: the stream then fails with it.
   */
  checkPrincipal(requestId: string): Promise<void>;
}

/**
 * One client subscription: the plan's primary fetch subscribed on the owning
 * subgraph, and for every event the plan's `rest` run through
 * @apollo/gateway's `executeQueryPlan` (the gateway's own data sources, so
 * nested fields from other subgraphs arrive with signed claims), errors
 * masked as on HTTP. `return()` completes the upstream subscription at once.
 */
export function federateSubscription(
  parts: FederationParts,
  planned: PlannedSubscription,
  request: SubscriptionRequest,
): AsyncIterableIterator<FormattedExecutionResult> {
  const { primary } = planned;
  const variables: Record<string, unknown> = {};
  for (const name of primary.variableUsages ?? []) {
    if (request.variables[name] !== undefined) variables[name] = request.variables[name];
  }
  const upstream = parts.upstream.subscribe(primary.serviceName, {
    query: primary.operation,
    operationName: primary.operationName,
    variables,
    claims: encodeClaims(request.principal, parts.claimsSecret, {
      requestId: request.requestId,
      clientAddress: request.clientAddress,
    }),
  });
  let ended = false;
  const stream: AsyncIterableIterator<FormattedExecutionResult> = {
    async next() {
      let event: IteratorResult<FormattedExecutionResult>;
      try {
        event = await upstream.next();
      } catch (error) {
        ended = true;
        throw error instanceof UpstreamErrors
          ? new SubscriptionErrors(error.errors.map((e) => maskError(e)))
          : error;
      }
      if (event.done || ended) return { value: undefined, done: true };
      const requestId = randomUUID();
      try {
        await request.checkPrincipal(requestId);
      } catch (error) {
        ended = true;
        await upstream.return?.();
        throw error;
      }
      if (ended) return { value: undefined, done: true };
      const value = await resolveEvent(parts, planned, request, event.value, requestId);
      return { value, done: false };
    },
    async return() {
      ended = true;
      await upstream.return?.();
      return { value: undefined, done: true };
    },
    async throw(error) {
      ended = true;
      await upstream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return stream;
}

/** The subgraph ended or refused a subscription with errors (already masked). */
export class SubscriptionErrors extends Error {
  constructor(readonly errors: GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'Subscription failed');
  }
}

async function resolveEvent(
  parts: FederationParts,
  planned: PlannedSubscription,
  request: SubscriptionRequest,
  event: FormattedExecutionResult,
  requestId: string,
): Promise<FormattedExecutionResult> {
  if (!event.data) {
    // Nothing to complete: the subgraph's errors are the event.
    const errors = (event.errors ?? []).map((error) => withRequestId(maskError(error), requestId));
    return { data: null, errors };
  }
  const context: GatewayContext = {
    principal: request.principal,
    requestId,
    clientAddress: request.clientAddress,
    trace: { subgraphCalls: [], errorCodes: [] },
  };
  const eventSource = {
    process: async () => ({ data: event.data ?? null, errors: event.errors }),
  } as unknown as GraphQLDataSource;
  const serviceMap: Record<string, GraphQLDataSource> = { [EVENT_SOURCE]: eventSource };
  for (const [name, source] of parts.dataSources) serviceMap[name] = source as GraphQLDataSource;
  const plan: QueryPlan = {
    kind: 'QueryPlan',
    node: planned.rest ? { kind: 'Sequence', nodes: [EVENT_FETCH, planned.rest] } : EVENT_FETCH,
  };
  const requestContext = {
    request: { variables: request.variables, operationName: request.operationName },
    document: request.document,
    operationName: request.operationName ?? null,
    context,
    metrics: {},
    logger: parts.logger,
  } as unknown as RequestContext;
  let result: Awaited<ReturnType<typeof executeQueryPlan>>;
  try {
    result = await executeQueryPlan(
      plan,
      serviceMap,
      requestContext,
      planned.operationContext,
      parts.planner.supergraphSchema,
      parts.planner.federationApiSchema,
    );
  } catch (error) {
    parts.logger.error('subscription event could not be resolved', {
      requestId,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return {
      errors: [
        { message: 'Internal server error', extensions: { code: ErrorCode.Internal, requestId } },
      ],
    };
  }
  return finishEvent(parts.logger, result, requestId);
}

interface ValueCompletionEntry {
  message?: string;
  path?: ReadonlyArray<string | number>;
}

/**
 * As HTTP answers (Apollo Server's `formatError` and the response-errors
 * plugin): every error masked, a non-null field left null reported as an
 * error with its path, the request id on every internal error.
 */
function finishEvent(
  logger: Logger,
  result: Awaited<ReturnType<typeof executeQueryPlan>>,
  requestId: string,
): FormattedExecutionResult {
  const errors: GraphQLFormattedError[] = [];
  for (const error of result.errors ?? []) {
    const formatted = error instanceof GraphQLError ? error.toJSON() : { message: String(error) };
    const masked = maskError(formatted);
    if (masked.extensions?.code === ErrorCode.Internal) {
      // A subgraph's error arrives as its formatted JSON; a gateway failure as an Error.
      const original: unknown =
        error instanceof GraphQLError ? (error.originalError ?? error) : error;
      logger.error('masked error', {
        requestId,
        error:
          original instanceof Error
            ? (original.stack ?? original.message)
            : ((original as { message?: string } | null)?.message ?? String(original)),
        serviceName: error instanceof GraphQLError ? error.extensions.serviceName : undefined,
      });
    }
    errors.push(withRequestId(masked, requestId));
  }
  const completion = result.extensions?.valueCompletion as ValueCompletionEntry[] | undefined;
  for (const entry of Array.isArray(completion) ? completion : []) {
    logger.error('non-null field resolved to null', {
      requestId,
      path: entry.path,
      error: entry.message,
    });
    errors.push({
      message: 'Internal server error',
      ...(entry.path ? { path: entry.path } : {}),
      extensions: { code: ErrorCode.Internal, requestId },
    });
  }
  return {
    data: (result.data ?? null) as FormattedExecutionResult['data'],
    ...(errors.length > 0 ? { errors } : {}),
  };
}

function withRequestId(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  return error.extensions?.code === ErrorCode.Internal
    ? { ...error, extensions: { ...error.extensions, requestId } }
    : error;
}
