import { randomUUID } from 'node:crypto';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { SUBGRAPH_NAMES, startSuiteProcesses, type Suite } from './suite-processes';

/**
 * Logs and metrics carry no secrets, tokens or message bodies: every process
 * of the suite, as `npm start` runs it and logging at its most talkative
 * level, goes through a sign-in, a refused sign-in, a token refresh, a
 * comment, a payment and a request with a forged token; then neither what any
 * process wrote nor any `/metrics` answer contains one of the values used.
 */

const PASSWORD = 'acme-demo-password';
const METRICS_TOKEN = `metrics-${randomUUID()}`;

describe('secrets hygiene of the suite processes', () => {
  let suite: Suite;
  let gatewayUrl: string;

  beforeAll(async () => {
    suite = await startSuiteProcesses({
      env: { METRICS_TOKEN, LOG_LEVEL: 'debug', PAYMENTS_PROVIDER: 'sandbox' },
    });
    gatewayUrl = suite.processes.get('gateway')!.url;
  }, 180_000);
  afterAll(() => suite?.stop());

  const ask = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await testing.postGraphQL(gatewayUrl, query, {
      variables,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return response;
  };
  const dataOf = <T>(response: testing.GraphQLResponse, field: string): T => {
    const data = response.body.data as Record<string, T> | null | undefined;
    if (!data?.[field]) throw new Error(`${field} failed: ${response.text}`);
    return data[field];
  };

  it('writes none of the secrets, tokens or bodies it handled to logs or metrics', async () => {
    const wrongPassword = `wrong-password-${randomUUID()}`;
    const commentBody = `a distinctive comment body ${randomUUID()}`;
    const idempotencyKey = `hygiene-pay-${randomUUID()}`;
    const forgedToken = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(randomUUID()).toString('base64url')}.forged`;
    const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken } }`;

    const refused = await ask(SIGN_IN, {
      input: { email: 'alice@acme.example', password: wrongPassword },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBeDefined();

    const first = dataOf<{ accessToken: string; refreshToken: string }>(
      await ask(SIGN_IN, { input: { email: 'alice@acme.example', password: PASSWORD } }),
      'signIn',
    );
    const refreshed = dataOf<{ accessToken: string; refreshToken: string }>(
      await ask(
        'mutation ($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }',
        { input: { refreshToken: first.refreshToken } },
      ),
      'refreshSession',
    );
    const token = refreshed.accessToken;

    const posted = dataOf<{ comment: { body: string } }>(
      await ask(
        'mutation PostComment($input: PostCommentInput!) { postComment(input: $input) { comment { body } } }',
        { input: { threadId: `general:${DEMO_CUSTOMER_IDS.acme}`, body: commentBody } },
        token,
      ),
      'postComment',
    );
    expect(posted.comment.body).toBe(commentBody);

    const invoices = dataOf<{ nodes: Array<{ id: string }> }>(
      await ask('{ invoices(first: 1, status: [SENT, OVERDUE]) { nodes { id } } }', {}, token),
      'invoices',
    );
    expect(invoices.nodes.length).toBe(1);
    const paid = dataOf<{ succeeded: boolean }>(
      await ask(
        'mutation ($input: PayInvoicesInput!) { payInvoices(input: $input) { succeeded } }',
        {
          input: {
            invoices: [{ invoiceId: invoices.nodes[0]!.id }],
            paymentMethod: 'tok_visa',
            idempotencyKey,
          },
        },
        token,
      ),
      'payInvoices',
    );
    expect(paid.succeeded).toBe(true);

    const forged = await ask('{ viewer { __typename } }', {}, forgedToken);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Metrics of every process; the gateway's only with its token.
    const metrics = new Map<string, string>();
    for (const name of [...SUBGRAPH_NAMES, 'gateway'] as const) {
      const url = suite.processes.get(name)!.url.replace(/\/graphql$/, '/metrics');
      const response = await fetch(url, {
        headers: name === 'gateway' ? { authorization: `Bearer ${METRICS_TOKEN}` } : {},
      });
      expect([name, response.status]).toEqual([name, 200]);
      const text = await response.text();
      expect(text).toContain('# HELP');
      metrics.set(name, text);
    }
    // The mutations were counted: the metrics saw the requests whose values they must not hold.
    expect(metrics.get('gateway')).toContain('PostComment');

    // Events and notifications that follow the mutations log too: give them time.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const secrets: Record<string, string> = {
      password: PASSWORD,
      'wrong password': wrongPassword,
      'first access token': first.accessToken,
      'first refresh token': first.refreshToken,
      'access token': refreshed.accessToken,
      'refresh token': refreshed.refreshToken,
      'forged token': forgedToken,
      'claims secret': suite.claimsSecret,
      'metrics token': METRICS_TOKEN,
      'comment body': commentBody,
      'idempotency key': idempotencyKey,
    };
    const leaks: string[] = [];
    for (const [name, proc] of suite.processes) {
      const output = proc.output();
      // The processes did log at debug level: the check looks at real output.
      expect([name, output.length > 0]).toEqual([name, true]);
      for (const [what, value] of Object.entries(secrets)) {
        if (output.includes(value)) leaks.push(`${name} log: ${what}`);
        if (metrics.get(name)?.includes(value)) leaks.push(`${name} /metrics: ${what}`);
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
