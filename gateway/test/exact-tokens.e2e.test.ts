import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const PAY = `mutation ($input: PayInvoicesInput!) { payInvoices(input: $input) {
  succeeded payment { id status amount { amount } }
} }`;

interface PayResult {
  succeeded: boolean;
  payment: { id: string; status: string; amount: { amount: string } };
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'exact tokens through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    });
    afterAll(() => stack?.stop());

    const pay = async (invoiceId: string, idempotencyKey: string) => {
      const response = await stack.query(PAY, {
        token: alice,
        variables: {
          input: {
            invoices: [{ invoiceId, amount: '10.00' }],
            paymentMethod: 'tok_visa',
            idempotencyKey,
          },
        },
      });
      expect(response.body.errors).toBeUndefined();
      return (response.body.data as { payInvoices: PayResult }).payInvoices;
    };

    it('takes idempotency keys that differ only in case as three keys: three payments', async () => {
      const invoiceId = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice: '100.00',
        allowPartialPayment: true,
      });
      const keys = ['CaseKey-x', 'casekey-x', 'CASEKEY-X'];
      const payments: PayResult[] = [];
      for (const key of keys) payments.push(await pay(invoiceId, key));
      expect(payments.map((p) => [p.succeeded, p.payment.status, p.payment.amount.amount])).toEqual(
        keys.map(() => [true, 'SUCCEEDED', '10.00']),
      );
      expect(new Set(payments.map((p) => p.payment.id)).size).toBe(3);
      // Each key, repeated, still answers with its own payment.
      const again = await pay(invoiceId, 'casekey-x');
      expect(again.payment.id).toBe(payments[1]!.payment.id);
      const invoice = await stack.query(
        'query ($id: ID!) { invoice(id: $id) { amountPaid { amount } } }',
        { token: alice, variables: { id: invoiceId } },
      );
      expect(invoice.body.data).toEqual({ invoice: { amountPaid: { amount: '30.00' } } });
    });
  },
);
