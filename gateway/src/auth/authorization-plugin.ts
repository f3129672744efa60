import type { ApolloServerPlugin } from '@apollo/server';
import { codedError, ErrorCode, httpStatusFor } from '@portico/kit';
import type { GatewayContext } from '../context';
import type { OperationAuthorizer } from './operation-authorizer';
import type { PrincipalStatusCheck } from './principal-status';

/**
 * The first wall: refuses an operation before the query planner runs, so a
 * refused request never reaches a subgraph. Until the supergraph's directives
 * are loaded, everything is refused. An allowed operation then checks that
 * the token's session is still active.
 */
export function authorizationPlugin(
  getAuthorizer: () => OperationAuthorizer | undefined,
  checkPrincipalStatus: PrincipalStatusCheck,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, contextValue }) {
          const authorizer = getAuthorizer();
          const denial = authorizer
            ? authorizer.authorize({
                document,
                operationName: request.operationName,
                variables: request.variables ?? {},
                principal: contextValue.principal,
              })
            : { code: ErrorCode.Forbidden, message: 'Authorization is not ready' };
          if (denial) {
            throw codedError(denial.code, denial.message, {
              httpStatus: httpStatusFor(denial.code),
            });
          }
          await checkPrincipalStatus(contextValue.principal, contextValue.requestId);
        },
      };
    },
  };
}
