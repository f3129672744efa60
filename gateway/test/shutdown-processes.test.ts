import { request, type IncomingMessage } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ANONYMOUS,
  CLAIMS_HEADER,
  encodeClaims,
  encodeLiveCursor,
  testing,
  type Principal,
} from '@portico/kit';
import { DEMO_STAFF_USER_ID } from '@portico/kit';
import {
  startSuiteProcesses,
  type ProcessName,
  type Suite,
  type SuiteProcess,
} from './suite-processes';

/**
 * A rolling restart sends SIGTERM and waits: every process must finish what
 * it is answering, tell its subscribers to go, and exit 0 soon after. Each
 * process is a real child started from its build, once without Redis and
 * once with every Redis setting pointing at a real Redis.
 */
const EXIT_WITHIN_MS = 10_000;

const STAFF: Principal = { kind: 'staff', staffUserId: DEMO_STAFF_USER_ID, roles: ['admin'] };

/** Which processes serve subscriptions, and one that delivers demo events at once from cursor 0. */
const SUBSCRIPTIONS: Partial<Record<ProcessName, string>> = {
  gateway: `subscription ($after: String) { orderChanged(after: $after) { cursor } }`,
  sales: `subscription ($after: String) { orderChanged(after: $after) { cursor } }`,
  messaging: `subscription ($after: String) { threadActivity(after: $after) { cursor } }`,
};

interface InFlight {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; body: string }>;
}

/**
 * A POST of `{ __typename }` whose headers and first half of the body are
 * sent now and the rest later: the request is in flight until `finish()`.
 * Resolves once the server has taken the request.
 */
function startRequest(url: string, headers: Record<string, string>): Promise<InFlight> {
  const body = JSON.stringify({ query: '{ __typename }' });
  const half = Math.floor(body.length / 2);
  return new Promise((resolveStarted, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
        ...headers,
      },
    });
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      req.once('response', (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        res.on('error', fail);
      });
      req.once('error', fail);
    });
    req.once('error', reject);
    // Node answers `100 Continue` as it hands the request to the server's
    // handler: once it arrives, the server counts this request as in flight
    // (a connection whose request it has not yet read is not).
    req.once('continue', () =>
      req.write(body.slice(0, half), () =>
        resolveStarted({ finish: () => req.end(body.slice(half)), response }),
      ),
    );
    req.flushHeaders();
  });
}

async function gatewayToken(gateway: SuiteProcess): Promise<string> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation ($input: SignInInput!) { signInStaff(input: $input) { accessToken } }`,
      variables: { input: { email: 'admin@portico.example', password: 'admin-demo-password' } },
    }),
  });
  const body = (await response.json()) as {
    data?: { signInStaff?: { accessToken: string } } | null;
  };
  const token = body.data?.signInStaff?.accessToken;
  if (!token) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return token;
}

interface OpenSubscription {
  client: Client;
  values: unknown[];
  closes: number[];
}

/** A graphql-ws subscription that has delivered at least one replayed event, so it is open. */
async function openSubscription(
  proc: SuiteProcess,
  query: string,
  auth: { token?: string; claimsSecret: string },
): Promise<OpenSubscription> {
  const open: OpenSubscription = { values: [], closes: [], client: undefined as never };
  open.client = createClient({
    url: proc.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams:
      proc.name === 'gateway'
        ? { authorization: `Bearer ${auth.token}` }
        : { claims: encodeClaims(ANONYMOUS, auth.claimsSecret) },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (event) => open.closes.push((event as { code: number }).code) },
  });
  const errors: unknown[] = [];
  open.client.subscribe(
    {
      query,
      variables: { after: encodeLiveCursor(0) },
      ...(proc.name === 'gateway'
        ? {}
        : { extensions: { claims: encodeClaims(STAFF, auth.claimsSecret) } }),
    },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) open.values.push(result.data);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  await testing.waitUntil(
    `${proc.name}'s subscription to deliver (errors: ${JSON.stringify(errors)})`,
    () => open.values.length > 0 || errors.length > 0,
    30_000,
  );
  expect(errors).toEqual([]);
  return open;
}

/**
 * SIGTERM with one HTTP request half sent and, where served, one open
 * subscription: the request is answered, the subscriber is told to go, and
 * the process exits 0 within EXIT_WITHIN_MS.
 */
async function checkDrainAndExit(suite: Suite, name: ProcessName, token: string): Promise<void> {
  const proc = suite.processes.get(name);
  if (!proc) throw new Error(`no ${name}`);
  const subscription = SUBSCRIPTIONS[name]
    ? await openSubscription(proc, SUBSCRIPTIONS[name], { token, claimsSecret: suite.claimsSecret })
    : undefined;
  const inFlight = await startRequest(
    proc.url,
    name === 'gateway' ? {} : { [CLAIMS_HEADER]: encodeClaims(ANONYMOUS, suite.claimsSecret) },
  );
  const signalled = Date.now();
  proc.child.kill('SIGTERM');
  await testing.waitUntil(`${name} to start draining`, () =>
    proc.output().includes(`${name}: SIGTERM, draining`),
  );
  inFlight.finish();
  const answered = await inFlight.response.catch((error: unknown) => ({
    status: 0,
    body: JSON.stringify(String(error)),
  }));
  const code = await Promise.race([
    proc.exited,
    new Promise<string>((r) =>
      setTimeout(() => r('still running'), EXIT_WITHIN_MS + 5_000).unref(),
    ),
  ]);
  const tookMs = Date.now() - signalled;
  if (subscription) {
    await testing.waitUntil(
      `${name}'s subscriber to be closed`,
      () => subscription.closes.length > 0,
    );
    await subscription.client.dispose();
  }
  expect({ name, code, answered: answered.status, body: JSON.parse(answered.body) }).toEqual({
    name,
    code: 0,
    answered: 200,
    body: { data: { __typename: 'Query' } },
  });
  expect(tookMs).toBeLessThan(EXIT_WITHIN_MS);
  if (subscription) expect(subscription.closes).toEqual([1001]);
}

const redisUrl = testing.testRedisUrl(process.env);
const suites: Partial<Record<'plain' | 'redis', { suite: Suite; token: string }>> = {};

// Both suites start at once: most of a start is waiting on other processes.
beforeAll(async () => {
  if (!(await testing.probeRedis(redisUrl)))
    throw new Error(`Redis at ${redisUrl} is not answering`);
  const start = async (key: 'plain' | 'redis') => {
    const suite = await startSuiteProcesses(key === 'redis' ? { redisUrl } : {});
    suites[key] = { suite, token: '' };
    const gateway = suite.processes.get('gateway');
    if (!gateway) throw new Error('no gateway');
    suites[key] = { suite, token: await gatewayToken(gateway) };
  };
  await Promise.all([start('plain'), start('redis')]);
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(suites).map((s) => s?.suite.stop()));
});

describe.each([
  ['without Redis', 'plain'],
  ['with Redis', 'redis'],
] as const)('SIGTERM on every process (%s)', (_label, key) => {
  const running = () => {
    const found = suites[key];
    if (!found) throw new Error(`the ${key} suite did not start`);
    return found;
  };

  it('serves /metrics on every subgraph, with each consumer caught up', async () => {
    const { suite } = running();
    for (const name of ['accounts', 'billing', 'sales', 'documents', 'messaging'] as const) {
      const proc = suite.processes.get(name);
      if (!proc) throw new Error(`no ${name}`);
      const url = proc.url.replace(/\/graphql$/, '/metrics');
      let text = '';
      // Billing, sales, documents and messaging follow others' events; accounts follows
      // billing and sales too when it has consumers. Every reported lag reaches 0.
      await testing.waitUntil(`${name}'s consumers to catch up`, () => {
        void fetch(url)
          .then((r) => r.text())
          .then((t) => (text = t));
        const lags = text
          .split('\n')
          .filter((l) => l.startsWith('portico_event_consumer_lag_events{'));
        return (
          text.includes(`service="${name}"`) &&
          (name === 'accounts' || lags.length > 0) &&
          lags.every((l) => l.endsWith(' 0'))
        );
      });
    }
  });

  // The gateway first, while the subgraphs it calls still answer; then
  // every subgraph at once (each drains on its own).
  it('drains the gateway and exits 0', async () => {
    const { suite, token } = running();
    await checkDrainAndExit(suite, 'gateway', token);
  });

  it('drains every subgraph and exits 0', async () => {
    const { suite, token } = running();
    const names: ProcessName[] = ['accounts', 'billing', 'sales', 'documents', 'messaging'];
    await Promise.all(names.map((name) => checkDrainAndExit(suite, name, token)));
  });
});
