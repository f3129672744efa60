import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { parsePrincipal, type Principal } from './principal';

/**
 * Gateway-signed claims: the gateway tells a subgraph who is asking, and the
 * subgraph refuses any request that does not carry them. Format:
 * `v1.<base64url(json)>.<base64url(hmac-sha256)>`. The lifetime is short
 * because a claims header only has to survive one gateway → subgraph hop.
 */
export const CLAIMS_HEADER = 'x-portico-claims';
const VERSION = 'v1';
export const DEFAULT_CLAIMS_TTL_SECONDS = 60;
/** Accept claims minted up to this far in the future (clock skew between hosts). */
const MAX_CLOCK_SKEW_SECONDS = 30;

export interface SignedClaims {
  principal: Principal;
  requestId?: string;
  /** The client's address as the gateway saw it (per-address sign-in limits). */
  clientAddress?: string;
  iat: number;
  exp: number;
}

/** Imported once per secret: every request signs or verifies with it. */
const keys = new Map<string, KeyObject>();

function sign(payload: string, secret: string): string {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 16) keys.clear();
    keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  }
  return createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url');
}

export function encodeClaims(
  principal: Principal,
  secret: string,
  options: { requestId?: string; clientAddress?: string; ttlSeconds?: number; now?: number } = {},
): string {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: SignedClaims = {
    principal,
    ...(options.requestId ? { requestId: options.requestId } : {}),
    ...(options.clientAddress ? { clientAddress: options.clientAddress } : {}),
    iat: now,
    exp: now + (options.ttlSeconds ?? DEFAULT_CLAIMS_TTL_SECONDS),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${VERSION}.${payload}.${sign(payload, secret)}`;
}

export type ClaimsFailure = 'missing' | 'malformed' | 'bad-signature' | 'expired';

export type ClaimsResult =
  { ok: true; claims: SignedClaims } | { ok: false; reason: ClaimsFailure };

function signedByAny(payload: string, signature: string, secrets: readonly string[]): boolean {
  const given = Buffer.from(signature);
  // Every secret is tried, so the time taken does not tell which one matched.
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(sign(payload, secret));
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/**
 * `secrets` is the current secret, optionally followed by the ones still
 * accepted during a rotation (`AUTH_CLAIMS_SECRET_ACCEPTED`): claims signed
 * with any of them verify. Only the current one ever signs.
 */
export function verifyClaims(
  header: string | undefined,
  secrets: string | readonly string[],
  now: number = Date.now(),
): ClaimsResult {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = parts as [string, string, string];
  if (!signedByAny(payload, signature, typeof secrets === 'string' ? [secrets] : secrets)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const d = decoded as Partial<SignedClaims> | null;
  const principal = parsePrincipal(d?.principal);
  if (!principal || typeof d?.iat !== 'number' || typeof d.exp !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  const nowSeconds = Math.floor(now / 1000);
  if (d.exp < nowSeconds || d.iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'expired' };
  }
  return {
    ok: true,
    claims: {
      principal,
      iat: d.iat,
      exp: d.exp,
      ...(typeof d.requestId === 'string' ? { requestId: d.requestId } : {}),
      ...(typeof d.clientAddress === 'string' ? { clientAddress: d.clientAddress } : {}),
    },
  };
}
