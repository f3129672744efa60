import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ServiceMetrics } from './service-metrics';

/**
 * Counts and times every request Apollo Server executes: the operation's
 * name only once its document parsed (a name sent alongside a document that
 * does not parse never becomes a label), the outcome, and each error's code.
 */
export function requestMetricsPlugin<C extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, document, operationName }) {
          const errors =
            response.body.kind === 'single'
              ? (response.body.singleResult.errors ?? [])
              : (response.body.initialResult.errors ?? []);
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          metrics.recordRequest(
            document ? { parsed: true, name: operationName } : { parsed: false },
            codes.length > 0 ? 'error' : 'ok',
            (performance.now() - started) / 1000,
            codes,
          );
        },
      };
    },
  };
}
