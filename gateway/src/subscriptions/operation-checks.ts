import { ErrorCode, httpStatusFor, type Principal } from '@portico/kit';
import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { OperationAuthorizer } from '../auth/operation-authorizer';
import type { GatewayConfig } from '../config';
import { checkDocumentLimits } from '../limits/document-limits';
import { usesIntrospection, withoutSuggestions } from '../limits/introspection';
import { variableErrors } from '../limits/variables';
import type { PlannedSubscription, SubscriptionPlanner } from './subscription-planner';

export type CheckedSubscription =
  | {
      ok: true;
      document: DocumentNode;
      operationName: string | undefined;
      variables: Record<string, unknown>;
      planned: PlannedSubscription;
    }
  | { ok: false; status: number; errors: GraphQLFormattedError[] };

export interface OperationCheckParts {
  config: GatewayConfig;
  apiSchema(): GraphQLSchema | undefined;
  authorizer(): OperationAuthorizer | undefined;
  planner(): SubscriptionPlanner | undefined;
}

function refused(status: number, code: string, message: string, extra: object = {}) {
  return { ok: false as const, status, errors: [{ message, extensions: { code, ...extra } }] };
}

/** The selected operation of a parseable document when it is a subscription (its name, if any), else null. */
export function subscriptionOperationOf(
  query: unknown,
  operationName: unknown,
  maxTokens: number,
): { name: string | null } | null {
  if (typeof query !== 'string' || !/\bsubscription\b/.test(query)) return null;
  try {
    const document = parse(query, { noLocation: true, maxTokens });
    const operation = getOperationAST(
      document,
      typeof operationName === 'string' ? operationName : undefined,
    );
    return operation?.operation === 'subscription' ? { name: operation.name?.value ?? null } : null;
  } catch {
    return null;
  }
}

/**
 * What HTTP runs before Apollo Server, for a subscription (over graphql-ws or
 * multipart): document limits for the principal's kind, validation, variable
 * errors, the introspection policy and the operation authorizer; then the
 * plan. Refusals carry the same codes and messages as on HTTP.
 */
export function checkSubscription(
  parts: OperationCheckParts,
  principal: Principal,
  input: { query?: unknown; operationName?: unknown; variables?: unknown },
): CheckedSubscription {
  const { config } = parts;
  if (typeof input.query !== 'string' || input.query.trim() === '') {
    return refused(400, 'BAD_REQUEST', 'A subscription needs a "query" string');
  }
  const operationName =
    typeof input.operationName === 'string' && input.operationName
      ? input.operationName
      : undefined;
  const variables =
    input.variables && typeof input.variables === 'object' && !Array.isArray(input.variables)
      ? (input.variables as Record<string, unknown>)
      : {};
  const schema = parts.apiSchema();
  const authorizer = parts.authorizer();
  const planner = parts.planner();
  if (!schema || !authorizer || !planner) {
    return refused(503, ErrorCode.ServiceUnavailable, 'Subscriptions are not ready, try again');
  }
  const limits =
    principal.kind === 'partner'
      ? config.limits.partner
      : principal.kind === 'anonymous'
        ? config.limits.anonymous
        : config.limits.firstParty;
  const checked = checkDocumentLimits(input.query, operationName, variables, limits, schema);
  if ('violation' in checked) {
    const { code, message, limit } = checked.violation;
    return refused(httpStatusFor(code), code, message, { limit });
  }
  let document = checked.document;
  if (!document) {
    try {
      document = parse(input.query, { maxTokens: limits.tokens });
    } catch (error) {
      return refused(400, 'GRAPHQL_PARSE_FAILED', (error as GraphQLError).message);
    }
  }
  const suggest = config.limits.suggestionsFor.has(principal.kind);
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    return {
      ok: false,
      status: 400,
      errors: invalid.map((error) => ({
        message: suggest ? error.message : withoutSuggestions(error.message),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      })),
    };
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return refused(400, 'OPERATION_RESOLUTION_FAILURE', 'Unable to identify the operation to run');
  }
  if (operation.operation !== 'subscription') {
    return refused(
      400,
      'BAD_REQUEST',
      `Only subscriptions are served here; send a ${operation.operation} over HTTP`,
    );
  }
  const badVariables = variableErrors(schema, document, operationName, variables);
  if (badVariables) {
    return {
      ok: false,
      status: 400,
      errors: badVariables.map((message) => ({
        message: suggest ? message : withoutSuggestions(message),
        extensions: { code: ErrorCode.BadUserInput },
      })),
    };
  }
  if (!config.limits.introspectionFor.has(principal.kind) && usesIntrospection(document)) {
    return refused(
      400,
      ErrorCode.IntrospectionDisabled,
      'Introspection is not available to this client',
    );
  }
  const denial = authorizer.authorize({ document, operationName, variables, principal });
  if (denial) return refused(httpStatusFor(denial.code), denial.code, denial.message);
  let planned: PlannedSubscription;
  try {
    planned = planner.plan(document, operationName);
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'BAD_REQUEST') {
      return refused(400, 'BAD_REQUEST', error.message);
    }
    throw error;
  }
  return { ok: true, document, operationName, variables, planned };
}
