import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { testing } from '@portico/kit';
import { postMultipart } from './live-clients';
import { startTestStack, type TestStack } from './stack-harness';

const METRICS_TOKEN = 'metrics-scrape-token-5f1c0e7a9b';
const ANONYMOUS_PER_MINUTE = 12;

/** The value of the sample `name{labels}` in Prometheus text, or null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const found = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[2]);
  }
  return null;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  '/metrics on the gateway and a subgraph (%s)',
  (_name, target) => {
    let stack: TestStack;
    let staffToken: string;
    const metricsUrl = () => stack.gateway.url.replace(/\/graphql$/, '/metrics');
    const scrape = async (url = metricsUrl()) => {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return response.text();
    };

    beforeAll(async () => {
      stack = await startTestStack(target, {
        gatewayEnv: {
          METRICS_TOKEN,
          RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_PER_MINUTE),
        },
      });
      staffToken = await stack.signIn(
        'admin@portico.example',
        'admin-demo-password',
        'signInStaff',
      );
    });
    afterAll(() => stack?.stop());

    it('refuses a scrape without the token, and says nothing', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${METRICS_TOKEN}`]) {
        const response = await fetch(metricsUrl(), {
          headers: authorization ? { authorization } : {},
        });
        const text = await response.text();
        expect(response.status).toBe(401);
        expect(text).not.toContain('portico_');
      }
    });

    it('counts requests by operation and outcome, times them and the subgraph calls', async () => {
      const subgraphMetrics = stack.messaging.url.replace(/\/graphql$/, '/metrics');
      const before = await scrape();
      const subgraphBefore = await scrape(subgraphMetrics);
      const ok = { operation: 'MetricsProbe', outcome: 'ok' };
      for (let i = 0; i < 3; i++) {
        const answer = await stack.query('query MetricsProbe { unreadCount }', {
          token: staffToken,
        });
        expect(answer.body.errors).toBeUndefined();
      }
      const after = await scrape();
      const count = (text: string) => sample(text, 'portico_graphql_requests_total', ok) ?? 0;
      expect(count(after) - count(before)).toBe(3);
      const seconds = (text: string, suffix: string) =>
        sample(text, `portico_graphql_request_duration_seconds_${suffix}`, ok) ?? 0;
      expect(seconds(after, 'count') - seconds(before, 'count')).toBe(3);
      const sum = seconds(after, 'sum') - seconds(before, 'sum');
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan(30);
      const calls = (text: string) =>
        sample(text, 'portico_subgraph_request_duration_seconds_count', {
          subgraph: 'messaging',
          outcome: 'ok',
        }) ?? 0;
      expect(calls(after) - calls(before)).toBe(3);

      // The subgraph counts the same three under the name the gateway's plan gave them.
      const subgraphAfter = await scrape(subgraphMetrics);
      const subgraphOk = (text: string) =>
        text
          .split('\n')
          .filter(
            (l) =>
              l.startsWith('portico_graphql_requests_total{') &&
              l.includes('outcome="ok"') &&
              l.includes('operation="MetricsProbe'),
          )
          .reduce((total, l) => total + Number(l.split(' ').pop()), 0);
      expect(subgraphOk(subgraphAfter) - subgraphOk(subgraphBefore)).toBe(3);
      expect(
        sample(subgraphAfter, 'portico_db_transactions_waiting', { service: 'messaging' }),
      ).toBe(0);
      if (target.name === 'mariadb') {
        expect(
          sample(subgraphAfter, 'portico_db_pool_connections', { state: 'idle' }),
        ).toBeGreaterThan(0);
      }
    });

    it('gives every server its event loop active time, growing between scrapes', async () => {
      const urls = {
        gateway: metricsUrl(),
        accounts: stack.accounts.running.url,
        billing: stack.billing.url,
        sales: stack.sales.url,
        documents: stack.documents.url,
        messaging: stack.messaging.url,
      };
      for (const [service, graphqlUrl] of Object.entries(urls)) {
        const url = graphqlUrl.replace(/\/graphql$/, '/metrics');
        const first = sample(await scrape(url), 'portico_event_loop_active_seconds_total', {
          service,
        });
        expect(first).toBeGreaterThan(0);
        const second = sample(await scrape(url), 'portico_event_loop_active_seconds_total', {
          service,
        });
        // Answering the first scrape kept the loop busy for some time.
        expect(second).toBeGreaterThan(first as number);
      }
    });

    it('labels only parsed operation names, and counts errors by code', async () => {
      const before = await scrape();
      const unparsed = await stack.query('query SecretLookingName { unreadCount', {
        token: staffToken,
        operationName: 'SecretLookingName',
      });
      expect(unparsed.status).toBe(400);
      const after = await scrape();
      expect(after).not.toContain('SecretLookingName');
      const errors = (text: string) =>
        sample(text, 'portico_graphql_errors_total', { code: 'GRAPHQL_PARSE_FAILED' }) ?? 0;
      expect(errors(after) - errors(before)).toBe(1);
    });

    it('labels a multipart subscription with its operation name, not unparsed', async () => {
      const requests = (text: string, operation: string) =>
        text
          .split('\n')
          .filter(
            (l) =>
              l.startsWith('portico_graphql_requests_total{') &&
              l.includes(`operation="${operation}"`),
          )
          .reduce((total, l) => total + Number(l.split(' ').pop()), 0);
      const before = await scrape();
      const response = await postMultipart(stack.gateway.url, staffToken, {
        query: 'subscription MultipartProbe { orderChanged { cursor } }',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
      // The request is counted when it ends: the client hangs up.
      await response.body?.cancel();
      let after = '';
      await testing.waitUntil('the multipart request to be counted', () => {
        void scrape().then((t) => (after = t));
        return requests(after, 'MultipartProbe') - requests(before, 'MultipartProbe') === 1;
      });
      expect(requests(after, 'unparsed')).toBe(requests(before, 'unparsed'));
    });

    it('counts a rate-limited refusal', async () => {
      const before = await scrape();
      const refusals = (text: string) =>
        sample(text, 'portico_rate_limit_refusals_total', { route: 'graphql' }) ?? 0;
      let refused = 0;
      let tries = 0;
      while (refused === 0 && tries < ANONYMOUS_PER_MINUTE + 2) {
        tries += 1;
        const answer = await stack.query('query Anonymous { __typename }');
        if (answer.status === 429) refused += 1;
      }
      expect(refused).toBe(1);
      const after = await scrape();
      expect(refusals(after) - refusals(before)).toBe(1);
      expect(
        (sample(after, 'portico_graphql_requests_total', {
          operation: 'unparsed',
          outcome: 'refused',
        }) ?? 0) -
          (sample(before, 'portico_graphql_requests_total', {
            operation: 'unparsed',
            outcome: 'refused',
          }) ?? 0),
      ).toBe(1);
    });

    it('shows open subscriptions on the gateway and on the subgraph serving them', async () => {
      const client = createClient({
        url: stack.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${staffToken}` },
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
      });
      const unsubscribe = client.subscribe(
        { query: 'subscription { orderChanged { cursor } }' },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      try {
        const salesMetrics = stack.sales.url.replace(/\/graphql$/, '/metrics');
        let gateway = '';
        let sales = '';
        await testing.waitUntil('both to show the subscription', () => {
          void scrape().then((t) => (gateway = t));
          void scrape(salesMetrics).then((t) => (sales = t));
          return (
            sample(gateway, 'portico_subscription_sockets_open') === 1 &&
            sample(gateway, 'portico_upstream_subscriptions_open') === 1 &&
            sample(sales, 'portico_subscriptions_open') === 1
          );
        });
      } finally {
        unsubscribe();
        await client.dispose();
      }
    });

    it('shows each consumer caught up, and carries no secret', async () => {
      const billingMetrics = stack.billing.url.replace(/\/graphql$/, '/metrics');
      let text = '';
      await testing.waitUntil('billing to report its consumers caught up', () => {
        void scrape(billingMetrics).then((t) => (text = t));
        const lags = text
          .split('\n')
          .filter((l) => l.startsWith('portico_event_consumer_lag_events{'));
        return lags.length >= 2 && lags.every((l) => l.endsWith(' 0'));
      });
      expect(text).toContain('producer="accounts"');
      const gatewayText = await scrape();
      for (const secret of [
        METRICS_TOKEN,
        testing.TEST_CLAIMS_SECRET,
        staffToken,
        'admin-demo-password',
      ]) {
        expect(gatewayText).not.toContain(secret);
        expect(text).not.toContain(secret);
      }
    });
  },
);
