import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const { pdfText } = testing;
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const ACCEPT =
  'mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { quote { id status } } }';
const DECLINE =
  'mutation ($input: DeclineQuoteInput!) { declineQuote(input: $input) { quote { id status } } }';

interface Outcome {
  data: Record<string, unknown> | null;
  error: { code?: string; reason?: string } | null;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'quotes through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target, {
        salesEnv: { PUBLIC_BASE_URL: 'http://placeholder.invalid' },
      });
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    const viaGateway = (url: string) =>
      url.replace('http://placeholder.invalid', stack.gateway.url.replace(/\/graphql$/, ''));

    async function ask(
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
    ): Promise<Outcome> {
      const response = await stack.query(query, { token, variables });
      const error = response.body.errors?.[0];
      return {
        data: (response.body.data as Record<string, unknown> | null | undefined) ?? null,
        error: error ? (error.extensions as Outcome['error']) : null,
      };
    }

    async function sentQuote(): Promise<string> {
      const created = await ask(
        admin,
        'mutation ($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id } } }',
        {
          input: {
            customerId: DEMO_CUSTOMER_IDS.acme,
            currency: 'GBP',
            expiryDate: inDays(20),
            terms: 'Valid 20 days',
            lines: [
              { description: 'Switches', quantity: '2', unitPrice: '300.00', taxPercent: '20' },
              { description: 'Rack', quantity: '1', unitPrice: '150.00', taxPercent: '20' },
              {
                description: 'Spare switch',
                quantity: '1',
                unitPrice: '300.00',
                taxPercent: '20',
                optional: true,
              },
            ],
          },
        },
      );
      expect(created.error).toBeNull();
      const id = (created.data as { createQuote: { quote: { id: string } } }).createQuote.quote.id;
      expect(
        (
          await ask(
            admin,
            'mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }',
            { id },
          )
        ).error,
      ).toBeNull();
      return id;
    }

    it('lets exactly one of 20 concurrent accepts (choosing the optional line) and declines by a contact win, and stores one decision', async () => {
      const id = await sentQuote();
      const opened = await ask(
        alice,
        'query ($id: ID!) { quote(id: $id) { number status total { amount } lines { id optional } customer { id companyName } } }',
        { id },
      );
      const quote = (
        opened.data as {
          quote: {
            number: string;
            status: string;
            total: { amount: string };
            lines: Array<{ id: string; optional: boolean }>;
            customer: { companyName: string };
          };
        }
      ).quote;
      expect(quote.status).toBe('VIEWED');
      // 2 × 300 + 150, plus 20 % tax; the spare switch is left out of the total.
      expect(quote.total.amount).toBe('900.00');
      expect(quote.customer.companyName).toBe('Acme Supplies Ltd');
      const optional = quote.lines.filter((l) => l.optional).map((l) => l.id);
      expect(optional).toHaveLength(1);
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? ask(alice, ACCEPT, {
                input: {
                  id,
                  revision: 1,
                  signerName: 'Alice Archer',
                  acceptTerms: true,
                  optionalLineIds: optional,
                  customerReference: `ACME-${i}`,
                },
              })
            : ask(alice, DECLINE, {
                input: { id, revision: 1, reasonCode: 'PRICE', reason: `Attempt ${i}` },
              }),
        ),
      );
      const won = attempts.filter((a) => a.error === null);
      expect(won).toHaveLength(1);
      expect(
        attempts
          .filter((a) => a.error !== null)
          .every(
            (a) =>
              a.error!.code === 'BAD_USER_INPUT' && a.error!.reason === 'quote-already-decided',
          ),
      ).toBe(true);
      const rows = (await stack.sales.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM quote_decisions WHERE quoteId = ?',
        [id],
      )) as Array<{ n: number | string }>;
      expect(Number(rows[0]!.n)).toBe(1);
      const staff = await ask(
        admin,
        'query ($id: ID!) { quote(id: $id) { status viewedAt decision { kind optionalLineIds clientAddress revisionSha256 } revisions { sha256 } } }',
        { id },
      );
      const seen = (
        staff.data as {
          quote: {
            status: string;
            viewedAt: string | null;
            decision: {
              kind: string;
              optionalLineIds: string[];
              clientAddress: string | null;
              revisionSha256: string;
            };
            revisions: Array<{ sha256: string }>;
          };
        }
      ).quote;
      expect(seen.viewedAt).not.toBeNull();
      expect(seen.decision.clientAddress).toBeTruthy();
      expect(seen.decision.revisionSha256).toBe(seen.revisions[0]!.sha256);
      if (seen.decision.kind === 'ACCEPTED') {
        expect(seen.status).toBe('ACCEPTED');
        expect(seen.decision.optionalLineIds).toEqual(optional);
      } else {
        expect(seen.status).toBe('DECLINED');
      }
    });

    it('refuses a decision on an expired quote and on a superseded revision', async () => {
      const expired = await ask(lucia, '{ quotes(status: [EXPIRED]) { nodes { id revision } } }');
      const nodes = (expired.data as { quotes: { nodes: Array<{ id: string; revision: number }> } })
        .quotes.nodes;
      expect(nodes.length).toBeGreaterThan(0);
      const refusal = await ask(lucia, ACCEPT, {
        input: {
          id: nodes[0]!.id,
          revision: nodes[0]!.revision,
          signerName: 'Lucía',
          acceptTerms: true,
        },
      });
      expect(refusal.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'quote-expired' });

      const id = await sentQuote();
      expect(
        (
          await ask(
            admin,
            'mutation ($input: ReviseQuoteInput!) { reviseQuote(input: $input) { quote { revision } } }',
            {
              input: {
                id,
                expiryDate: inDays(30),
                lines: [{ description: 'Switches', quantity: '3', unitPrice: '290.00' }],
              },
            },
          )
        ).data,
      ).toEqual({ reviseQuote: { quote: { revision: 2 } } });
      const superseded = await ask(alice, ACCEPT, {
        input: { id, revision: 1, signerName: 'Alice Archer', acceptTerms: true },
      });
      expect(superseded.error).toMatchObject({ reason: 'revision-superseded' });
    });

    it("serves a quote's PDF with both parties through the gateway, and keeps it from another customer", async () => {
      const id = await sentQuote();
      const res = await ask(alice, 'query ($id: ID!) { quote(id: $id) { number pdfUrl } }', { id });
      const { number, pdfUrl } = (res.data as { quote: { number: string; pdfUrl: string } }).quote;
      expect(pdfUrl).toMatch(/^http:\/\/placeholder\.invalid\/files\/sales\/quote\.pdf\?t=/);
      const response = await fetch(viaGateway(pdfUrl));
      expect(response.status).toBe(200);
      const { text } = await pdfText(await response.arrayBuffer());
      expect(text).toContain(number);
      expect(text).toContain('Acme Supplies Ltd');
      const organisation = await ask(alice, '{ organisation { legalName } }');
      expect(text).toContain(
        (organisation.data as { organisation: { legalName: string } }).organisation.legalName,
      );
      const foreign = await ask(lucia, 'query ($id: ID!) { quote(id: $id) { pdfUrl } }', { id });
      expect(foreign.error?.code).toBe('NOT_FOUND');
      const listed = await ask(lucia, '{ quotes(first: 100) { nodes { id } } }');
      expect(
        (listed.data as { quotes: { nodes: Array<{ id: string }> } }).quotes.nodes.map((n) => n.id),
      ).not.toContain(id);
    });
  },
);
