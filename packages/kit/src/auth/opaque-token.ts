import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, mailed links, client secrets): 256
 * random bits behind a prefix that says what they are. They are stored as
 * SHA-256 only; with that much entropy a slow hash adds nothing.
 */
export function newOpaqueToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
