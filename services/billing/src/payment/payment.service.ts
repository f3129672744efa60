import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { notFoundError, parseAmount, type Database, forUpdate, type Outbox } from '@portico/kit';
import { type CustomerDirectory, badInput, parseCurrency, parseDate } from '@portico/commerce';
import { recordEvent } from '../events/billing-events';
import { Invoice } from '../invoice/invoice.entity';
import { payableMinor, todayUtc } from '../invoice/invoice.status';
import { Payment, PaymentAllocation, Refund, type PaymentMethod } from './payment.entity';

export const PAYMENT_METHODS: readonly PaymentMethod[] = [
  'card',
  'bank_transfer',
  'cash',
  'check',
  'other',
];

export interface OfflinePaymentInput {
  customerId: string;
  currency: string;
  amount: string;
  method: PaymentMethod;
  reference?: string | null;
  receivedOn: string;
  allocations: Array<{ invoiceId: string; amount: string }>;
}

/** Locks invoices in id order (no deadlocks between two payments) on MySQL/MariaDB. */
export async function lockInvoices(
  manager: EntityManager,
  ids: string[],
): Promise<Map<string, Invoice>> {
  const sorted = [...new Set(ids)].sort();
  const rows = sorted.length
    ? await manager.getRepository(Invoice).find({
        where: { id: In(sorted) },
        order: { id: 'ASC' },
        ...forUpdate(manager),
      })
    : [];
  return new Map(rows.map((row) => [row.id, row]));
}

export class PaymentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
  ) {}

  /**
   * Staff record money received outside the portal (transfer, check, cash)
   * and allocate it to the customer's open invoices. Everything is checked
   * against locked invoice rows inside one transaction: no allocation may
   * exceed an invoice's balance, and the allocations may not exceed the payment.
   * Any part not allocated stays on account as an unapplied payment.
   */
  async recordOffline(staffUserId: string, input: OfflinePaymentInput): Promise<Payment> {
    const currency = parseCurrency(input.currency);
    const amountMinor = parseAmount(input.amount, currency);
    const receivedOn = parseDate(input.receivedOn, 'receivedOn');
    if (receivedOn > todayUtc()) throw badInput('receivedOn is in the future', 'receivedOn');
    if (!PAYMENT_METHODS.includes(input.method)) throw badInput('unknown method', 'method');
    const reference = input.reference?.trim() || null;
    if (reference && reference.length > 200)
      throw badInput('reference is at most 200 characters', 'reference');
    const allocations = input.allocations.map((a, i) => ({
      invoiceId: a.invoiceId,
      amountMinor: parseAmount(a.amount, currency, { field: `allocations[${i}].amount` }),
    }));
    if (new Set(allocations.map((a) => a.invoiceId)).size !== allocations.length) {
      throw badInput('each invoice may appear once', 'allocations');
    }
    if (allocations.reduce((sum, a) => sum + a.amountMinor, 0) > amountMinor) {
      throw badInput('allocations add up to more than the payment', 'allocations');
    }
    await this.directory.requireActive(input.customerId);
    const payment = await this.db.transaction(async (manager) => {
      const invoices = await lockInvoices(
        manager,
        allocations.map((a) => a.invoiceId),
      );
      for (const [index, allocation] of allocations.entries()) {
        const invoice = invoices.get(allocation.invoiceId);
        const field = `allocations[${index}].invoiceId`;
        if (!invoice || invoice.customerId !== input.customerId)
          throw badInput('unknown invoice', field);
        if (invoice.state !== 'sent') throw badInput('the invoice is not open', field);
        if (invoice.currency !== currency)
          throw badInput('the invoice is in another currency', 'currency');
        if (allocation.amountMinor > payableMinor(invoice)) {
          throw badInput('more than the invoice balance', `allocations[${index}].amount`);
        }
      }
      const payment = manager.getRepository(Payment).create({
        id: randomUUID(),
        customerId: input.customerId,
        currency,
        amountMinor,
        method: input.method,
        state: 'succeeded',
        reference,
        receivedOn,
        recordedBy: staffUserId,
        createdAt: new Date(),
      });
      await manager.getRepository(Payment).insert(payment);
      for (const allocation of allocations) {
        await manager.getRepository(PaymentAllocation).insert({
          id: randomUUID(),
          paymentId: payment.id,
          invoiceId: allocation.invoiceId,
          refundId: null,
          amountMinor: allocation.amountMinor,
          effectiveOn: receivedOn,
        });
        await manager
          .getRepository(Invoice)
          .increment({ id: allocation.invoiceId }, 'paidMinor', allocation.amountMinor);
      }
      await recordEvent(manager, 'payment.succeeded', {
        paymentId: payment.id,
        customerId: payment.customerId,
        amountMinor,
        currency,
        invoiceIds: allocations.map((a) => a.invoiceId),
      });
      return payment;
    });
    await this.outbox.notify();
    return payment;
  }

  /**
   * Returns money from a payment. The unallocated part goes first; beyond it,
   * allocations are reversed newest first, reopening those invoices' balances.
   */
  async refund(
    staffUserId: string,
    input: {
      paymentId: string;
      amount: string;
      reason?: string | null;
      refundedOn?: string | null;
    },
  ): Promise<Refund> {
    const refund = await this.db.transaction(async (manager) => {
      const payment = await manager.getRepository(Payment).findOne({
        where: { id: input.paymentId },
        ...forUpdate(manager),
      });
      if (!payment) throw notFoundError('Payment');
      if (payment.state !== 'succeeded')
        throw badInput('only succeeded payments can be refunded', 'paymentId');
      const amountMinor = parseAmount(input.amount, payment.currency);
      const refundedOn = input.refundedOn ? parseDate(input.refundedOn, 'refundedOn') : todayUtc();
      const refunds = await manager
        .getRepository(Refund)
        .find({ where: { paymentId: payment.id } });
      const alreadyRefunded = refunds.reduce((sum, r) => sum + r.amountMinor, 0);
      if (amountMinor > payment.amountMinor - alreadyRefunded) {
        throw badInput('more than is left of the payment', 'amount');
      }
      const allocations = await manager
        .getRepository(PaymentAllocation)
        .find({ where: { paymentId: payment.id }, order: { effectiveOn: 'DESC', id: 'DESC' } });
      const allocatedByInvoice = new Map<string, number>();
      for (const a of allocations) {
        allocatedByInvoice.set(
          a.invoiceId,
          (allocatedByInvoice.get(a.invoiceId) ?? 0) + a.amountMinor,
        );
      }
      const allocated = [...allocatedByInvoice.values()].reduce((s, v) => s + v, 0);
      const unallocated = payment.amountMinor - alreadyRefunded - allocated;
      let toReverse = Math.max(0, amountMinor - Math.max(0, unallocated));
      const refund = manager.getRepository(Refund).create({
        id: randomUUID(),
        paymentId: payment.id,
        customerId: payment.customerId,
        amountMinor,
        reason: input.reason?.trim() || null,
        refundedOn,
        recordedBy: staffUserId,
        createdAt: new Date(),
      });
      await manager.getRepository(Refund).insert(refund);
      const invoiceOrder = [...new Set(allocations.map((a) => a.invoiceId))];
      await lockInvoices(manager, invoiceOrder);
      for (const invoiceId of invoiceOrder) {
        if (toReverse === 0) break;
        const reversible = allocatedByInvoice.get(invoiceId) ?? 0;
        const reverse = Math.min(reversible, toReverse);
        if (reverse <= 0) continue;
        await manager.getRepository(PaymentAllocation).insert({
          id: randomUUID(),
          paymentId: payment.id,
          invoiceId,
          refundId: refund.id,
          amountMinor: -reverse,
          effectiveOn: refundedOn,
        });
        await manager.getRepository(Invoice).decrement({ id: invoiceId }, 'paidMinor', reverse);
        toReverse -= reverse;
      }
      await recordEvent(manager, 'payment.refunded', {
        paymentId: payment.id,
        refundId: refund.id,
        customerId: payment.customerId,
        amountMinor,
      });
      return refund;
    });
    await this.outbox.notify();
    return refund;
  }
}
