import {
  CLAIMS_HEADER,
  codedError,
  encodeClaims,
  ErrorCode,
  httpStatusFor,
  type Principal,
} from '@portico/kit';
import { postJson } from '../subgraph-data-source';

export type PrincipalStatusCheck = (principal: Principal, requestId: string) => Promise<void>;

/**
 * Asks accounts whether a token is still honoured (its session not signed
 * out or revoked, its partner client not revoked), so revocation takes effect
 * on the next request rather than at token expiry. Runs after the operation
 * is authorized, so a refused request still reaches no service. Throws
 * UNAUTHENTICATED when the token is no longer honoured, SERVICE_UNAVAILABLE
 * when accounts cannot say.
 */
export function createPrincipalStatusCheck(options: {
  url: string;
  claimsSecret: string;
  timeoutMs: number;
}): PrincipalStatusCheck {
  return async (principal, requestId) => {
    if (principal.kind === 'anonymous') return;
    let active: boolean;
    try {
      const response = await postJson(
        options.url,
        { principal },
        {
          [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, options.claimsSecret, { requestId }),
        },
        options.timeoutMs,
      );
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      active = (response.body as { active?: unknown } | null)?.active === true;
    } catch {
      throw codedError(ErrorCode.ServiceUnavailable, 'Sign-in status is unavailable, try again', {
        httpStatus: httpStatusFor(ErrorCode.ServiceUnavailable),
      });
    }
    if (!active) {
      throw codedError(ErrorCode.Unauthenticated, 'Session has ended; sign in again', {
        httpStatus: httpStatusFor(ErrorCode.Unauthenticated),
      });
    }
  };
}
