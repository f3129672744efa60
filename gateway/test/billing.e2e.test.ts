import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const INVOICE_FIELDS = `id number status currency issueDate dueDate
  total { amount currency } amountPaid { amount } creditsApplied { amount } balanceDue { amount }
  lines { position description quantity unitPrice { amount } taxPercent tax { amount } total { amount } }
  paymentAllocations { amount { amount } payment { method reference } }
  creditApplications { amount { amount } creditNote { number } }
  customer { id companyName }`;

interface InvoiceNode {
  id: string;
  number: string;
  status: string;
  total: { amount: string };
  balanceDue: { amount: string };
  customer: { companyName: string };
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'billing through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    async function invoicesOf(token: string, args = 'first: 50'): Promise<InvoiceNode[]> {
      const response = await stack.query(
        `{ invoices(${args}) { nodes { ${INVOICE_FIELDS} } pageInfo { hasNextPage } } }`,
        { token },
      );
      if (response.body.errors) throw new Error(response.text);
      return (response.body.data as { invoices: { nodes: InvoiceNode[] } }).invoices.nodes;
    }

    it('shows a contact its own issued invoices with lines, payments, credits and the customer from accounts', async () => {
      const nodes = await invoicesOf(alice);
      // Five months of demo billing: paid, partly paid, overdue in every aging bucket, current.
      expect(nodes).toHaveLength(7);
      expect(nodes.every((n) => n.customer.companyName === 'Acme Supplies Ltd')).toBe(true);
      expect(nodes.map((n) => [n.total.amount, n.balanceDue.amount, n.status]).sort()).toEqual([
        ['1008.00', '1008.00', 'OVERDUE'],
        ['1152.00', '652.00', 'PARTIALLY_PAID'],
        ['1440.00', '1440.00', 'SENT'],
        ['1725.00', '1665.00', 'OVERDUE'],
        ['2580.00', '0.00', 'PAID'],
        ['300.00', '300.00', 'OVERDUE'],
        ['912.00', '612.00', 'OVERDUE'],
      ]);
      const partlyPaid = (
        await stack.query(`query ($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} } }`, {
          token: alice,
          variables: { id: nodes.find((n) => n.total.amount === '1152.00')!.id },
        })
      ).body.data as { invoice: { lines: unknown[]; paymentAllocations: unknown[] } };
      expect(partlyPaid.invoice.lines).toEqual([
        {
          position: 1,
          description: 'Hardware: rack switches',
          quantity: '2',
          unitPrice: { amount: '480.00' },
          taxPercent: '20',
          tax: { amount: '192.00' },
          total: { amount: '1152.00' },
        },
      ]);
      expect(partlyPaid.invoice.paymentAllocations).toEqual([
        {
          amount: { amount: '500.00' },
          payment: { method: 'BANK_TRANSFER', reference: 'ACME-TRX-5531' },
        },
      ]);
    });

    it('never shows drafts to a contact, and filters by status and number', async () => {
      const globex = await invoicesOf(lucia);
      expect(globex.map((n) => n.status)).toEqual(['SENT', 'OVERDUE', 'PAID']);
      const staffView = await invoicesOf(
        admin,
        `customerId: "${DEMO_CUSTOMER_IDS.globex}", first: 50`,
      );
      expect(staffView.map((n) => n.status).sort()).toEqual(['DRAFT', 'OVERDUE', 'PAID', 'SENT']);
      const partly = await invoicesOf(alice, 'status: [PARTIALLY_PAID], first: 50');
      // The partly paid invoice past its due date counts as overdue.
      expect(partly).toHaveLength(1);
      const byNumber = await invoicesOf(
        alice,
        `search: "${partly[0]!.number.slice(-5)}", first: 50`,
      );
      expect(byNumber.map((n) => n.id)).toEqual([partly[0]!.id]);
      const big = await stack.query('{ invoices(first: 500) { nodes { id } } }', { token: alice });
      expect(big.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it("answers another customer's invoice exactly like a missing one", async () => {
      const acmeInvoice = (await invoicesOf(alice))[0]!.id;
      const query = 'query ($id: ID!) { invoice(id: $id) { id number total { amount } } }';
      const foreign = await stack.query(query, { token: lucia, variables: { id: acmeInvoice } });
      const missing = await stack.query(query, { token: lucia, variables: { id: MISSING_ID } });
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const acmeAsGlobex = await stack.query(
        `{ invoices(customerId: "${DEMO_CUSTOMER_IDS.acme}") { nodes { id } } }`,
        { token: lucia },
      );
      expect(acmeAsGlobex.body).toEqual({
        errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }],
      });
    });

    it('records the first time a contact opens an invoice, for staff to see', async () => {
      const id = (await invoicesOf(lucia))[0]!.id;
      const viewed = async () =>
        (
          (
            await stack.query('query ($id: ID!) { invoice(id: $id) { viewedAt } }', {
              token: admin,
              variables: { id },
            })
          ).body.data as {
            invoice: { viewedAt: string | null };
          }
        ).invoice.viewedAt;
      expect(await viewed()).toBeNull();
      await stack.query('query ($id: ID!) { invoice(id: $id) { number } }', {
        token: lucia,
        variables: { id },
      });
      const first = await viewed();
      expect(first).not.toBeNull();
      await stack.query('query ($id: ID!) { invoice(id: $id) { number } }', {
        token: lucia,
        variables: { id },
      });
      expect(await viewed()).toBe(first);
      const asContact = await stack.query('query ($id: ID!) { invoice(id: $id) { viewedAt } }', {
        token: lucia,
        variables: { id },
      });
      expect(asContact.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('shows payment and credit history: allocations, refunds, credits apart from cash', async () => {
      const invoiceId = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.globex,
        currency: 'EUR',
        unitPrice: '80.00',
      });
      const staff = (query: string, variables: Record<string, unknown>) =>
        stack.query(query, { token: admin, variables });
      const recorded = await staff(
        'mutation ($c: ID!, $i: ID!) { recordPayment(input: { customerId: $c, currency: "EUR", amount: "100.00", method: BANK_TRANSFER, reference: "GLX-777", receivedOn: "2026-01-05", allocations: [{ invoiceId: $i, amount: "50.00" }] }) { payment { id } } }',
        { c: DEMO_CUSTOMER_IDS.globex, i: invoiceId },
      );
      const paymentId = (recorded.body.data as { recordPayment: { payment: { id: string } } })
        .recordPayment.payment.id;
      await staff(
        'mutation ($p: ID!) { refundPayment(input: { paymentId: $p, amount: "60.00", reason: "Overpaid" }) { refund { id } } }',
        { p: paymentId },
      );
      const note = await staff(
        'mutation ($c: ID!) { createCreditNote(input: { customerId: $c, currency: "EUR", reason: "Goodwill", lines: [{ description: "Abono", quantity: "1", unitPrice: "30.00" }] }) { creditNote { id } } }',
        { c: DEMO_CUSTOMER_IDS.globex },
      );
      const noteId = (note.body.data as { createCreditNote: { creditNote: { id: string } } })
        .createCreditNote.creditNote.id;
      await staff(
        'mutation ($n: ID!, $i: ID!) { applyCreditNote(input: { creditNoteId: $n, invoiceId: $i, amount: "20.00" }) { application { id } } }',
        {
          n: noteId,
          i: invoiceId,
        },
      );
      const response = await stack.query(
        `query ($id: ID!, $inv: ID!) {
          customer(id: $id) {
            payments(first: 10) { reference status amount { amount } unallocated { amount } allocations { amount { amount } isRefundReversal } refunds { amount { amount } reason } }
            creditNotes(first: 10) { number total { amount } remaining { amount } lines { description } applications { amount { amount } invoice { id } } }
          }
          invoice(id: $inv) { amountPaid { amount } creditsApplied { amount } balanceDue { amount } status }
        }`,
        { token: lucia, variables: { id: DEMO_CUSTOMER_IDS.globex, inv: invoiceId } },
      );
      expect(response.body.errors).toBeUndefined();
      const data = response.body.data as {
        customer: {
          payments: Array<Record<string, unknown>>;
          creditNotes: Array<Record<string, unknown>>;
        };
        invoice: Record<string, unknown>;
      };
      expect(data.customer.payments.find((p) => p.reference === 'GLX-777')).toEqual({
        reference: 'GLX-777',
        status: 'PARTIALLY_REFUNDED',
        amount: { amount: '100.00' },
        unallocated: { amount: '0.00' },
        allocations: [
          { amount: { amount: '50.00' }, isRefundReversal: false },
          { amount: { amount: '-10.00' }, isRefundReversal: true },
        ],
        refunds: [{ amount: { amount: '60.00' }, reason: 'Overpaid' }],
      });
      expect(data.customer.creditNotes[0]).toMatchObject({
        total: { amount: '30.00' },
        remaining: { amount: '10.00' },
        lines: [{ description: 'Abono' }],
        applications: [{ amount: { amount: '20.00' }, invoice: { id: invoiceId } }],
      });
      // cash paid and credits applied are shown apart
      expect(data.invoice).toEqual({
        amountPaid: { amount: '40.00' },
        creditsApplied: { amount: '20.00' },
        balanceDue: { amount: '20.00' },
        status: 'PARTIALLY_PAID',
      });
      const inRange = await invoicesOf(
        lucia,
        `issuedFrom: "${new Date().toISOString().slice(0, 10)}", first: 50`,
      );
      const beforeRange = await invoicesOf(lucia, 'issuedTo: "2000-01-01", first: 50');
      expect(inRange.map((n) => n.id)).toContain(invoiceId);
      expect(beforeRange).toEqual([]);
    });

    it('joins balance, last payment and statement onto the accounts customer', async () => {
      const response = await stack.query(
        `query ($id: ID!, $from: String!, $to: String!) { customer(id: $id) {
          companyName
          balance { currency outstanding { amount } overdue { amount } unusedCredits { amount } unappliedPayments { amount } }
          lastPayment { reference amount { amount currency } }
          statement(from: $from, to: $to, currency: "GBP") { openingBalance { amount } closingBalance { amount } invoiced { amount } paid { amount } credited { amount } refunded { amount } entries { kind } aging { current { amount } } }
        } }`,
        {
          token: alice,
          variables: {
            id: DEMO_CUSTOMER_IDS.acme,
            from: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
            to: new Date().toISOString().slice(0, 10),
          },
        },
      );
      expect(response.body.errors).toBeUndefined();
      const customer = (response.body.data as { customer: Record<string, unknown> }).customer;
      expect(customer.balance).toEqual([
        {
          currency: 'GBP',
          outstanding: { amount: '5677.00' },
          overdue: { amount: '3585.00' },
          unusedCredits: { amount: '60.00' },
          unappliedPayments: { amount: '0.00' },
        },
      ]);
      expect(customer.lastPayment).toEqual({
        reference: 'ACME-TRX-5531',
        amount: { amount: '600.00', currency: 'GBP' },
      });
      const statement = customer.statement as Record<string, { amount: string }>;
      // Opening 3645.00: 6525.00 invoiced before the period (July to November) less 2880.00
      // paid; then 2592.00 invoiced, 600.00 paid, 120.00 credited (the whole note, 60.00 of it
      // unapplied) and 100.00 refunded: 3645 + 2592 − 600 − 120 + 100 = 5617.00.
      expect([
        statement.openingBalance!.amount,
        statement.invoiced!.amount,
        statement.paid!.amount,
        statement.credited!.amount,
        statement.closingBalance!.amount,
      ]).toEqual(['3645.00', '2592.00', '600.00', '120.00', '5617.00']);
    });
  },
);

describe('SQL statements for an invoice list', () => {
  const sqlite = testing.databaseTargets(process.env).find((t) => t.name === 'sqlite')!;
  let stack: TestStack;
  let admin: string;
  beforeAll(async () => {
    stack = await startTestStack(sqlite);
    admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const { invoices, payments } = stack.billing.services;
    const dueDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 100; i += 1) {
      const draft = await invoices.createDraft({
        customerId: DEMO_CUSTOMER_IDS.globex,
        currency: 'EUR',
        dueDate,
        lines: [
          { description: `Item ${i}`, quantity: '1', unitPrice: '10.00', taxPercent: '21' },
          { description: `Service ${i}`, quantity: '2', unitPrice: '5.00' },
        ],
      });
      const invoice = await invoices.issue(draft.id);
      await payments.recordOffline('staff', {
        customerId: DEMO_CUSTOMER_IDS.globex,
        currency: 'EUR',
        amount: '1.00',
        method: 'cash',
        receivedOn: new Date().toISOString().slice(0, 10),
        allocations: [{ invoiceId: invoice.id, amount: '1.00' }],
      });
    }
  });
  afterAll(() => stack?.stop());

  async function statementsFor(
    first: number,
  ): Promise<{ billing: number; accounts: number; nodes: number }> {
    stack.billingQueries.length = 0;
    stack.accounts.queries.length = 0;
    const response = await stack.query(
      `{ invoices(customerId: "${DEMO_CUSTOMER_IDS.globex}", first: ${first}) { nodes { ${INVOICE_FIELDS} } } }`,
      { token: admin },
    );
    if (response.body.errors) throw new Error(response.text);
    // The session check (remembered after the first request), the revocation
    // log's once-a-second poll and the events machinery (the sequencer's poll,
    // the head each feed answer carries, consumers' cursors) are not the list's cost.
    const selects = (queries: string[]) =>
      queries.filter(
        (q) => /^\s*SELECT/i.test(q) && !/\b(sessions|revocations)\b|\bevent_\w+/.test(q),
      ).length;
    return {
      billing: selects(stack.billingQueries),
      accounts: selects(stack.accounts.queries),
      nodes: (response.body.data as { invoices: { nodes: unknown[] } }).invoices.nodes.length,
    };
  }

  it('does not grow with the page: 10 and 100 invoices with lines, payments and customer cost the same', async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect([ten.nodes, hundred.nodes]).toEqual([10, 100]);
    expect(hundred.billing).toBe(ten.billing);
    expect(hundred.accounts).toBe(ten.accounts);
    process.stdout.write(
      `invoice list SQL statements: billing ${hundred.billing}, accounts ${hundred.accounts} (10 and 100 invoices alike)\n`,
    );
    expect(hundred.billing).toBeLessThanOrEqual(8);
  });
});
