import { createPublicKey, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  SignJWT,
  type JWK,
  type KeyLike,
} from 'jose';
import { accessTokenClaimsFor, type SignedInPrincipal } from '@portico/kit';

export const ACCESS_TOKEN_ALG = 'ES256';

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
}

/**
 * Signs short-lived access tokens with an asymmetric key; the gateway checks
 * them against the public half, published as JWKS.
 */
export class TokenIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicJwk: JWK,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number },
  ) {}

  static async fromPem(
    pem: string,
    options: { issuer: string; audience: string; ttlSeconds: number },
  ): Promise<TokenIssuer> {
    const privateKey = await importPKCS8(pem, ACCESS_TOKEN_ALG, { extractable: true });
    const publicJwk = await exportJWK(createPublicKey(pem));
    const kid = await calculateJwkThumbprint(publicJwk);
    return new TokenIssuer(
      privateKey,
      { ...publicJwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' },
      options,
    );
  }

  /** Reads the key file, or creates a new key there on first start (embedded default). */
  static async fromFile(
    path: string,
    options: { issuer: string; audience: string; ttlSeconds: number },
  ): Promise<TokenIssuer> {
    if (!existsSync(path)) {
      const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
    }
    return TokenIssuer.fromPem(readFileSync(path, 'utf8'), options);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The token's claims carry what the gateway needs to build the principal. */
  async issue(principal: SignedInPrincipal, ttlSeconds?: number): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (ttlSeconds ?? this.options.ttlSeconds);
    const { subject, claims } = accessTokenClaimsFor(principal);
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid: this.publicJwk.kid, typ: 'at+jwt' })
      .setSubject(subject)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { accessToken, expiresAt: new Date(exp * 1000) };
  }
}
