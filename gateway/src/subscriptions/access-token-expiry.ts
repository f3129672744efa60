/**
 * When a bearer token that has just been verified expires (its `exp`, in ms
 * since the epoch), or null when it carries none. Only read after
 * verification: the token is not trusted here, only decoded.
 */
export function accessTokenExpiry(authorization: string): number | null {
  const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization.trim())?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const exp = (
      JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }
    ).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}
