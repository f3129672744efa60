import { testing } from '@portico/kit';
import { Invoice } from '../src/invoice/invoice.entity';
import { Payment, PaymentAllocation } from '../src/payment/payment.entity';
import { OnlinePaymentService, RECONCILE_AFTER_MS } from '../src/payment/online-payment.service';
import type {
  ChargeOutcome,
  ChargeRequest,
  PaymentProvider,
} from '../src/payment/provider/payment-provider';
import { todayUtc } from '../src/invoice/invoice.status';
import { daysFromToday, startTestBilling, type TestBilling } from './billing-harness';

/**
 * A provider whose charge answers only when the test says so (or never: an
 * unknown outcome), and whose records answer `lookup` as the test sets them.
 */
class ControlledProvider implements PaymentProvider {
  readonly name = 'sandbox';
  lookups = 0;
  readonly looked: string[] = [];
  record: ChargeOutcome | null = null;
  private answer!: (outcome: ChargeOutcome) => void;
  private started!: () => void;
  readonly charging = new Promise<void>((resolve) => (this.started = resolve));
  private readonly outcome = new Promise<ChargeOutcome>((resolve) => (this.answer = resolve));

  constructor(private readonly mode: 'answers' | 'unknown-outcome') {}

  async charge(_request: ChargeRequest): Promise<ChargeOutcome> {
    this.started();
    if (this.mode === 'unknown-outcome') throw new Error('connection reset');
    return this.outcome;
  }

  respond(outcome: ChargeOutcome): void {
    this.answer(outcome);
  }

  async lookup(paymentId: string): Promise<ChargeOutcome | null> {
    this.lookups += 1;
    this.looked.push(paymentId);
    return this.record;
  }
}

const succeeded: ChargeOutcome = { status: 'succeeded', providerPaymentId: 'ch_controlled_1' };
const declined: ChargeOutcome = {
  status: 'failed',
  providerPaymentId: 'ch_controlled_2',
  failureCode: 'card_declined',
  message: 'Your card was declined.',
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'settling online payments on %s',
  (_name, target) => {
    let billing: TestBilling;
    beforeAll(async () => {
      billing = await startTestBilling(target);
    });
    afterAll(() => billing?.stop());

    let n = 0;
    const key = () => `settle-key-${Date.now()}-${(n += 1)}`;

    async function issuedInvoice(customerId: string, unitPrice = '75.00'): Promise<Invoice> {
      const draft = await billing.running.services.invoices.createDraft({
        customerId,
        currency: 'EUR',
        dueDate: daysFromToday(10),
        lines: [{ description: 'Service', quantity: '1', unitPrice }],
      });
      return billing.running.services.invoices.issue(draft.id);
    }
    const money = async (id: string) => {
      const row = await billing.running.db.manager.getRepository(Invoice).findOneByOrFail({ id });
      return [row.state, row.paidMinor, row.pendingMinor];
    };
    const allocationsOf = (paymentId: string) =>
      billing.running.db.manager.getRepository(PaymentAllocation).findBy({ paymentId });
    const unapplied = async (customerId: string) =>
      (await billing.running.services.balances.forCustomer(customerId, todayUtc())).find(
        (f) => f.currency === 'EUR',
      )?.unappliedPaymentsMinor ?? 0;
    // An invoice made void while its payment was pending, as voiding allowed
    // before it waited for payments (such rows may exist).
    const voidBehindThePayment = (id: string) =>
      billing.running.db.manager.getRepository(Invoice).update({ id }, { state: 'void' });

    function service(provider: PaymentProvider) {
      const { db, outbox, directory } = billing.running.services;
      return new OnlinePaymentService(db, outbox, provider, directory);
    }

    it('refuses to void an invoice while an online payment is in progress, and voids it once the payment failed', async () => {
      const customerId = await billing.customer();
      const invoice = await issuedInvoice(customerId);
      const provider = new ControlledProvider('answers');
      const paying = service(provider).pay(
        { kind: 'contact', contactId: 'c', customerId },
        { invoices: [{ invoiceId: invoice.id }], paymentMethod: 'tok_visa', idempotencyKey: key() },
      );
      await provider.charging;
      await expect(
        billing.running.services.invoices.void(invoice.id, 'Issued in error'),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'id', reason: 'payment-in-progress' },
      });
      expect(await money(invoice.id)).toEqual(['sent', 0, 7500]);
      provider.respond(declined);
      expect((await paying).state).toBe('failed');
      await billing.running.services.invoices.void(invoice.id, 'Issued in error');
      expect(await money(invoice.id)).toEqual(['void', 0, 0]);
    });

    it('puts the part of a success answered for an invoice voided meanwhile on account', async () => {
      const customerId = await billing.customer();
      const voided = await issuedInvoice(customerId, '75.00');
      const open = await issuedInvoice(customerId, '20.00');
      const provider = new ControlledProvider('answers');
      const paying = service(provider).pay(
        { kind: 'contact', contactId: 'c', customerId },
        {
          invoices: [{ invoiceId: voided.id }, { invoiceId: open.id }],
          paymentMethod: 'tok_visa',
          idempotencyKey: key(),
        },
      );
      await provider.charging;
      await voidBehindThePayment(voided.id);
      provider.respond(succeeded);
      const payment = await paying;
      expect([payment.state, payment.amountMinor]).toEqual(['succeeded', 9500]);
      expect(await money(voided.id)).toEqual(['void', 0, 0]);
      expect(await money(open.id)).toEqual(['sent', 2000, 0]);
      expect((await allocationsOf(payment.id)).map((a) => [a.invoiceId, a.amountMinor])).toEqual([
        [open.id, 2000],
      ]);
      expect(await unapplied(customerId)).toBe(7500);
    });

    it('puts a success found by reconciliation for an invoice voided meanwhile on account', async () => {
      const customerId = await billing.customer();
      const invoice = await issuedInvoice(customerId);
      const provider = new ControlledProvider('unknown-outcome');
      const payments = service(provider);
      const payment = await payments.pay(
        { kind: 'contact', contactId: 'c', customerId },
        { invoices: [{ invoiceId: invoice.id }], paymentMethod: 'tok_visa', idempotencyKey: key() },
      );
      expect(payment.state).toBe('pending');
      await voidBehindThePayment(invoice.id);
      provider.record = succeeded;
      expect(await payments.reconcile(new Date(Date.now() + RECONCILE_AFTER_MS + 1_000))).toBe(1);
      const settled = await billing.running.db.manager
        .getRepository(Payment)
        .findOneByOrFail({ id: payment.id });
      expect(settled.state).toBe('succeeded');
      expect(await money(invoice.id)).toEqual(['void', 0, 0]);
      expect(await allocationsOf(payment.id)).toEqual([]);
      expect(await unapplied(customerId)).toBe(7500);
    });

    it('puts a success reported for a payment already failed here on account', async () => {
      const customerId = await billing.customer();
      const invoice = await issuedInvoice(customerId);
      const provider = new ControlledProvider('unknown-outcome');
      const payments = service(provider);
      const payment = await payments.pay(
        { kind: 'contact', contactId: 'c', customerId },
        { invoices: [{ invoiceId: invoice.id }], paymentMethod: 'tok_visa', idempotencyKey: key() },
      );
      // The provider's records do not show it yet: reconciled as never submitted.
      expect(await payments.reconcile(new Date(Date.now() + RECONCILE_AFTER_MS + 1_000))).toBe(1);
      expect(await money(invoice.id)).toEqual(['sent', 0, 0]);
      // Then the provider reports that it took the money (a webhook, or a later look-up).
      const settled = await payments.settle(payment.id, succeeded);
      expect([settled?.state, settled?.failureCode]).toEqual(['succeeded', null]);
      expect(await money(invoice.id)).toEqual(['sent', 0, 0]);
      expect(await allocationsOf(payment.id)).toEqual([]);
      expect(await unapplied(customerId)).toBe(7500);
      // Told again, nothing changes.
      await payments.settle(payment.id, succeeded);
      expect(await unapplied(customerId)).toBe(7500);
    });

    it('reconciles periodically while running, leaves a charge in flight alone, and stops when told', async () => {
      const customerId = await billing.customer();
      const principal = { kind: 'contact' as const, contactId: 'c', customerId };
      const first = await issuedInvoice(customerId);
      const lost = new ControlledProvider('unknown-outcome');
      const payments = service(lost);
      const pending = await payments.pay(principal, {
        invoices: [{ invoiceId: first.id }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      expect(pending.state).toBe('pending');

      lost.record = declined;
      const loop = payments.startReconciling(100, 0);
      const deadline = Date.now() + 30_000;
      while ((await money(first.id))[2] !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await loop.stop();
      expect(await money(first.id)).toEqual(['sent', 0, 0]);
      const lookupsAtStop = lost.lookups;

      const third = await issuedInvoice(customerId);
      const later = await payments.pay(principal, {
        invoices: [{ invoiceId: third.id }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lost.lookups).toBe(lookupsAtStop);
      expect(
        (await billing.running.db.manager.getRepository(Payment).findOneByOrFail({ id: later.id }))
          .state,
      ).toBe('pending');

      // A charge this process is making now is never settled under it, however old.
      const second = await issuedInvoice(customerId);
      const slow = new ControlledProvider('answers');
      const slowPayments = service(slow);
      const paying = slowPayments.pay(principal, {
        invoices: [{ invoiceId: second.id }],
        paymentMethod: 'tok_visa',
        idempotencyKey: key(),
      });
      await slow.charging;
      let rounds = 0;
      const reconcile = slowPayments.reconcile.bind(slowPayments);
      slowPayments.reconcile = async (...args) => {
        const settled = await reconcile(...args);
        rounds += 1;
        return settled;
      };
      const slowLoop = slowPayments.startReconciling(100, 0);
      // Until the loop has settled the other pending payment, and run twice more.
      while (!slow.looked.includes(later.id) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seen = rounds;
      while (rounds < seen + 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await slowLoop.stop();
      expect(rounds).toBeGreaterThanOrEqual(seen + 2);
      expect(await money(second.id)).toEqual(['sent', 0, 7500]);
      slow.respond(succeeded);
      const charged = await paying;
      expect(charged.state).toBe('succeeded');
      // The loop did run: it asked about the other pending payment, never this one.
      expect(slow.looked).toContain(later.id);
      expect(slow.looked).not.toContain(charged.id);
    });
  },
);
