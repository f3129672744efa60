import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testing, type testing as kitTesting } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const DASHBOARD = readFileSync(
  join(__dirname, '..', '..', 'scripts', 'bench', 'dashboard.graphql'),
  'utf8',
);
const PASSWORD = 'acme-demo-password';

type Span = kitTesting.RecordedSpan;

/** Every string an attribute holds, arrays flattened. */
function attributeStrings(spans: Span[]): string[] {
  return spans.flatMap((span) =>
    Object.values(span.attributes).flatMap((value) =>
      (Array.isArray(value) ? value : [value]).map((v) => String(v)),
    ),
  );
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'traces of a gateway request (%s)',
  (_name, target) => {
    const traces = testing.createMemoryTraces();
    let stack: TestStack;
    let token: string;

    beforeAll(async () => {
      stack = await startTestStack(target, { tracing: traces.tracingFor });
      token = await stack.signIn('alice@acme.example', PASSWORD);
    });
    afterAll(() => stack?.stop());

    /** Sends one request and waits until the gateway's server span for it has ended. */
    const traced = async (
      query: string,
      variables: Record<string, unknown>,
      options: { bearer?: string; headers?: Record<string, string> } = {},
    ) => {
      traces.clear();
      const response = await stack.query(query, {
        token: options.bearer ?? token,
        variables,
        headers: options.headers,
      });
      const requestId = response.headers.get('x-request-id') ?? '';
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const root = () =>
        traces
          .spans()
          .find(
            (s) =>
              s.service === 'portico-gateway' &&
              s.kind === 'server' &&
              s.attributes['portico.request_id'] === requestId,
          );
      await testing.waitUntil('the gateway server span', () => root() !== undefined, 20_000);
      const rootSpan = root() as Span;
      return { response, requestId, root: rootSpan };
    };

    it('follows the dashboard from the gateway through every subgraph it called to their SQL, in one trace', async () => {
      const customerId = stack.accounts.demo.acmeId;
      const { response, requestId, root } = await traced(DASHBOARD, { customerId, first: 10 });
      expect(response.body.errors).toBeUndefined();
      expect(
        (response.body.data as { customer: { companyName: string } }).customer.companyName,
      ).toBe('Acme Supplies Ltd');
      expect(root.name).toBe('query Dashboard');
      expect(root.parentSpanId).toBeUndefined();
      expect(root.attributes).toMatchObject({
        'graphql.operation.name': 'Dashboard',
        'graphql.operation.type': 'query',
        'portico.outcome': 'ok',
        'portico.principal_kind': 'contact',
        'http.response.status_code': 200,
      });

      // Subgraph and SQL spans end before the gateway answers; the span of
      // the last subgraph response may still be closing: wait for the counts to settle.
      const inTrace = () => traces.spans().filter((s) => s.traceId === root.traceId);
      const clientsOf = () =>
        inTrace().filter((s) => s.service === 'portico-gateway' && s.kind === 'client');
      await testing.waitUntil(
        'a subgraph server span under every gateway client span',
        () =>
          clientsOf().every((client) =>
            inTrace().some((s) => s.kind === 'server' && s.parentSpanId === client.spanId),
          ),
        20_000,
      );
      const spans = inTrace();
      const clients = clientsOf();
      const called = new Set(clients.map((s) => s.attributes['portico.subgraph']));
      // The dashboard reads accounts (viewer, customer), billing and sales.
      expect([...called].sort()).toEqual(['accounts', 'billing', 'sales']);
      for (const client of clients) {
        expect(client.parentSpanId).toBe(root.spanId);
        expect(client.name).toBe(client.attributes['portico.subgraph']);
      }

      const servers = spans.filter((s) => s.kind === 'server' && s.service !== 'portico-gateway');
      expect(servers).toHaveLength(clients.length);
      for (const server of servers) {
        const client = clients.find((c) => c.spanId === server.parentSpanId);
        expect(client).toBeDefined();
        expect(server.service).toBe(`portico-${String(client?.attributes['portico.subgraph'])}`);
        expect(server.attributes['portico.outcome']).toBe('ok');
        expect(server.name).toMatch(/^query Dashboard__\w+__\d+$/);
      }
      expect(new Set(servers.map((s) => s.service))).toEqual(
        new Set(['portico-accounts', 'portico-billing', 'portico-sales']),
      );

      // SQL: each subgraph's statements hang under its own server span.
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const serverOf = (span: Span): Span | undefined => {
        let at: Span | undefined = span;
        while (at && !(at.kind === 'server'))
          at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined;
        return at;
      };
      const sql = spans.filter((s) => s.attributes['db.system'] !== undefined);
      const system = target.name === 'sqlite' ? 'sqlite' : 'mariadb';
      for (const service of ['portico-accounts', 'portico-billing', 'portico-sales']) {
        const own = sql.filter((s) => s.service === service);
        expect(own.length).toBeGreaterThan(0);
        for (const statement of own) {
          expect(serverOf(statement)?.service).toBe(service);
          expect(statement.kind).toBe('client');
          expect(statement.attributes['db.system']).toBe(system);
          expect(statement.attributes['db.operation']).toBe(statement.name);
        }
      }
      expect(sql.some((s) => s.attributes['db.operation'] === 'SELECT')).toBe(true);
      // Statements are recorded with their placeholders, not their values.
      expect(sql.some((s) => String(s.attributes['db.query.text']).includes('?'))).toBe(true);

      // Every span of the request carries its id; nothing else is in the trace.
      for (const span of spans) expect(span.attributes['portico.request_id']).toBe(requestId);
      expect(spans.length).toBe(1 + clients.length + servers.length + sql.length);

      const values = attributeStrings(traces.spans());
      const secrets = [
        token,
        ...token.split('.'),
        testing.TEST_CLAIMS_SECRET,
        PASSWORD,
        customerId,
      ];
      for (const secret of secrets) {
        expect(values.filter((v) => v.includes(secret))).toEqual([]);
      }
    });

    it('starts its own trace whatever traceparent a client sends, and marks a refusal', async () => {
      const foreignTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      const { root } = await traced(
        '{ viewer { kind } }',
        {},
        {
          bearer: 'not-a-token',
          headers: { traceparent: `00-${foreignTrace}-00f067aa0ba902b7-01` },
        },
      );
      expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(root.traceId).not.toBe(foreignTrace);
      expect(root.parentSpanId).toBeUndefined();
      expect(root.attributes['portico.outcome']).toBe('refused');
      expect(root.attributes['portico.error_codes']).toEqual(['UNAUTHENTICATED']);
      expect(root.status).toBe('error');
      expect(traces.spans().filter((s) => s.traceId === root.traceId)).toHaveLength(1);
    });

    it('records background SQL (event feeds, outbox) in no trace', async () => {
      traces.clear();
      // Followers poll their feeds continuously; give them time to run statements.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(traces.spans().filter((s) => s.attributes['db.system'] !== undefined)).toEqual([]);
    });
  },
);
