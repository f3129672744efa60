import type { ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '@portico/kit';
import type { GatewayContext } from '../context';
import { withoutSuggestions } from './introspection';

/**
 * Field suggestions ("Did you mean …?") let a client rebuild the schema
 * without introspection; principals outside `allowedFor` get the message
 * without them. Validation results are cached per document, so this runs on
 * the response, where the principal is known.
 */
export function suggestionsPlugin(
  allowedFor: ReadonlySet<Principal['kind']>,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (allowedFor.has(contextValue.principal.kind)) return {};
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((error) => ({
            ...error,
            message: withoutSuggestions(error.message),
          }));
        },
      };
    },
  };
}
