import { randomUUID } from 'node:crypto';
import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const sqlite = testing.databaseTargets(process.env).find((t) => t.name === 'sqlite')!;
const redisUrl = testing.redisUrlForTests(process.env);
const ATTACKER = '203.0.113.66';
const REAL_USER = '198.51.100.20';
const PER_PAIR = 5;

// Sign-in attempt counters in process memory, and in Redis as several
// accounts instances would share them.
const redisPrefix = `portico-test:${randomUUID()}:`;
const stores: Array<[string, Record<string, string>]> = [['memory', {}]];
if (redisUrl) stores.push(['redis', { REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix }]);

describe.each(stores)('sign-in attempt limits (%s counters)', (_name, accountsEnv) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(sqlite, {
      // The gateway's own per-address rate limit would stop the attacker
      // first; lift it so the accounts limits are what is measured.
      gatewayEnv: { HTTP_TRUST_PROXY: 'true', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000' },
      accountsEnv,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    if (accountsEnv.REDIS_URL) await testing.dropRedisKeys(accountsEnv.REDIS_URL, redisPrefix);
  });

  const attempt = (email: string, password: string, address: string) =>
    stack.query('mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }', {
      variables: { input: { email, password } },
      headers: { 'x-forwarded-for': address },
    });

  it('verifies at most the allowed number of 200 wrong passwords, whatever their shape, and the real user still signs in', async () => {
    const hasher = stack.accounts.running.services.hasher;
    const before = hasher.verifications;
    const codes = new Map<string, number>();
    const count = (code: unknown) => codes.set(String(code), (codes.get(String(code)) ?? 0) + 1);
    // 80 single requests, 40 of them concurrently
    for (let i = 0; i < 40; i += 1) {
      count(
        (await attempt('alice@acme.example', `wrong-${i}`, ATTACKER)).body.errors?.[0]?.extensions
          ?.code,
      );
    }
    const parallel = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt('alice@acme.example', `wrong-p${i}`, ATTACKER)),
    );
    for (const r of parallel) count(r.body.errors?.[0]?.extensions?.code);
    // 120 more as aliases: 4 documents of 30 sign-ins each
    for (let doc = 0; doc < 4; doc += 1) {
      const fields = Array.from(
        { length: 30 },
        (_, i) =>
          `a${i}: signIn(input: { email: "alice@acme.example", password: "alias-${doc}-${i}" }) { accessToken }`,
      ).join(' ');
      const response = await stack.query(`mutation { ${fields} }`, {
        headers: { 'x-forwarded-for': ATTACKER },
      });
      for (const error of response.body.errors ?? []) count(error.extensions?.code);
      expect(response.body.data ?? null).toBeNull();
    }
    expect(hasher.verifications - before).toBeLessThanOrEqual(PER_PAIR);
    expect(codes.get('INVALID_CREDENTIALS')).toBe(PER_PAIR);
    expect(codes.get('TOO_MANY_ATTEMPTS')).toBeGreaterThanOrEqual(80 - PER_PAIR);

    const refused = await attempt('alice@acme.example', 'acme-demo-password', ATTACKER);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);

    const real = await attempt('alice@acme.example', 'acme-demo-password', REAL_USER);
    expect(real.body.errors).toBeUndefined();
    expect((real.body.data as { signIn: { accessToken: string } }).signIn.accessToken).toBeTruthy();
  });

  it('does the same password work for an unknown email as for a known one (one Argon2id verification)', async () => {
    const hasher = stack.accounts.running.services.hasher;
    const address = '192.0.2.250';
    let before = hasher.verifications;
    await attempt('bob@acme.example', 'wrong-password', address);
    const known = hasher.verifications - before;
    before = hasher.verifications;
    await attempt(`ghost-${randomUUID()}@acme.example`, 'wrong-password', address);
    const unknown = hasher.verifications - before;
    expect([known, unknown]).toEqual([1, 1]);
  });

  it('limits an unknown email exactly like a known one', async () => {
    const address = `192.0.2.${Math.floor(Math.random() * 200) + 1}`;
    const unknown = `nobody-${randomUUID()}@acme.example`;
    const known = 'bob@acme.example';
    const codesFor = async (email: string) => {
      const codes: unknown[] = [];
      for (let i = 0; i < PER_PAIR + 2; i += 1) {
        codes.push((await attempt(email, `nope-${i}`, address)).body.errors?.[0]?.extensions?.code);
      }
      return codes;
    };
    const expected = [
      ...Array(PER_PAIR).fill('INVALID_CREDENTIALS'),
      'TOO_MANY_ATTEMPTS',
      'TOO_MANY_ATTEMPTS',
    ];
    expect(await codesFor(unknown)).toEqual(expected);
    expect(await codesFor(known)).toEqual(expected);
  });
});
