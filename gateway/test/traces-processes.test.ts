import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startSuiteProcesses, type Suite } from './suite-processes';

/**
 * Every service and the gateway as their own processes from their builds,
 * configured only through the standard OTEL_* variables to export OTLP/HTTP
 * JSON to a receiver in this test. The batch delay is far longer than the
 * test: spans arrive only because each process flushes them as it shuts down.
 */
const DASHBOARD = readFileSync(
  join(__dirname, '..', '..', 'scripts', 'bench', 'dashboard.graphql'),
  'utf8',
);
const PASSWORD = 'acme-demo-password';

describe('traces from the real processes', () => {
  let receiver: testing.OtlpReceiver;
  let suite: Suite;

  beforeAll(async () => {
    receiver = await testing.startOtlpReceiver();
    suite = await startSuiteProcesses({
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await suite?.stop();
    await receiver?.close();
  });

  it('sends one trace of the dashboard from the gateway and every subgraph it called, each under its own service.name, flushed at shutdown', async () => {
    const gatewayUrl = suite.processes.get('gateway')?.url as string;
    const post = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return {
        requestId: response.headers.get('x-request-id') ?? '',
        body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown },
      };
    };
    const signedIn = await post(
      'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
      { input: { email: 'alice@acme.example', password: PASSWORD } },
    );
    const token = (signedIn.body.data?.signIn as { accessToken?: string } | undefined)
      ?.accessToken as string;
    expect(token).toEqual(expect.any(String));
    const dashboard = await post(
      DASHBOARD,
      { customerId: DEMO_CUSTOMER_IDS.acme, first: 10 },
      token,
    );
    expect(dashboard.body.errors).toBeUndefined();
    expect((dashboard.body.data?.customer as { companyName?: string }).companyName).toBe(
      'Acme Supplies Ltd',
    );
    // Nothing is exported before shutdown: the batch delay has not passed.
    expect(receiver.spans()).toEqual([]);

    for (const proc of suite.processes.values()) proc.child.kill('SIGTERM');
    const exits = await Promise.all(
      [...suite.processes.values()].map(async (proc) => [proc.name, await proc.exited] as const),
    );
    expect(Object.fromEntries(exits)).toEqual({
      accounts: 0,
      billing: 0,
      sales: 0,
      documents: 0,
      messaging: 0,
      gateway: 0,
    });
    expect(receiver.rejected).toBe(0);

    const spans = receiver.spans();
    const roots = spans.filter(
      (s) =>
        s.kind === 'server' &&
        s.service === 'portico-gateway' &&
        s.attributes['portico.request_id'] === dashboard.requestId,
    );
    expect(roots).toHaveLength(1);
    const root = roots[0];
    expect(root.name).toBe('query Dashboard');
    const trace = spans.filter((s) => s.traceId === root.traceId);
    expect(new Set(trace.map((s) => s.service))).toEqual(
      new Set(['portico-gateway', 'portico-accounts', 'portico-billing', 'portico-sales']),
    );
    const clients = trace.filter((s) => s.service === 'portico-gateway' && s.kind === 'client');
    for (const service of ['accounts', 'billing', 'sales']) {
      const server = trace.find((s) => s.service === `portico-${service}` && s.kind === 'server');
      const client = clients.find((c) => c.spanId === server?.parentSpanId);
      expect(client?.attributes['portico.subgraph']).toBe(service);
      expect(client?.parentSpanId).toBe(root.spanId);
      const sql = trace.filter((s) => s.service === `portico-${service}` && s.kind === 'client');
      expect(sql.length).toBeGreaterThan(0);
      expect(sql.every((s) => s.attributes['db.system'] === 'sqlite')).toBe(true);
    }
    for (const span of trace) {
      expect(span.attributes['portico.request_id']).toBe(dashboard.requestId);
    }

    // The sign-in was traced too (its own trace), and no span anywhere holds a secret.
    expect(
      spans.some(
        (s) =>
          s.service === 'portico-accounts' &&
          s.attributes['portico.request_id'] === signedIn.requestId,
      ),
    ).toBe(true);
    const values = spans.flatMap((s) => Object.values(s.attributes).map((v) => JSON.stringify(v)));
    for (const secret of [token, ...token.split('.'), suite.claimsSecret, PASSWORD]) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
    }
  }, 120_000);
});
