import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  ANONYMOUS,
  codedError,
  ErrorCode,
  httpStatusFor,
  principalFromAccessTokenClaims,
  type Principal,
} from '@portico/kit';

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

function refuse(message: string) {
  return codedError(ErrorCode.Unauthenticated, message, {
    httpStatus: httpStatusFor(ErrorCode.Unauthenticated),
  });
}

/**
 * Verifies `Authorization: Bearer <jwt>` against the accounts JWKS: ES256
 * only (no `none`, no HMAC key confusion), issuer, audience, expiry. No header
 * means anonymous; a header that does not verify is refused outright.
 *
 * The key is picked by the token's `kid` among every key accounts publishes,
 * so a signing-key rotation needs no restart: a new key id fetches the JWKS
 * again (at most once per `jwksRefetchMs`), and a key accounts no longer
 * publishes stops verifying once the cached JWKS is older than `jwksCacheMs`.
 */
export function createTokenVerifier(options: {
  jwksUrl: string;
  issuer: string;
  audience: string;
  jwksCacheMs?: number;
  jwksRefetchMs?: number;
  keys?: JWTVerifyGetKey;
}): TokenVerifier {
  const remote = options.keys
    ? undefined
    : createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: options.jwksRefetchMs ?? 30_000,
        cacheMaxAge: options.jwksCacheMs ?? 10 * 60_000,
        timeoutDuration: 5_000,
      });
  const keys: JWTVerifyGetKey = options.keys ?? (remote as JWTVerifyGetKey);
  // Verified tokens, until they expire: an ES256 verification was 4 % of the
  // gateway's CPU under the dashboard benchmark. Revocation is not this
  // cache's business: the per-request session check still runs.
  const verified = new Map<string, { principal: Principal; expiresAt: number }>();
  const remember = (token: string, principal: Principal, exp: number) => {
    if (verified.size >= MAX_CACHED_TOKENS) {
      // Oldest first: Map iteration follows insertion order.
      for (const key of verified.keys()) {
        verified.delete(key);
        if (verified.size < MAX_CACHED_TOKENS * 0.9) break;
      }
    }
    verified.set(token, { principal, expiresAt: (exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
  };
  return async (authorization) => {
    if (authorization === undefined || authorization === '') return ANONYMOUS;
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization.trim());
    if (!match?.[1]) throw refuse('Authorization must be "Bearer <access token>"');
    const cached = verified.get(match[1]);
    if (cached) {
      // A stale key set may still hold a key accounts has since removed: the
      // token is verified again, which fetches the current set first.
      if (cached.expiresAt > Date.now() && (remote?.fresh ?? true)) return cached.principal;
      verified.delete(match[1]);
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], keys, {
        algorithms: ['ES256'],
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      // jose codes every verdict on the token itself; an uncoded error or a
      // JWKS timeout means the key set could not be fetched: not the client's fault.
      if (code === undefined || code === 'ERR_JWKS_TIMEOUT') {
        throw codedError(ErrorCode.ServiceUnavailable, 'Sign-in keys are unavailable, try again', {
          httpStatus: httpStatusFor(ErrorCode.ServiceUnavailable),
        });
      }
      throw refuse(
        code === 'ERR_JWT_EXPIRED' ? 'Access token expired' : 'Access token is not valid',
      );
    }
    const principal = principalFromAccessTokenClaims(payload);
    if (!principal) throw refuse('Access token is not valid');
    remember(match[1], principal, payload.exp as number);
    return principal;
  };
}

const MAX_CACHED_TOKENS = 50_000;
/** Clock skew allowed between the token issuer and the gateway, for expiry and issue times. */
const CLOCK_TOLERANCE_SECONDS = 5;
