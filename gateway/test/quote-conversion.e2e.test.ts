import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

interface Outcome<T> {
  data: T | null;
  error: { code?: string; reason?: string; field?: string } | null;
}

const CHAIN = `query ($id: ID!) {
  quote(id: $id) {
    number status
    purchaseOrder {
      number status customerReference
      lines { description quantity }
      quote { number }
      invoices { number total { amount currency } purchaseOrder { number } quote { number } }
    }
    invoices { number }
  }
}`;

interface Chain {
  quote: {
    number: string;
    status: string;
    purchaseOrder: {
      number: string;
      status: string;
      customerReference: string | null;
      lines: Array<{ description: string; quantity: string }>;
      quote: { number: string };
      invoices: Array<{
        number: string;
        total: { amount: string; currency: string };
        purchaseOrder: { number: string };
        quote: { number: string };
      }>;
    } | null;
    invoices: Array<{ number: string }>;
  };
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'an accepted quote becomes an order and an invoice, through the gateway on %s',
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

    async function ask<T = Record<string, unknown>>(
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
    ): Promise<Outcome<T>> {
      const response = await stack.query(query, { token, variables });
      const error = response.body.errors?.[0];
      return {
        data: (response.body.data as T | null | undefined) ?? null,
        error: error ? (error.extensions as Outcome<T>['error']) : null,
      };
    }

    /** A sent quote for Acme: two required lines and an optional one. */
    async function sentQuote(): Promise<{ id: string; optionalLineId: string }> {
      const created = await ask<{ createQuote: { quote: { id: string } } }>(
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
      const id = created.data!.createQuote.quote.id;
      const sent = await ask<{
        sendQuote: { quote: { lines: Array<{ id: string; optional: boolean }> } };
      }>(
        admin,
        'mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { lines { id optional } } } }',
        { id },
      );
      expect(sent.error).toBeNull();
      const optional = sent.data!.sendQuote.quote.lines.find((l) => l.optional)!;
      return { id, optionalLineId: optional.id };
    }

    const ACCEPT =
      'mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { quote { status } } }';
    const DECLINE =
      'mutation ($input: DeclineQuoteInput!) { declineQuote(input: $input) { quote { status } } }';
    const CONVERT =
      'mutation ($input: ConvertQuoteInput!) { convertQuote(input: $input) { invoiceRequested quote { status } purchaseOrder { id number } } }';

    it('stores the contact’s acceptance with its optional line while 20 concurrent decisions are refused, then converts it into an order and an invoice that one query follows', async () => {
      let { id, optionalLineId } = await sentQuote();
      const accept = (i: number) =>
        ask(alice, ACCEPT, {
          input: {
            id,
            revision: 1,
            signerName: 'Alice Archer',
            acceptTerms: true,
            optionalLineIds: [optionalLineId],
            customerReference: `ACME-PO-${i}`,
          },
        });
      const first = accept(0);
      const others = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? accept(i + 1)
          : ask(alice, DECLINE, { input: { id, revision: 1, reasonCode: 'PRICE', reason: 'No' } }),
      );
      const [winner, ...rest] = await Promise.all([first, ...others]);
      // Whichever of the 21 came first decided; every other one is refused.
      const outcomes = [winner!, ...rest];
      expect(outcomes.filter((o) => o.error === null)).toHaveLength(1);
      expect(
        outcomes
          .filter((o) => o.error !== null)
          .map((o) => [o.error!.code, o.error!.reason])
          .every(
            ([code, reason]) => code === 'BAD_USER_INPUT' && reason === 'quote-already-decided',
          ),
      ).toBe(true);
      const decisions = async (quoteId: string) =>
        (await stack.sales.db.dataSource.query(
          'SELECT kind, optionalLineIds, customerReference FROM quote_decisions WHERE quoteId = ?',
          [quoteId],
        )) as Array<{ kind: string; optionalLineIds: string; customerReference: string | null }>;
      let stored = await decisions(id);
      expect(stored).toHaveLength(1);
      if (stored[0]!.kind !== 'accepted') {
        // A decline won the race; the chain goes on with a quote the contact accepts alone.
        const again = await sentQuote();
        id = again.id;
        optionalLineId = again.optionalLineId;
        expect((await accept(0)).error).toBeNull();
        stored = await decisions(id);
      }
      expect(stored[0]!.kind).toBe('accepted');
      expect(JSON.parse(stored[0]!.optionalLineIds)).toEqual([optionalLineId]);

      // Customers cannot convert; staff need a due date for the invoice.
      expect((await ask(alice, CONVERT, { input: { id, createInvoice: true } })).error?.code).toBe(
        'FORBIDDEN',
      );
      expect(
        (await ask(admin, CONVERT, { input: { id, createInvoice: true } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'invoiceDueDate' });
      const converted = await ask<{
        convertQuote: {
          invoiceRequested: boolean;
          quote: { status: string };
          purchaseOrder: { id: string; number: string };
        };
      }>(admin, CONVERT, {
        input: {
          id,
          createInvoice: true,
          invoiceDueDate: inDays(30),
          expectedDeliveryDate: inDays(10),
        },
      });
      expect(converted.error).toBeNull();
      expect(converted.data!.convertQuote).toMatchObject({
        invoiceRequested: true,
        quote: { status: 'CONVERTED' },
      });
      // Twice, or concurrently, is once.
      expect(
        (await ask(admin, CONVERT, { input: { id, createInvoice: false } })).error,
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'quote-already-converted',
      });
      const orders = (await stack.sales.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM purchase_orders WHERE quoteId = ?',
        [id],
      )) as Array<{ n: number | string }>;
      expect(Number(orders[0]!.n)).toBe(1);

      // Billing raises the invoice from the event: one query follows the whole chain.
      let chain: Chain['quote'] | null = null;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const answer = await ask<Chain>(alice, CHAIN, { id });
        expect(answer.error).toBeNull();
        chain = answer.data!.quote;
        // The order's invoices and the quote's come from two links billing
        // records from separate events: wait for both.
        if (chain.purchaseOrder?.invoices.length && chain.invoices.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const order = chain!.purchaseOrder!;
      expect(order.number).toBe(converted.data!.convertQuote.purchaseOrder.number);
      expect(order.status).toBe('CONFIRMED');
      expect(order.customerReference).toBe(stored[0]!.customerReference);
      expect(order.quote.number).toBe(chain!.number);
      expect(order.lines.map((l) => [l.description, l.quantity])).toEqual([
        ['Switches', '2'],
        ['Rack', '1'],
        ['Spare switch', '1'],
      ]);
      // (2 × 300 + 150 + 300) + 20 % tax: the optional line the customer chose is billed.
      expect(order.invoices).toHaveLength(1);
      expect(order.invoices[0]).toMatchObject({
        total: { amount: '1260.00', currency: 'GBP' },
        purchaseOrder: { number: order.number },
        quote: { number: chain!.number },
      });
      expect(order.invoices[0]!.number).toMatch(/^INV-/);
      expect(chain!.invoices.map((i) => i.number)).toEqual([order.invoices[0]!.number]);

      // Another customer's contact: the quote does not exist, nor its order.
      const foreign = await ask(lucia, CHAIN, { id });
      expect(foreign.error?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(foreign.data)).not.toContain(order.number);
      const foreignOrder = await ask(lucia, 'query ($id: ID!) { purchaseOrder(id: $id) { id } }', {
        id: converted.data!.convertQuote.purchaseOrder.id,
      });
      expect(foreignOrder.error?.code).toBe('NOT_FOUND');
    });

    it('converts without an invoice when the business does not ask for one, and refuses a quote not accepted', async () => {
      const { id } = await sentQuote();
      expect(
        (await ask(admin, CONVERT, { input: { id, createInvoice: false } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'quote-not-accepted' });
      expect(
        (
          await ask(alice, ACCEPT, {
            input: { id, revision: 1, signerName: 'Alice Archer', acceptTerms: true },
          })
        ).error,
      ).toBeNull();
      const converted = await ask<{ convertQuote: { invoiceRequested: boolean } }>(admin, CONVERT, {
        input: { id, createInvoice: false },
      });
      expect(converted.data?.convertQuote.invoiceRequested).toBe(false);
      const chain = await ask<Chain>(alice, CHAIN, { id });
      expect(chain.data!.quote.purchaseOrder!.lines.map((l) => l.description)).toEqual([
        'Switches',
        'Rack',
      ]);
      // Give billing time to hear the event; no invoice comes of it.
      await new Promise((r) => setTimeout(r, 1_500));
      const later = await ask<Chain>(alice, CHAIN, { id });
      expect(later.data!.quote.purchaseOrder!.invoices).toEqual([]);
    });

    it("lists the customer's open quotes and active orders on the customer, for the portal's first screen", async () => {
      const answer = await ask<{
        customer: {
          quotes: { nodes: Array<{ status: string }> };
          purchaseOrders: { nodes: Array<{ status: string }> };
        };
      }>(
        alice,
        'query ($id: ID!) { customer(id: $id) { quotes(status: [SENT, VIEWED, CHANGES_REQUESTED], first: 50) { nodes { status } } purchaseOrders(status: [CONFIRMED, IN_PROGRESS, PARTIALLY_SHIPPED, SHIPPED, ON_HOLD], first: 50) { nodes { status } } } }',
        { id: DEMO_CUSTOMER_IDS.acme },
      );
      expect(answer.error).toBeNull();
      const quotes = answer.data!.customer.quotes.nodes;
      const orders = answer.data!.customer.purchaseOrders.nodes;
      expect(quotes.length).toBeGreaterThan(0);
      expect(quotes.every((q) => ['SENT', 'VIEWED', 'CHANGES_REQUESTED'].includes(q.status))).toBe(
        true,
      );
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.every((o) => !['DELIVERED', 'CANCELLED', 'CLOSED'].includes(o.status))).toBe(
        true,
      );
      const foreign = await ask(
        alice,
        'query ($id: ID!) { customer(id: $id) { quotes { nodes { id } } } }',
        {
          id: DEMO_CUSTOMER_IDS.globex,
        },
      );
      expect(JSON.stringify(foreign.data ?? {})).not.toMatch(/"id":"/);
    });
  },
);
