import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, type Logger } from '@portico/kit';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './context';

interface ValueCompletionEntry {
  message?: string;
  path?: ReadonlyArray<string | number>;
}

/**
 * Two fixes to what @apollo/gateway answers:
 *
 * - A non-null field that a subgraph left null makes the gateway null its
 *   parent and report the violation only under `extensions.valueCompletion`,
 *   with no `errors`: clients saw neither data nor an error. Each violation
 *   becomes a masked error in `errors` (its path kept), and its real message
 *   goes to the log.
 * - Every masked error carries the request id, the one a client quotes and
 *   the logs are searched by.
 */
export function responseErrorsPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          if (operationName && contextValue.trace) contextValue.trace.operationName = operationName;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const { requestId } = contextValue;
          const errors: GraphQLFormattedError[] = [...(result.errors ?? [])];
          const completion = result.extensions?.valueCompletion as
            ValueCompletionEntry[] | undefined;
          if (Array.isArray(completion) && completion.length > 0) {
            for (const entry of completion) {
              logger.error('non-null field resolved to null', {
                requestId,
                path: entry.path,
                error: entry.message,
              });
              errors.push({
                message: 'Internal server error',
                ...(entry.path ? { path: entry.path } : {}),
                extensions: { code: ErrorCode.Internal },
              });
            }
            const { valueCompletion: _dropped, ...rest } = result.extensions ?? {};
            result.extensions = Object.keys(rest).length > 0 ? rest : undefined;
          }
          if (errors.length === 0) return;
          for (const error of errors) {
            contextValue.trace?.errorCodes.push(
              String(error.extensions?.code ?? ErrorCode.Internal),
            );
          }
          result.errors = errors.map((error) =>
            error.extensions?.code === ErrorCode.Internal
              ? { ...error, extensions: { ...error.extensions, requestId } }
              : error,
          );
        },
      };
    },
  };
}
