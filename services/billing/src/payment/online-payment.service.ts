import { createHash, randomUUID } from 'node:crypto';
import { In, IsNull, LessThan, Not } from 'typeorm';
import {
  codedError,
  ErrorCode,
  parseAmount,
  visibleCustomerIds,
  type Database,
  type Principal,
  forUpdate,
  type Outbox,
} from '@portico/kit';
import { type CustomerDirectory, badInput } from '@portico/commerce';
import { recordEvent } from '../events/billing-events';
import { Invoice } from '../invoice/invoice.entity';
import { balanceDueMinor, payableMinor, todayUtc } from '../invoice/invoice.status';
import { Payment, PaymentAllocation } from './payment.entity';
import { lockInvoices } from './payment.service';
import type { ChargeOutcome, PaymentProvider } from './provider/payment-provider';

export interface PayInvoicesRequest {
  invoices: Array<{ invoiceId: string; amount?: string | null }>;
  paymentMethod: string;
  idempotencyKey: string;
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,100}$/;
/**
 * A pending charge older than this is asked about and settled (at start-up
 * and by the periodic reconciliation): long enough that another instance's
 * charge is no longer in flight (the Stripe client gives up after three
 * attempts of 20 s).
 */
export const RECONCILE_AFTER_MS = 2 * 60_000;

function payerOf(principal: Principal): string {
  if (principal.kind === 'contact') return `contact:${principal.contactId}`;
  if (principal.kind === 'partner') return `partner:${principal.clientId}`;
  throw codedError(ErrorCode.Forbidden, "Only a customer's contacts and partners pay online");
}

export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}

/**
 * Runs a transaction again when MariaDB chose it as a deadlock victim. Requests
 * waiting on one idempotency key whose first request rolled back all take the
 * key at once, and all but one are picked: each then answers like the first.
 */
async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const e = error as { code?: string; driverError?: { code?: string } };
      const code = e.driverError?.code ?? e.code;
      if (code !== 'ER_LOCK_DEADLOCK' || attempt >= attempts) throw error;
    }
  }
}

/**
 * Online payment of one or more invoices. The payment is written as pending,
 * with the money reserved on each invoice, before the provider is called, so
 * concurrent requests can never reserve more than an invoice's balance and a
 * crash between the charge and its recording is settled from the provider's
 * records at the next start. The idempotency key replays the first request's
 * payment; the same key with a different request is refused.
 */
export class OnlinePaymentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly provider: PaymentProvider,
    private readonly directory: CustomerDirectory,
  ) {}

  /**
   * Charges this process is making now, by payment id: a replay of their key
   * waits for the answer, and reconciliation leaves them alone.
   */
  private readonly inFlight = new Map<string, Promise<Payment>>();

  async pay(principal: Principal, request: PayInvoicesRequest): Promise<Payment> {
    const paidBy = payerOf(principal);
    if (!KEY_PATTERN.test(request.idempotencyKey)) {
      throw badInput('idempotencyKey must be 8 to 100 letters, digits or _.:-', 'idempotencyKey');
    }
    if (request.invoices.length === 0 || request.invoices.length > 50) {
      throw badInput('pay 1 to 50 invoices at once', 'invoices');
    }
    const ids = request.invoices.map((i) => i.invoiceId);
    if (new Set(ids).size !== ids.length)
      throw badInput('each invoice may appear once', 'invoices');
    const method = request.paymentMethod.trim();
    if (!method || method.length > 100)
      throw badInput('paymentMethod is required', 'paymentMethod');
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify({
          invoices: [...request.invoices]
            .map((i) => [i.invoiceId, i.amount?.trim() ?? null])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
          method,
        }),
      )
      .digest('hex');

    const visible = visibleCustomerIds(principal);
    const unknown = (index: number) => badInput('unknown invoice', `invoices[${index}].invoiceId`);
    // The customer comes from the invoices, which must all be in the payer's scope.
    const invoices = await this.db.manager.getRepository(Invoice).findBy({ id: In(ids) });
    const customerIds = new Set(invoices.map((i) => i.customerId));
    for (const [index, id] of ids.entries()) {
      const invoice = invoices.find((i) => i.id === id);
      if (
        !invoice ||
        invoice.state === 'draft' ||
        (visible !== null && !visible.includes(invoice.customerId))
      ) {
        throw unknown(index);
      }
    }
    if (customerIds.size !== 1)
      throw badInput('all invoices must belong to one customer', 'invoices');
    const customerId = [...customerIds][0]!;

    const replay = await this.replay(customerId, request.idempotencyKey, requestHash);
    if (replay) return replay;
    await this.directory.requireActive(customerId, 'invoices');

    let payment: Payment;
    try {
      payment = await retryOnDeadlock(() =>
        this.db.transaction(async (manager) => {
          // The key is claimed first, before the invoices are locked: a request
          // with the same key arriving meanwhile waits on this row (MariaDB's
          // unique index; SQLite runs it after this transaction) and then finds
          // the key taken, whatever else holds the invoices' locks. Checking the
          // key only before the lock let it see the invoices already reserved
          // by this payment and answer "nothing is left to pay".
          const payment = manager.getRepository(Payment).create({
            id: randomUUID(),
            customerId,
            currency: invoices.find((i) => i.id === ids[0])!.currency,
            amountMinor: 0,
            method: 'card',
            state: 'pending',
            reference: null,
            receivedOn: todayUtc(),
            recordedBy: null,
            createdAt: new Date(),
            provider: this.provider.name,
            providerPaymentId: null,
            failureCode: null,
            failureMessage: null,
            idempotencyKey: request.idempotencyKey,
            requestHash,
            paidBy,
          });
          await manager.getRepository(Payment).insert(payment);
          const locked = await lockInvoices(manager, ids);
          const currency = payment.currency;
          const allocations = request.invoices.map((item, index) => {
            const invoice = locked.get(item.invoiceId)!;
            if (invoice.state !== 'sent')
              throw badInput('the invoice is not open', `invoices[${index}].invoiceId`);
            if (invoice.currency !== currency)
              throw badInput('the invoices are in different currencies', 'invoices');
            const payable = payableMinor(invoice);
            if (payable <= 0)
              throw badInput(
                'nothing is left to pay on this invoice',
                `invoices[${index}].invoiceId`,
              );
            const amountMinor = item.amount
              ? parseAmount(item.amount, currency, {
                  field: `invoices[${index}].amount`,
                })
              : payable;
            if (amountMinor > payable)
              throw badInput('more than the balance due', `invoices[${index}].amount`);
            if (amountMinor < payable && !invoice.allowPartialPayment) {
              throw badInput('this invoice must be paid in full', `invoices[${index}].amount`);
            }
            return { invoiceId: invoice.id, amountMinor };
          });
          payment.amountMinor = allocations.reduce((s, a) => s + a.amountMinor, 0);
          await manager
            .getRepository(Payment)
            .update({ id: payment.id }, { amountMinor: payment.amountMinor });
          for (const allocation of allocations) {
            await manager.getRepository(PaymentAllocation).insert({
              id: randomUUID(),
              paymentId: payment.id,
              invoiceId: allocation.invoiceId,
              refundId: null,
              amountMinor: allocation.amountMinor,
              effectiveOn: payment.receivedOn,
            });
            await manager
              .getRepository(Invoice)
              .increment({ id: allocation.invoiceId }, 'pendingMinor', allocation.amountMinor);
          }
          return payment;
        }),
      );
    } catch (error) {
      // The same key arrived twice at once: the other request's payment is the answer.
      if (isDuplicateKey(error)) {
        const again = await this.replay(customerId, request.idempotencyKey, requestHash);
        if (again) return again;
      }
      throw error;
    }

    const charged = this.charge(payment, customerId, method);
    this.inFlight.set(payment.id, charged);
    try {
      return await charged;
    } finally {
      this.inFlight.delete(payment.id);
    }
  }

  private async charge(payment: Payment, customerId: string, method: string): Promise<Payment> {
    let outcome: ChargeOutcome;
    try {
      outcome = await this.provider.charge({
        paymentId: payment.id,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        customerId,
        description: `Portico payment ${payment.id}`,
        paymentMethod: method,
      });
    } catch {
      // Unknown outcome (timeout, network, provider error): the payment stays
      // pending and reserved until the provider's webhook or the periodic
      // reconciliation settles it.
      return payment;
    }
    return (await this.settle(payment.id, outcome)) ?? payment;
  }

  private async replay(
    customerId: string,
    key: string,
    requestHash: string,
  ): Promise<Payment | null> {
    const existing = await this.db.manager
      .getRepository(Payment)
      .findOneBy({ customerId, idempotencyKey: key });
    if (!existing) return null;
    if (existing.requestHash !== requestHash) {
      throw codedError(
        ErrorCode.BadUserInput,
        'This idempotency key was used for a different payment',
        {
          extensions: {
            field: 'idempotencyKey',
            reason: 'idempotency-key-reused',
          },
        },
      );
    }
    // The first request's charge is still running here: answer with its outcome.
    const inFlight = this.inFlight.get(existing.id);
    return inFlight ? inFlight.catch(() => existing) : existing;
  }

  /**
   * Applies a provider outcome once: pending → succeeded or failed. Every
   * settlement goes through here (the charge's own answer, the webhook, the
   * reconciliation). Money that succeeded for an invoice no longer open (made
   * void meanwhile) is never allocated to it: that part stays on the
   * customer's account as an unapplied payment, for staff to apply or refund;
   * so is a success reported for a payment already failed here.
   */
  async settle(paymentId: string, outcome: ChargeOutcome): Promise<Payment | null> {
    if (outcome.status === 'pending') return null;
    const payment = await this.db.transaction(async (manager) => {
      const payment = await manager.getRepository(Payment).findOne({
        where: { id: paymentId },
        ...forUpdate(manager),
      });
      if (payment?.state === 'failed' && payment.provider && outcome.status === 'succeeded') {
        // Failed here (e.g. reconciled as never submitted), yet the provider
        // took the money: it is the customer's, on account. Its reservation
        // was released when it failed, so it pays no invoice.
        payment.state = 'succeeded';
        payment.providerPaymentId = outcome.providerPaymentId;
        payment.reference = outcome.providerPaymentId;
        payment.failureCode = null;
        payment.failureMessage = null;
        await manager.getRepository(Payment).save(payment);
        await recordEvent(manager, 'payment.succeeded', {
          paymentId,
          customerId: payment.customerId,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          invoiceIds: [],
        });
        return payment;
      }
      if (!payment || payment.state !== 'pending') return payment;
      const allocations = await manager.getRepository(PaymentAllocation).findBy({ paymentId });
      const invoices = await lockInvoices(
        manager,
        allocations.map((a) => a.invoiceId),
      );
      const applied: PaymentAllocation[] = [];
      for (const a of allocations) {
        const invoice = invoices.get(a.invoiceId);
        await manager
          .getRepository(Invoice)
          .decrement({ id: a.invoiceId }, 'pendingMinor', a.amountMinor);
        if (outcome.status !== 'succeeded') continue;
        if (invoice && invoice.state === 'sent' && a.amountMinor <= balanceDueMinor(invoice)) {
          await manager
            .getRepository(Invoice)
            .increment({ id: a.invoiceId }, 'paidMinor', a.amountMinor);
          applied.push(a);
        } else {
          await manager.getRepository(PaymentAllocation).delete({ id: a.id });
        }
      }
      payment.providerPaymentId = outcome.providerPaymentId;
      payment.reference = outcome.providerPaymentId;
      if (outcome.status === 'succeeded') {
        payment.state = 'succeeded';
      } else {
        payment.state = 'failed';
        payment.failureCode = outcome.failureCode;
        payment.failureMessage = outcome.message.slice(0, 300);
        // A failed payment moved no money: it keeps no allocations.
        await manager.getRepository(PaymentAllocation).delete({ paymentId });
      }
      await manager.getRepository(Payment).save(payment);
      await recordEvent(
        manager,
        outcome.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
        {
          paymentId,
          customerId: payment.customerId,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          invoiceIds: (outcome.status === 'succeeded' ? applied : allocations).map(
            (a) => a.invoiceId,
          ),
          ...(outcome.status === 'failed' ? { failureCode: outcome.failureCode } : {}),
        },
      );
      return payment;
    });
    await this.outbox.notify();
    return payment;
  }

  /**
   * Settles online payments left pending (a crash, a lost answer, a webhook
   * that never came) from the provider's records; runs at start-up and then
   * periodically. A charge the provider never saw is failed and its
   * reservation released. Only payments older than `olderThanMs`, so another
   * instance's charge in flight is left alone, and never one this process is
   * charging now.
   */
  async reconcile(now: Date = new Date(), olderThanMs = RECONCILE_AFTER_MS): Promise<number> {
    const pending = await this.db.manager.getRepository(Payment).find({
      where: {
        state: 'pending',
        provider: Not(IsNull()),
        createdAt: LessThan(new Date(now.getTime() - olderThanMs)),
      },
      order: { createdAt: 'ASC' },
    });
    let settled = 0;
    for (const payment of pending) {
      if (this.inFlight.has(payment.id)) continue;
      const outcome = (await this.provider.lookup(payment.id)) ?? {
        status: 'failed' as const,
        providerPaymentId: null,
        failureCode: 'not_submitted',
        message: 'The charge never reached the payment provider.',
      };
      if (await this.settle(payment.id, outcome)) settled += 1;
    }
    return settled;
  }

  /**
   * Reconciles every `intervalMs` while the service runs, one round at a time;
   * a failed round (provider or database unreachable) is retried at the next.
   * `stop` ends the loop and waits for a round in progress.
   */
  startReconciling(
    intervalMs: number,
    olderThanMs = RECONCILE_AFTER_MS,
    onError: (error: unknown) => void = () => undefined,
  ): { stop(): Promise<void> } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let round: Promise<void> = Promise.resolve();
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        round = this.reconcile(new Date(), olderThanMs)
          .then(
            () => undefined,
            (error: unknown) => onError(error),
          )
          .finally(schedule);
      }, intervalMs);
      timer.unref();
    };
    schedule();
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        await round;
      },
    };
  }
}
