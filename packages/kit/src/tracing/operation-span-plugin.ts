import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Names the request's server span (active while Apollo Server runs it)
 * after the operation once its document resolved, and records the outcome
 * with the errors' codes: never the document, its variables or messages.
 */
export function operationSpanPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          const type = operation?.operation ?? 'query';
          span.setAttribute('graphql.operation.type', type);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
          span.updateName(operationName ? `${type} ${operationName}` : type);
        },
        async willSendResponse({ response }) {
          const errors =
            response.body.kind === 'single'
              ? (response.body.singleResult.errors ?? [])
              : (response.body.initialResult.errors ?? []);
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          span.setAttribute('portico.outcome', codes.length > 0 ? 'error' : 'ok');
          if (codes.length > 0) {
            span.setAttribute('portico.error_codes', [...new Set(codes)]);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
        },
      };
    },
  };
}
