import { testing } from '@portico/kit';
import { Invoice } from '../src/invoice/invoice.entity';
import { Payment } from '../src/payment/payment.entity';
import { OnlinePaymentService, RECONCILE_AFTER_MS } from '../src/payment/online-payment.service';
import type { ChargeRequest, PaymentProvider } from '../src/payment/provider/payment-provider';
import { SandboxPaymentProvider } from '../src/payment/provider/sandbox-provider';
import { daysFromToday, startTestBilling, type TestBilling } from './billing-harness';

/**
 * The process "dies" around the provider call: the sandbox either records the
 * charge and the answer is lost, or never hears of it. Both leave a pending
 * payment that reconciliation must settle from the sandbox's ledger.
 */
class CrashingProvider implements PaymentProvider {
  readonly name = 'sandbox';
  constructor(
    private readonly sandbox: SandboxPaymentProvider,
    private readonly mode: 'after-charge' | 'before-charge',
  ) {}

  async charge(request: ChargeRequest): Promise<never> {
    if (this.mode === 'after-charge') await this.sandbox.charge(request);
    throw new Error('process died');
  }

  lookup(paymentId: string) {
    return this.sandbox.lookup(paymentId);
  }
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'online payment reconciliation on %s',
  (_name, target) => {
    let billing: TestBilling;
    beforeAll(async () => {
      billing = await startTestBilling(target);
    });
    afterAll(() => billing?.stop());

    async function issuedInvoice(customerId: string): Promise<Invoice> {
      const draft = await billing.running.services.invoices.createDraft({
        customerId,
        currency: 'EUR',
        dueDate: daysFromToday(10),
        lines: [{ description: 'Service', quantity: '1', unitPrice: '75.00' }],
      });
      return billing.running.services.invoices.issue(draft.id);
    }

    it.each([
      ['after-charge', 'succeeded', 7500, 0],
      ['before-charge', 'failed', 0, 0],
    ] as const)(
      'settles a payment left pending by a crash %s: %s, reservation released',
      async (mode, state, paid, pendingAfter) => {
        const { db, outbox, directory } = billing.running.services;
        const sandbox = new SandboxPaymentProvider(db);
        const crashing = new OnlinePaymentService(
          db,
          outbox,
          new CrashingProvider(sandbox, mode),
          directory,
        );
        const customerId = await billing.customer();
        const invoice = await issuedInvoice(customerId);
        const principal = { kind: 'contact' as const, contactId: 'c', customerId };
        const payment = await crashing.pay(principal, {
          invoices: [{ invoiceId: invoice.id }],
          paymentMethod: 'tok_visa',
          idempotencyKey: `crash-${mode}-key`,
        });
        expect(payment.state).toBe('pending');
        const reserved = await db.manager
          .getRepository(Invoice)
          .findOneByOrFail({ id: invoice.id });
        expect([reserved.pendingMinor, reserved.paidMinor]).toEqual([7500, 0]);

        // While pending, nobody can pay the reserved amount again.
        const healthy = new OnlinePaymentService(db, outbox, sandbox, directory);
        await expect(
          healthy.pay(principal, {
            invoices: [{ invoiceId: invoice.id }],
            paymentMethod: 'tok_visa',
            idempotencyKey: `second-${mode}-key`,
          }),
        ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });

        // A restart soon after leaves it alone; a later one settles it.
        expect(await healthy.reconcile(new Date())).toBe(0);
        expect(await healthy.reconcile(new Date(Date.now() + RECONCILE_AFTER_MS + 1_000))).toBe(1);
        const settled = await db.manager.getRepository(Payment).findOneByOrFail({ id: payment.id });
        const after = await db.manager.getRepository(Invoice).findOneByOrFail({ id: invoice.id });
        expect([settled.state, after.paidMinor, after.pendingMinor]).toEqual([
          state,
          paid,
          pendingAfter,
        ]);
        if (state === 'failed') expect(settled.failureCode).toBe('not_submitted');
      },
    );
  },
);
