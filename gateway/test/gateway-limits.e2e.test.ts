import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { testing } from '@portico/kit';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { TEST_CLAIMS_SECRET } from '../../services/accounts/test/accounts-harness';
import { startTestStack, SUPERGRAPH_PATH, type TestStack } from './stack-harness';

// Limits do not depend on the database: these run on SQLite only.
const sqlite = testing.databaseTargets(process.env).find((t) => t.name === 'sqlite')!;

const LIMITS_ENV = {
  LIMITS_DEPTH: '6',
  LIMITS_ALIASES: '4',
  LIMITS_DIRECTIVES: '4',
  LIMITS_TOKENS: '200',
  LIMITS_COST: '500',
  LIMITS_DEFAULT_LIST_SIZE: '20',
  LIMITS_PARTNER_DEPTH: '4',
  LIMITS_PARTNER_ALIASES: '2',
  LIMITS_PARTNER_DIRECTIVES: '2',
  LIMITS_PARTNER_TOKENS: '100',
  LIMITS_PARTNER_COST: '100',
};

/** `{ viewer { customer { contacts { customer { … { id } } } } } }`, `depth` selection levels deep. */
function nested(depth: number): string {
  let inner = 'id';
  for (let level = depth - 1; level >= 3; level -= 1) {
    inner = level % 2 === 1 ? `contacts { ${inner} }` : `customer { ${inner} }`;
  }
  return `{ viewer { customer { ${inner} } } }`;
}

const shapes = {
  depth: (n: number) => nested(n),
  aliases: (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`,
  directives: (n: number) => `{ viewer { ${'kind @include(if: true) '.repeat(n)}} }`,
  // five tokens for `{ viewer {` and `} }`, then one per field
  tokens: (n: number) => `{ viewer { ${'kind '.repeat(n - 5)}} }`,
} as const;

const CODES = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  directives: 'DIRECTIVE_LIMIT_EXCEEDED',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
} as const;

describe('gateway document limits', () => {
  let stack: TestStack;
  let alice: string;
  let partner: string;
  beforeAll(async () => {
    stack = await startTestStack(sqlite, { gatewayEnv: LIMITS_ENV });
    alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    partner = await stack.partnerToken(['customers:read']);
  });
  afterAll(() => stack?.stop());

  const cases: Array<[keyof typeof shapes, 'contact' | 'partner', number]> = [];
  for (const shape of Object.keys(shapes) as Array<keyof typeof shapes>) {
    cases.push([
      shape,
      'contact',
      Number(LIMITS_ENV[`LIMITS_${shape.toUpperCase()}` as keyof typeof LIMITS_ENV]),
    ]);
    cases.push([
      shape,
      'partner',
      Number(LIMITS_ENV[`LIMITS_PARTNER_${shape.toUpperCase()}` as keyof typeof LIMITS_ENV]),
    ]);
  }

  it.each(cases)(
    "refuses one %s over a %s's limit of %i with its code, before any subgraph call",
    async (shape, who, limit) => {
      const token = who === 'contact' ? alice : partner;
      const before = stack.accounts.running.stats.executed;
      const over = await stack.query(shapes[shape](limit + 1), { token });
      expect(stack.accounts.running.stats.executed).toBe(before);
      expect(over.status).toBe(400);
      expect(over.body.errors?.[0]?.extensions).toEqual({ code: CODES[shape], limit });
      const at = await stack.query(shapes[shape](limit), { token });
      expect(at.body.errors?.[0]?.extensions?.code).not.toBe(CODES[shape]);
    },
  );

  it('prices list fields by their page size and refuses an over-cost query before any subgraph call', async () => {
    const admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const before = stack.accounts.running.stats.executed;
    // customers(first: 30): 1 + nodes(1 + 30 × (id 1 + contacts(1 + 20 × email 1))) = 662
    const over = await stack.query('{ customers(first: 30) { nodes { id contacts { email } } } }', {
      token: admin,
    });
    expect(over.body.errors?.[0]?.extensions).toEqual({ code: 'COST_LIMIT_EXCEEDED', limit: 500 });
    expect(stack.accounts.running.stats.executed).toBe(before);
    // first: 20 → 1 + 1 + 20 × 23 = 462
    const under = await stack.query(
      '{ customers(first: 20) { nodes { id contacts { email } } } }',
      { token: admin },
    );
    expect(under.body.errors).toBeUndefined();
  });

  it('holds partners to stricter limits than first-party apps', async () => {
    const query = nested(5);
    expect((await stack.query(query, { token: alice })).body.errors).toBeUndefined();
    expect((await stack.query(query, { token: partner })).body.errors?.[0]?.extensions?.code).toBe(
      'DEPTH_LIMIT_EXCEEDED',
    );
  });
});

const redisUrl = testing.redisUrlForTests(process.env);
const redisPrefix = `portico-test:${randomUUID()}:`;
const rateStores: Array<[string, Record<string, string>]> = [['memory', {}]];
if (redisUrl) rateStores.push(['redis', { REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix }]);

describe.each(rateStores)('gateway rate limits (%s counters)', (_store, storeEnv) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(sqlite, {
      gatewayEnv: {
        RATE_LIMIT_CONTACT_PER_MINUTE: '5',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '4',
        HTTP_TRUST_PROXY: 'true',
        ...storeEnv,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    if (storeEnv.REDIS_URL) await testing.dropRedisKeys(storeEnv.REDIS_URL, redisPrefix);
  });

  it('answers 429 with Retry-After once a contact is over its limit, and only for that contact', async () => {
    const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    const bob = await stack.signIn('bob@acme.example', 'acme-demo-password');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await stack.query('{ viewer { kind } }', { token: alice })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await stack.query('{ viewer { kind } }', { token: alice });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      limit: 5,
      retryAfter,
    });
    expect((await stack.query('{ viewer { kind } }', { token: bob })).status).toBe(200);
  });

  it('limits the anonymous per client address', async () => {
    const from = (address: string) =>
      stack.query('{ viewer { kind } }', { headers: { 'x-forwarded-for': address } });
    // the two sign-ins above came from this address's neighbour; use fresh ones
    const first: number[] = [];
    for (let i = 0; i < 5; i += 1) first.push((await from('198.51.100.7')).status);
    expect(first).toEqual([200, 200, 200, 200, 429]);
    expect((await from('198.51.100.8')).status).toBe(200);
  });
});

describe('gateway introspection and suggestions in production', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(sqlite, { gatewayEnv: { NODE_ENV: 'production' } });
  });
  afterAll(() => stack?.stop());

  it('refuses introspection to customers and the anonymous, not to staff or partners', async () => {
    const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    const admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const partner = await stack.partnerToken(['invoices:read']);
    const query = '{ __schema { queryType { name } } }';
    for (const token of [alice, undefined]) {
      const response = await stack.query(query, { token });
      expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'INTROSPECTION_DISABLED' });
    }
    for (const token of [admin, partner]) {
      expect((await stack.query(query, { token })).body.data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
    }
    expect((await stack.query('{ viewer { __typename } }', { token: alice })).body.data).toEqual({
      viewer: { __typename: 'Viewer' },
    });
  });

  it('gives customers no field suggestions, and staff their usual hints', async () => {
    const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    const admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const toCustomer = await stack.query('{ viewr { kind } }', { token: alice });
    expect(toCustomer.body.errors?.[0]).toMatchObject({
      message: 'Cannot query field "viewr" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const toStaff = await stack.query('{ viewr { kind } }', { token: admin });
    expect(toStaff.body.errors?.[0]?.message).toMatch(/Did you mean "viewer"\?/);
  });
});

describe('gateway subgraph timeout', () => {
  let hung: Server;
  let gateway: RunningGateway;
  beforeAll(async () => {
    // A subgraph that accepts connections and never answers.
    hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as { port: number }).port;
    gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        SUBGRAPH_ACCOUNTS_URL: `http://127.0.0.1:${port}/graphql`,
        GATEWAY_SUBGRAPH_TIMEOUT_MS: '300',
        GATEWAY_SHUTDOWN_GRACE_MS: '100',
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    hung?.close();
  });

  it('answers a clear coded error when a subgraph does not answer in time', async () => {
    const started = Date.now();
    const response = await testing.postGraphQL(gateway.url, '{ viewer { kind } }');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(response.body.errors?.[0]).toMatchObject({
      message: 'The accounts service did not answer within 300 ms',
      extensions: { code: 'SUBGRAPH_TIMEOUT' },
    });
    expect(response.text).not.toMatch(/127\.0\.0\.1|ECONN|aborted/);
  });
});

describe('gateway keep-alive toward subgraphs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack(sqlite, { accountsEnv: { HTTP_KEEP_ALIVE_MS: '1000' } });
  });
  afterAll(() => stack?.stop());

  it('does not reuse a socket the subgraph is closing (requests spaced around its 1 s idle timeout)', async () => {
    const statuses: number[] = [];
    const codes: unknown[] = [];
    for (const gap of [950, 980, 1000, 1020, 1050]) {
      const response = await stack.query('{ viewer { kind } }');
      statuses.push(response.status);
      codes.push(response.body.errors?.[0]?.extensions?.code);
      await new Promise((r) => setTimeout(r, gap));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
