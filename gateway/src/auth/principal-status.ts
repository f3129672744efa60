import {
  CLAIMS_HEADER,
  codedError,
  encodeClaims,
  ErrorCode,
  httpStatusFor,
  type Principal,
} from '@portico/kit';

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
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, options.claimsSecret, { requestId }),
        },
        body: JSON.stringify({ principal }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      active = ((await response.json()) as { active?: unknown }).active === true;
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
