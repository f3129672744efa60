import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * Every error a client can see carries one of these codes. Anything else is
 * masked as INTERNAL_SERVER_ERROR so that no stack, host, port or SQL text
 * leaves a Portico process.
 */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  BadUserInput: 'BAD_USER_INPUT',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  BatchingDisabled: 'BATCHING_DISABLED',
  DepthLimitExceeded: 'DEPTH_LIMIT_EXCEEDED',
  AliasLimitExceeded: 'ALIAS_LIMIT_EXCEEDED',
  DirectiveLimitExceeded: 'DIRECTIVE_LIMIT_EXCEEDED',
  TokenLimitExceeded: 'TOKEN_LIMIT_EXCEEDED',
  CostLimitExceeded: 'COST_LIMIT_EXCEEDED',
  IntrospectionDisabled: 'INTROSPECTION_DISABLED',
  RateLimited: 'RATE_LIMITED',
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  SubgraphTimeout: 'SUBGRAPH_TIMEOUT',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 200,
  BAD_USER_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  BATCHING_DISABLED: 400,
  DEPTH_LIMIT_EXCEEDED: 400,
  ALIAS_LIMIT_EXCEEDED: 400,
  DIRECTIVE_LIMIT_EXCEEDED: 400,
  TOKEN_LIMIT_EXCEEDED: 400,
  COST_LIMIT_EXCEEDED: 400,
  INTROSPECTION_DISABLED: 400,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * The HTTP status for a request refused before execution. Errors raised while
 * executing keep the default 200: a subgraph answering non-2xx would make the
 * gateway replace the coded error with a bare "401: Unauthorized".
 */
export function httpStatusFor(code: string): number {
  return HTTP_STATUS[code as ErrorCode] ?? 500;
}

/**
 * Codes whose messages were written for clients and may be shown as they are.
 * Not INTERNAL_SERVER_ERROR: Apollo Server gives that code to every uncoded
 * error, so its message may be a driver's or the ORM's.
 */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.Internal),
  // graphql-js / Apollo Server codes for malformed documents: their messages
  // name only schema elements the client already sees.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** True for codes whose messages reach clients as they are; anything else is masked. */
export function isPublicErrorCode(code: unknown): boolean {
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

/** A client-facing error with a stable code; `httpStatus` only for pre-execution refusals. */
export function codedError(
  code: ErrorCode,
  message: string,
  options: { httpStatus?: number; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  const status = options.httpStatus;
  return new GraphQLError(message, {
    extensions: {
      ...options.extensions,
      code,
      ...(status !== undefined ? { http: { status } } : {}),
    },
  });
}

/** The one answer for "not yours" and "does not exist": no existence oracle. */
export function notFoundError(what = 'Object'): GraphQLError {
  return codedError(ErrorCode.NotFound, `${what} not found`);
}

/**
 * Apollo Server `formatError`: keeps the message and code of coded errors,
 * drops every other extension (stack traces, service names, exception
 * details), and replaces anything uncoded with a generic internal error.
 */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const extensions: Record<string, unknown> = { code };
    for (const key of ['field', 'reason', 'limit', 'retryAfter'] as const) {
      if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    }
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions,
    };
  }
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.Internal },
  };
}
