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
      expect(text).toMatch(/1076,90\s€/);
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
      const english = await stack.query(
        `query ($id: ID!, $from: String!, $to: String!) { customer(id: $id) { statementDocumentUrl(from: $from, to: $to, currency: "EUR", format: CSV) } }`,
        {
          token: lucia,
          variables: { id: DEMO_CUSTOMER_IDS.globex, from: daysAgo(30), to: today() },
        },
      );
      const url = (english.body.data as { customer: { statementDocumentUrl: string } }).customer
        .statementDocumentUrl;
      expect((await (await fetch(viaGateway(url))).text()).split('\r\n')[0]).toBe(
        'Date,Document,Reference,Amount (EUR),Balance (EUR)',
      );
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
