import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import type { SandboxPaymentProvider } from '../../services/billing/src/payment/provider/sandbox-provider';
import { lockInvoices } from '../../services/billing/src/payment/payment.service';
import { startTestStack, type TestStack } from './stack-harness';

const PAY = `mutation ($input: PayInvoicesInput!) { payInvoices(input: $input) {
  succeeded failure { code message } payment { id status amount { amount } allocations { amount { amount } invoice { id } } }
} }`;

interface PayResult {
  succeeded: boolean;
  failure: { code: string } | null;
  payment: { id: string; status: string; amount: { amount: string } };
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'online payments through the gateway on %s (sandbox provider)',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let admin: string;
    let keyCounter = 0;
    const key = () => `test-key-${Date.now()}-${(keyCounter += 1)}`;
    beforeAll(async () => {
      stack = await startTestStack(target);
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    const sandbox = () => stack.billing.services.provider as SandboxPaymentProvider;

    const newInvoice = (unitPrice: string, allowPartialPayment = true) =>
      stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice,
        allowPartialPayment,
      });

    async function invoiceState(id: string, token = alice) {
      const response = await stack.query(
        'query ($id: ID!) { invoice(id: $id) { status amountPaid { amount } balanceDue { amount } } }',
        {
          token,
          variables: { id },
        },
      );
      return (
        response.body.data as {
          invoice: {
            status: string;
            amountPaid: { amount: string };
            balanceDue: { amount: string };
          };
        }
      ).invoice;
    }

    const pay = (token: string, input: Record<string, unknown>) =>
      stack.query(PAY, { token, variables: { input } });
    const result = (r: testing.GraphQLResponse) =>
      (r.body.data as { payInvoices: PayResult } | null)?.payInvoices;

    it('pays an invoice in full: the balance and status change', async () => {
      const id = await newInvoice('120.00');
      const response = await pay(alice, {
        invoices: [{ invoiceId: id }],
        paymentMethod: '4242 4242 4242 4242',
        idempotencyKey: key(),
      });
      expect(result(response)).toMatchObject({
        succeeded: true,
        failure: null,
        payment: { status: 'SUCCEEDED', amount: { amount: '120.00' } },
      });
      expect(await invoiceState(id)).toEqual({
        status: 'PAID',
        amountPaid: { amount: '120.00' },
        balanceDue: { amount: '0.00' },
      });
    });

    it('answers a declined card and insufficient funds as typed failures that change no balance', async () => {
      const id = await newInvoice('80.00');
      for (const [card, code] of [
        ['4000000000000002', 'card_declined'],
        ['tok_insufficientFunds', 'insufficient_funds'],
        ['1234', 'invalid_payment_method'],
      ] as const) {
        const response = await pay(alice, {
          invoices: [{ invoiceId: id }],
          paymentMethod: card,
          idempotencyKey: key(),
        });
        expect(result(response)).toMatchObject({
          succeeded: false,
          failure: { code },
          payment: { status: 'FAILED' },
        });
      }
      expect(await invoiceState(id)).toEqual({
        status: 'SENT',
        amountPaid: { amount: '0.00' },
        balanceDue: { amount: '80.00' },
      });
    });

    it('takes partial payments where the invoice allows them, and refuses them where not', async () => {
      const partial = await newInvoice('100.00', true);
      const whole = await newInvoice('100.00', false);
      const ok = await pay(alice, {
        invoices: [{ invoiceId: partial, amount: '30.00' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      expect(result(ok)?.succeeded).toBe(true);
      expect(await invoiceState(partial)).toMatchObject({
        status: 'PARTIALLY_PAID',
        balanceDue: { amount: '70.00' },
      });
      const refused = await pay(alice, {
        invoices: [{ invoiceId: whole, amount: '30.00' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      expect(refused.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'invoices[0].amount',
      });
    });

    it('pays several invoices at once in one charge', async () => {
      const a = await newInvoice('10.00');
      const b = await newInvoice('15.50');
      const response = await pay(alice, {
        invoices: [{ invoiceId: a }, { invoiceId: b }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      expect(result(response)?.payment.amount.amount).toBe('25.50');
      expect((await invoiceState(a)).status).toBe('PAID');
      expect((await invoiceState(b)).status).toBe('PAID');
    });

    it('replays the same idempotency key without charging again, and refuses it for another request', async () => {
      const id = await newInvoice('42.00', true);
      const k = key();
      const before = sandbox().chargesCreated;
      const first = await pay(alice, {
        invoices: [{ invoiceId: id, amount: '12.00' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: k,
      });
      const again = await pay(alice, {
        invoices: [{ invoiceId: id, amount: '12.00' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: k,
      });
      expect(result(again)?.payment.id).toBe(result(first)?.payment.id);
      expect(sandbox().chargesCreated - before).toBe(1);
      const other = await pay(alice, {
        invoices: [{ invoiceId: id, amount: '13.00' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: k,
      });
      expect(other.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'idempotencyKey',
        reason: 'idempotency-key-reused',
      });
      expect((await invoiceState(id)).amountPaid.amount).toBe('12.00');
    });

    it('lets 50 concurrent full payments of one invoice charge exactly once', async () => {
      const id = await newInvoice('99.99', false);
      const before = sandbox().chargesCreated;
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          pay(alice, {
            invoices: [{ invoiceId: id }],
            paymentMethod: 'tok_visa',
            idempotencyKey: key(),
          }),
        ),
      );
      const succeeded = responses.filter((r) => result(r)?.succeeded);
      const refused = responses.filter((r) => r.body.errors);
      expect(succeeded).toHaveLength(1);
      expect(refused).toHaveLength(49);
      expect(refused.every((r) => r.body.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT')).toBe(
        true,
      );
      expect(sandbox().chargesCreated - before).toBe(1);
      expect(await invoiceState(id)).toEqual({
        status: 'PAID',
        amountPaid: { amount: '99.99' },
        balanceDue: { amount: '0.00' },
      });
    });

    it("answers 50 concurrent requests with one idempotency key with that key's one payment", async () => {
      const id = await newInvoice('77.00', false);
      const k = key();
      const before = sandbox().chargesCreated;
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          pay(alice, {
            invoices: [{ invoiceId: id }],
            paymentMethod: 'tok_visa',
            idempotencyKey: k,
          }),
        ),
      );
      expect(responses.flatMap((r) => r.body.errors ?? [])).toEqual([]);
      const ids = new Set(responses.map((r) => result(r)?.payment.id));
      expect(ids.size).toBe(1);
      expect(responses.every((r) => result(r)?.succeeded)).toBe(true);
      expect([...ids][0]).toEqual(expect.any(String));
      expect(sandbox().chargesCreated - before).toBe(1);
      expect((await invoiceState(id)).amountPaid.amount).toBe('77.00');
    });

    it("answers one key's concurrent requests with its payment while other payments hold the invoice's lock", async () => {
      const id = await newInvoice('100.00', true);
      const k = key();
      const before = sandbox().chargesCreated;
      // Another transaction holds the invoice's lock while the requests pile up
      // behind it; once the key's payment and the others are in, the rest of
      // the balance is less than the key's amount, so only its payment can answer.
      let release!: () => void;
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const holder = stack.billing.db.transaction(async (manager) => {
        await lockInvoices(manager, [id]);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await holding;
      const sameKey = Array.from({ length: 50 }, () =>
        pay(alice, {
          invoices: [{ invoiceId: id, amount: '60.00' }],
          paymentMethod: 'tok_visa',
          idempotencyKey: k,
        }),
      );
      const others = Array.from({ length: 4 }, () =>
        pay(alice, {
          invoices: [{ invoiceId: id, amount: '10.00' }],
          paymentMethod: 'tok_visa',
          idempotencyKey: key(),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      release();
      await holder;
      const [keyed, other] = [await Promise.all(sameKey), await Promise.all(others)];
      expect([...keyed, ...other].flatMap((r) => r.body.errors ?? [])).toEqual([]);
      expect(new Set(keyed.map((r) => result(r)?.payment.id)).size).toBe(1);
      expect(keyed.every((r) => result(r)?.succeeded)).toBe(true);
      expect(other.every((r) => result(r)?.succeeded)).toBe(true);
      expect(sandbox().chargesCreated - before).toBe(5);
      expect((await invoiceState(id)).amountPaid.amount).toBe('100.00');
    });

    it("refuses another customer's invoice exactly like a missing one, and bad amounts with a coded error", async () => {
      const acmeInvoice = await newInvoice('10.00');
      const foreign = await pay(lucia, {
        invoices: [{ invoiceId: acmeInvoice }],
        paymentMethod: 'tok_visa',
        idempotencyKey: 'key-foreign-1',
      });
      const missing = await pay(lucia, {
        invoices: [{ invoiceId: '00000000-0000-4000-8000-000000000000' }],
        paymentMethod: 'tok_visa',
        idempotencyKey: 'key-foreign-1',
      });
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'invoices[0].invoiceId',
      });
      for (const [amount] of [['-5.00'], ['0.00'], ['1.001'], ['10.01']]) {
        const response = await pay(alice, {
          invoices: [{ invoiceId: acmeInvoice, amount }],
          paymentMethod: 'tok_visa',
          idempotencyKey: key(),
        });
        expect(response.body.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'invoices[0].amount',
        });
      }
      expect((await invoiceState(acmeInvoice)).amountPaid.amount).toBe('0.00');
      const staffPays = await pay(admin, {
        invoices: [{ invoiceId: acmeInvoice }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      expect(staffPays.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  },
);
