import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
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

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

async function publicJwkOf(key: KeyObject): Promise<JWK> {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    throw new SigningKeyError('an access-token key must be an EC P-256 (ES256) key');
  }
  const jwk = await exportJWK(key);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ACCESS_TOKEN_ALG, use: 'sig' };
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * The public halves of the keys in a PEM text (one block or several, public
 * or private keys): what AUTH_SIGNING_KEY_ACCEPTED holds.
 */
export async function acceptedJwksOf(pemText: string): Promise<JWK[]> {
  const blocks = pemText.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new SigningKeyError('AUTH_SIGNING_KEY_ACCEPTED holds no PEM key');
  }
  const jwks: JWK[] = [];
  for (const [index, block] of blocks.entries()) {
    let key: KeyObject;
    try {
      key = createPublicKey(block);
    } catch {
      throw new SigningKeyError(
        `AUTH_SIGNING_KEY_ACCEPTED key ${index + 1} is not a readable PEM key`,
      );
    }
    jwks.push(await publicJwkOf(key));
  }
  return jwks;
}

/**
 * The accepted keys of the config. An empty file counts as none: the
 * deployment files mount one, empty, outside a rotation.
 */
export async function readAcceptedKeys(
  source?: { pem: string } | { file: string },
): Promise<JWK[]> {
  if (!source) return [];
  let text: string;
  if ('pem' in source) text = source.pem;
  else {
    try {
      text = readFileSync(source.file, 'utf8');
    } catch {
      throw new SigningKeyError(`AUTH_SIGNING_KEY_ACCEPTED_FILE=${source.file} cannot be read`);
    }
  }
  return text.trim() === '' ? [] : acceptedJwksOf(text);
}

type IssuerOptions = { issuer: string; audience: string; ttlSeconds: number };

/**
 * Signs short-lived access tokens with an asymmetric key; the gateway checks
 * them against the public half, published as JWKS. Keys of a rotation
 * (AUTH_SIGNING_KEY_ACCEPTED: the next one before it signs, the previous one
 * while its tokens live) are published beside it with their own `kid` and
 * never sign.
 */
export class TokenIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicJwk: JWK,
    private readonly acceptedJwks: readonly JWK[],
    private readonly options: IssuerOptions,
  ) {}

  static async fromPem(
    pem: string,
    options: IssuerOptions,
    accepted: readonly JWK[] = [],
  ): Promise<TokenIssuer> {
    const privateKey = await importPKCS8(pem, ACCESS_TOKEN_ALG, { extractable: true });
    const publicJwk = await publicJwkOf(createPublicKey(pem));
    // The usual slip of a swap: the new key set to sign, and still listed as
    // accepted instead of the previous one, whose tokens would then fail.
    if (accepted.some((jwk) => jwk.kid === publicJwk.kid)) {
      throw new SigningKeyError(
        'AUTH_SIGNING_KEY_ACCEPTED repeats the signing key: list the previous key instead',
      );
    }
    const distinct = [...new Map(accepted.map((jwk) => [jwk.kid, jwk])).values()];
    return new TokenIssuer(privateKey, publicJwk, distinct, options);
  }

  /** Reads the key file, or creates a new key there on first start (embedded default). */
  static async fromFile(
    path: string,
    options: IssuerOptions,
    accepted: readonly JWK[] = [],
  ): Promise<TokenIssuer> {
    if (!existsSync(path)) {
      const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
    }
    return TokenIssuer.fromPem(readFileSync(path, 'utf8'), options, accepted);
  }

  /** The key id that signs new tokens. */
  get signingKid(): string {
    return this.publicJwk.kid as string;
  }

  /** The signing key first, then the accepted ones. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk, ...this.acceptedJwks] };
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
