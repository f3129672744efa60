import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { encodeClaims, testing } from '@portico/kit';
import { loadConfig } from '../../services/accounts/src/config';
import { startAccounts, type RunningAccounts } from '../../services/accounts/src/server';
import { createTokenVerifier, type TokenVerifier } from '../src/auth/token-verifier';

/**
 * The three steps of a signing-key rotation, with the real accounts service
 * (restarted on its port with each step's settings, as a rolling restart
 * does) and the gateway's token verifier, which is never restarted:
 * publish the next key, sign with it while the previous stays published,
 * remove the previous one.
 */

const ISSUER = 'portico-accounts';
const AUDIENCE = 'portico';

async function newKey(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privatePem: await exportPKCS8(privateKey), publicPem: await exportSPKI(publicKey) };
}

describe('signing-key rotation between accounts and the gateway', () => {
  let dir: string;
  let port: number;
  let accounts: RunningAccounts | undefined;
  let oldKey: { privatePem: string; publicPem: string };
  let newKeyPair: { privatePem: string; publicPem: string };
  /** Like the gateway's defaults: the JWKS is kept long, a new key id fetches it again. */
  let gateway: TokenVerifier;
  /** A gateway whose JWKS cache ages fast, to see a removed key stop verifying. */
  let shortCache: TokenVerifier;

  const start = async (env: Record<string, string>) => {
    const previous = accounts;
    accounts = undefined;
    await previous?.close();
    accounts = await startAccounts(
      loadConfig({
        AUTH_CLAIMS_SECRET: testing.TEST_CLAIMS_SECRET,
        HTTP_PORT: String(port),
        DB_SQLITE_PATH: join(dir, 'accounts.sqlite'),
        MAIL_FOLDER: join(dir, 'mail'),
        SEED_DEMO: 'true',
        NOTIFICATIONS_ENABLED: 'false',
        LOG_LEVEL: 'error',
        ...env,
      }),
    );
  };

  const signIn = async (): Promise<string> => {
    const response = await testing.postGraphQL(
      accounts!.url,
      'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
      {
        variables: { input: { email: 'alice@acme.example', password: 'acme-demo-password' } },
        headers: {
          'x-portico-claims': encodeClaims({ kind: 'anonymous' }, testing.TEST_CLAIMS_SECRET),
        },
      },
    );
    const token = (response.body.data as { signIn?: { accessToken: string } } | null)?.signIn
      ?.accessToken;
    if (!token) throw new Error(`sign-in failed: ${response.text}`);
    return token;
  };

  const publishedKids = async (): Promise<string[]> => {
    const response = await fetch(accounts!.jwksUrl);
    return ((await response.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
  };

  const verdict = async (verify: TokenVerifier, token: string) => {
    try {
      return (await verify(`Bearer ${token}`)).kind;
    } catch (error) {
      const shape = error as { message: string; extensions?: { code?: string } };
      return { refused: shape.extensions?.code, message: shape.message };
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-key-rotation-'));
    port = await testing.freePort();
    [oldKey, newKeyPair] = await Promise.all([newKey(), newKey()]);
    await start({ AUTH_SIGNING_KEY: oldKey.privatePem });
    const jwksUrl = accounts!.jwksUrl;
    gateway = createTokenVerifier({
      jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksCacheMs: 10 * 60_000,
      jwksRefetchMs: 1_000,
    });
    shortCache = createTokenVerifier({
      jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksCacheMs: 1_000,
      jwksRefetchMs: 1_000,
    });
  });
  afterAll(async () => {
    await accounts?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps old tokens valid, picks the new key up without a restart, and refuses the old key once removed', async () => {
    const oldToken = await signIn();
    expect(await verdict(gateway, oldToken)).toBe('contact');
    expect(await verdict(shortCache, oldToken)).toBe('contact');
    const [oldKid] = await publishedKids();
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    // Step 1: the next key is published on every replica before any signs with it.
    await start({
      AUTH_SIGNING_KEY: oldKey.privatePem,
      AUTH_SIGNING_KEY_ACCEPTED: newKeyPair.publicPem,
    });
    const both = await publishedKids();
    expect(both).toHaveLength(2);
    expect(both[0]).toBe(oldKid);
    const newKid = both[1] as string;
    expect(decodeProtectedHeader(await signIn()).kid).toBe(oldKid);

    // Step 2: the new key signs; the previous stays published while its tokens live.
    await start({
      AUTH_SIGNING_KEY: newKeyPair.privatePem,
      AUTH_SIGNING_KEY_ACCEPTED: oldKey.publicPem,
    });
    expect(await publishedKids()).toEqual([newKid, oldKid]);
    const newToken = await signIn();
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    // The long-cache verifier fetched the JWKS before the new key existed: only
    // the refetch on an unknown key id can make it accept this token. That
    // refetch waits out a cool-down (1 s here) from the last fetch, which two
    // quick restarts can fall inside; waiting longer than it is a lower bound,
    // which a busy machine only lengthens.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await verdict(gateway, newToken)).toBe('contact');
    expect(await verdict(gateway, oldToken)).toBe('contact');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await verdict(shortCache, oldToken)).toBe('contact');
    expect(await verdict(shortCache, newToken)).toBe('contact');

    // Step 3: the previous key is removed; its tokens are refused once the
    // cached JWKS is refreshed, the new key's tokens still verify.
    await start({ AUTH_SIGNING_KEY: newKeyPair.privatePem });
    expect(await publishedKids()).toEqual([newKid]);
    const deadline = Date.now() + 30_000;
    let oldVerdict = await verdict(shortCache, oldToken);
    while (oldVerdict === 'contact' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      oldVerdict = await verdict(shortCache, oldToken);
    }
    expect(oldVerdict).toEqual({
      refused: 'UNAUTHENTICATED',
      message: 'Access token is not valid',
    });
    expect(await verdict(shortCache, newToken)).toBe('contact');
  });

  it('refuses to start when the accepted keys repeat the signing key or are not ES256 keys', async () => {
    await expect(
      start({
        AUTH_SIGNING_KEY: newKeyPair.privatePem,
        AUTH_SIGNING_KEY_ACCEPTED: newKeyPair.publicPem,
      }),
    ).rejects.toThrow('AUTH_SIGNING_KEY_ACCEPTED repeats the signing key');
    await expect(
      start({ AUTH_SIGNING_KEY: newKeyPair.privatePem, AUTH_SIGNING_KEY_ACCEPTED: 'not a key' }),
    ).rejects.toThrow('AUTH_SIGNING_KEY_ACCEPTED holds no PEM key');
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    await expect(
      start({
        AUTH_SIGNING_KEY: newKeyPair.privatePem,
        AUTH_SIGNING_KEY_ACCEPTED: await exportSPKI(publicKey),
      }),
    ).rejects.toThrow('must be an EC P-256 (ES256) key');
    expect(() =>
      loadConfig({
        AUTH_CLAIMS_SECRET: testing.TEST_CLAIMS_SECRET,
        AUTH_SIGNING_KEY_ACCEPTED: oldKey.publicPem,
        AUTH_SIGNING_KEY_ACCEPTED_FILE: join(dir, 'accepted.pem'),
      }),
    ).toThrow('both set');
  });
});
