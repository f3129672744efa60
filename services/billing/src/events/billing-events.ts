import type { EntityManager } from 'typeorm';
import { defineEventCatalog, eventType, recordEvents } from '@portico/kit';

/** An invoice line that bills a purchase order line, as sales counts invoiced quantities. */
export interface InvoicedOrderLine {
  orderLineId: string;
  quantityMilli: number;
}

export interface InvoiceEventPayload {
  invoiceId: string;
  customerId: string;
  number?: string | null;
  /**
   * Present when the invoice bills a purchase order (sales): the order, its
   * quote when known, and the lines that bill order lines (possibly none,
   * for an invoice linked to the order by hand). A voided invoice's lines no
   * longer count as invoiced.
   */
  purchaseOrderId?: string;
  quoteId?: string | null;
  lines?: InvoicedOrderLine[];
}

interface PaymentEventPayload {
  paymentId: string;
  customerId: string;
  amountMinor: number;
  currency?: string;
  /** The invoices the payment paid (succeeded) or had reserved (failed). */
  invoiceIds?: string[];
  refundId?: string;
}

interface CreditEventPayload {
  creditNoteId: string;
  invoiceId: string;
  customerId: string;
  amountMinor: number;
}

/**
 * Every event billing publishes, with its schema version: messaging posts
 * them into customers' timelines, subscriptions hear of them. Amounts are
 * integer minor units of the payment's currency.
 */
export const billingEvents = defineEventCatalog('billing', {
  'invoice.issued': eventType<InvoiceEventPayload>({ schemaVersion: 1, aggregateType: 'invoice' }),
  'invoice.voided': eventType<InvoiceEventPayload>({ schemaVersion: 1, aggregateType: 'invoice' }),
  'payment.succeeded': eventType<PaymentEventPayload>({
    schemaVersion: 1,
    aggregateType: 'payment',
  }),
  'payment.failed': eventType<PaymentEventPayload>({ schemaVersion: 1, aggregateType: 'payment' }),
  'payment.refunded': eventType<PaymentEventPayload>({
    schemaVersion: 1,
    aggregateType: 'payment',
  }),
  'credit.applied': eventType<CreditEventPayload>({
    schemaVersion: 1,
    aggregateType: 'credit_note',
  }),
});

type Definitions = (typeof billingEvents)['definitions'];
export type BillingEventType = keyof Definitions & string;
type PayloadOf<T extends BillingEventType> = NonNullable<Definitions[T]['payload']>;

function aggregateIdOf(payload: InvoiceEventPayload | PaymentEventPayload | CreditEventPayload) {
  if ('paymentId' in payload) return payload.paymentId;
  if ('creditNoteId' in payload) return payload.creditNoteId;
  return payload.invoiceId;
}

/**
 * Records a billing event in the caller's transaction (billing's outbox);
 * the caller awaits `outbox.notify()` after commit.
 */
export function recordEvent<T extends BillingEventType>(
  manager: EntityManager,
  type: T,
  payload: PayloadOf<T>,
): Promise<void> {
  return recordEvents(
    manager,
    billingEvents.create(type, {
      aggregateId: aggregateIdOf(payload),
      customerId: payload.customerId,
      payload,
    }),
  );
}
