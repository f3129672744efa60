import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const { pdfText } = testing;
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'invoice and statement documents through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let acmeInvoice: { id: string; number: string; pdfUrl: string };
    beforeAll(async () => {
      stack = await startTestStack(target, {
        billingEnv: { PUBLIC_BASE_URL: 'http://placeholder.invalid' },
      });
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      const response = await stack.query(
        '{ invoices(status: [PARTIALLY_PAID], first: 10) { nodes { id number pdfUrl total { amount } } } }',
        { token: alice },
      );
      const nodes = (
        response.body.data as {
          invoices: { nodes: Array<typeof acmeInvoice & { total: { amount: string } }> };
        }
      ).invoices.nodes;
      acmeInvoice = nodes.find((n) => n.total.amount === '1152.00')!;
    });
    afterAll(() => stack?.stop());

    /** The link as the gateway serves it: the configured public base replaced by the test gateway. */
    const viaGateway = (url: string) =>
      url.replace('http://placeholder.invalid', stack.gateway.url.replace(/\/graphql$/, ''));

    it('serves a real PDF of an invoice through a short-lived signed link', async () => {
      expect(acmeInvoice.pdfUrl).toMatch(
        /^http:\/\/placeholder\.invalid\/files\/billing\/invoice\.pdf\?t=[\w-]+&s=[\w-]+$/,
      );
      const response = await fetch(viaGateway(acmeInvoice.pdfUrl));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const { text, pages } = await pdfText(await response.arrayBuffer());
      expect(pages).toBe(1);
      expect(text).toContain(`Invoice ${acmeInvoice.number}`);
      expect(text).toContain('Balance due');
      expect(text).toMatch(/£1,152\.00/);
    });

    it("writes the PDF in the customer's language with its dates and amounts", async () => {
      const response = await stack.query(
        '{ invoices(first: 1) { nodes { number pdfUrl(locale: "es") } } }',
        { token: lucia },
      );
      const node = (
        response.body.data as { invoices: { nodes: Array<{ number: string; pdfUrl: string }> } }
      ).invoices.nodes[0]!;
      const { text } = await pdfText(await (await fetch(viaGateway(node.pdfUrl))).arrayBuffer());
      expect(text).toContain(`Factura ${node.number}`);
      expect(text).toContain('Saldo pendiente');
      expect(text).toMatch(/363,00\s€/);
      expect(text).toMatch(/\d{1,2} de [a-z]+ de \d{4}/);
    });

    it('refuses altered, expired and foreign links with one answer', async () => {
      const { documents } = stack.billing.services;
      const altered = acmeInvoice.pdfUrl.replace(
        /s=([\w-])/,
        (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`,
      );
      const expired = documents.url(
        {
          kind: 'invoice.pdf',
          customerId: DEMO_CUSTOMER_IDS.acme,
          params: { invoiceId: acmeInvoice.id, locale: 'en' },
        },
        Date.now() - 60 * 60_000,
      );
      const foreign = documents.url({
        kind: 'invoice.pdf',
        customerId: DEMO_CUSTOMER_IDS.globex,
        params: { invoiceId: acmeInvoice.id, locale: 'en' },
      });
      const wrongKind = acmeInvoice.pdfUrl.replace('invoice.pdf', 'statement.csv');
      const answers = await Promise.all(
        [altered, expired, foreign, wrongKind].map(async (url) => {
          const response = await fetch(viaGateway(url));
          return { status: response.status, body: await response.text() };
        }),
      );
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(answers[0]!.status).toBe(404);
    });

    it("serves the statement as PDF and as CSV with headers in the customer's language", async () => {
      const response = await stack.query(
        `query ($id: ID!, $from: String!, $to: String!) { customer(id: $id) {
          pdf: statementDocumentUrl(from: $from, to: $to, currency: "EUR", locale: "es")
          csv: statementDocumentUrl(from: $from, to: $to, currency: "EUR", format: CSV, locale: "es")
          statement(from: $from, to: $to, currency: "EUR") { closingBalance { amount } }
        } }`,
        {
          token: lucia,
          variables: { id: DEMO_CUSTOMER_IDS.globex, from: daysAgo(30), to: today() },
        },
      );
      const customer = (
        response.body.data as {
          customer: { pdf: string; csv: string; statement: { closingBalance: { amount: string } } };
        }
      ).customer;
      const pdf = await pdfText(await (await fetch(viaGateway(customer.pdf))).arrayBuffer());
      expect(pdf.text).toContain('Extracto de cuenta');
      expect(pdf.text).toContain('Saldo final');
      const csvResponse = await fetch(viaGateway(customer.csv));
      expect(csvResponse.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (await csvResponse.text()).trim().split('\r\n');
      expect(lines[0]).toBe('Fecha;Documento;Referencia;Importe (EUR);Saldo (EUR)');
      expect(lines[lines.length - 1]).toBe(
        `${today()};Saldo final;;;${customer.statement.closingBalance.amount.replace('.', ',')}`,
      );
      // Without a locale, the customer's own language (Globex: Spanish); asked for, English.
      const firstLine = async (locale: string) => {
        const response = await stack.query(
          `query ($id: ID!, $from: String!, $to: String!) { customer(id: $id) { statementDocumentUrl(from: $from, to: $to, currency: "EUR", format: CSV${locale}) } }`,
          {
            token: lucia,
            variables: { id: DEMO_CUSTOMER_IDS.globex, from: daysAgo(30), to: today() },
          },
        );
        const url = (response.body.data as { customer: { statementDocumentUrl: string } }).customer
          .statementDocumentUrl;
        return (await (await fetch(viaGateway(url))).text()).split('\r\n')[0];
      };
      expect(await firstLine('')).toBe('Fecha;Documento;Referencia;Importe (EUR);Saldo (EUR)');
      expect(await firstLine(', locale: "en"')).toBe(
        'Date,Document,Reference,Amount (EUR),Balance (EUR)',
      );
    });

    const dayBefore = (date: string, days: number) =>
      new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

    it('mints a statement link for exactly the ranges statement accepts, and serves every link it mints', async () => {
      const to = today();
      const cases = [
        { from: daysAgo(30), to, currency: 'EUR' },
        { from: dayBefore(to, 3_660), to, currency: 'EUR' },
        { from: dayBefore(to, 3_661), to, currency: 'EUR' },
        { from: dayBefore(to, 40_000), to, currency: 'EUR' },
        { from: to, to: daysAgo(1), currency: 'EUR' },
        { from: '2026-02-30', to, currency: 'EUR' },
        { from: daysAgo(30), to: '2026-13-01', currency: 'EUR' },
        { from: daysAgo(30), to, currency: 'eur' },
        { from: daysAgo(30), to, currency: 'XYZ' },
      ];
      const outcome = (response: {
        body: { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> };
      }) => {
        const error = response.body.errors?.[0];
        return error
          ? { message: error.message, code: error.extensions?.code, field: error.extensions?.field }
          : 'ok';
      };
      const seen: Array<{
        range: (typeof cases)[number];
        statement: unknown;
        link: unknown;
        served?: number;
      }> = [];
      for (const range of cases) {
        const variables = { id: DEMO_CUSTOMER_IDS.globex, ...range };
        const statement = await stack.query(
          `query ($id: ID!, $from: String!, $to: String!, $currency: String!) { customer(id: $id) {
            statement(from: $from, to: $to, currency: $currency) { closingBalance { amount } } } }`,
          { token: lucia, variables },
        );
        const links = await stack.query(
          `query ($id: ID!, $from: String!, $to: String!, $currency: String!) { customer(id: $id) {
            pdf: statementDocumentUrl(from: $from, to: $to, currency: $currency)
            csv: statementDocumentUrl(from: $from, to: $to, currency: $currency, format: CSV) } }`,
          { token: lucia, variables },
        );
        const entry: (typeof seen)[number] = {
          range,
          statement: outcome(statement),
          link: outcome(links),
        };
        const minted = (links.body.data as { customer: { pdf: string; csv: string } } | null)
          ?.customer;
        if (minted) {
          const statuses = await Promise.all(
            [minted.pdf, minted.csv].map(async (url) => (await fetch(viaGateway(url))).status),
          );
          entry.served = Math.max(...statuses);
        }
        seen.push(entry);
      }
      for (const entry of seen) {
        expect({ range: entry.range, link: entry.link }).toEqual({
          range: entry.range,
          link: entry.statement,
        });
        if (entry.link === 'ok')
          expect({ range: entry.range, served: entry.served }).toEqual({
            range: entry.range,
            served: 200,
          });
      }
      // The table holds both answers: some ranges served, some refused.
      expect(seen.filter((e) => e.link === 'ok')).toHaveLength(2);
      expect(seen[2]!.link).toEqual({
        message: 'a statement covers at most ten years',
        code: 'BAD_USER_INPUT',
        field: 'from',
      });
    });

    it('answers a signed statement link whose range statement refuses with that coded error, not 500', async () => {
      const { documents } = stack.billing.services;
      const answers = await Promise.all(
        (['statement.pdf', 'statement.csv'] as const).map(async (kind) => {
          const url = documents.url({
            kind,
            customerId: DEMO_CUSTOMER_IDS.globex,
            params: { from: dayBefore(today(), 3_661), to: today(), currency: 'EUR', locale: 'en' },
          });
          const response = await fetch(viaGateway(url));
          return { status: response.status, body: (await response.json()) as unknown };
        }),
      );
      for (const answer of answers) {
        expect(answer).toEqual({
          status: 400,
          body: {
            error: 'a statement covers at most ten years',
            code: 'BAD_USER_INPUT',
            field: 'from',
          },
        });
      }
    });

    it('gives no statement link for another customer', async () => {
      const response = await stack.query(
        `{ customer(id: "${DEMO_CUSTOMER_IDS.acme}") { statementDocumentUrl(from: "2026-01-01", to: "2026-02-01", currency: "GBP") } }`,
        { token: lucia },
      );
      expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  },
);
