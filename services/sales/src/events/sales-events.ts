import type { EntityManager } from 'typeorm';
import { defineEventCatalog, eventType, recordEvents } from '@portico/kit';

/** Who did it: a contact of the customer, or the business (never a staff member's own data). */
export type SalesActor =
  | { kind: 'contact'; contactId: string; name?: string | null }
  | { kind: 'business' }
  | { kind: 'partner'; clientId: string };

export interface QuoteEventPayload {
  quoteId: string;
  customerId: string;
  number: string;
  /** The revision the event is about (1 for the first one sent). */
  revision: number;
  actor: SalesActor;
  /** The customer's comment (accepted, changes requested) or the reason's text (declined). */
  comment?: string | null;
  /** Declined: the reason's code (see QuoteDeclineReason). */
  reasonCode?: string | null;
  /** Accepted: the signer's name, the optional lines chosen, the customer's own order reference. */
  signerName?: string | null;
  optionalLineIds?: string[];
  customerReference?: string | null;
  /** Accepted: SHA-256 (hex) of the exact revision accepted. */
  revisionSha256?: string | null;
}

/** A line of the invoice billing is asked to raise when a quote converts. */
export interface InvoiceRequestLine {
  orderLineId: string;
  description: string;
  quantityMilli: number;
  unitPriceMinor: number;
  discountBasisPoints: number;
  taxBasisPoints: number;
}

export interface QuoteConvertedPayload extends QuoteEventPayload {
  purchaseOrderId: string;
  purchaseOrderNumber: string;
  /**
   * Present when the business chose an invoice too: billing raises and
   * issues it (recording the quote and the order), once, from this event.
   */
  invoice: {
    currency: string;
    dueDate: string;
    terms: string | null;
    notes: string | null;
    lines: InvoiceRequestLine[];
  } | null;
}

export interface OrderEventPayload {
  purchaseOrderId: string;
  customerId: string;
  number: string;
  /** The order's status after the change (confirmed, in_progress, …). */
  status: string;
  /** The business-defined sub-status after the change, if any. */
  subStatus: { label: string; colour: string } | null;
  /** The timeline entry this change wrote. */
  timelineEntryId: string;
  /** What changed, as the timeline says it (created, status_changed, shipment_added, …). */
  change: string;
  actor: SalesActor;
  shipmentId?: string | null;
  quoteId?: string | null;
}

/**
 * Every event sales publishes, with its schema version: messaging puts
 * quote decisions, comments and change requests in the quote's thread and
 * order changes in the customer's live updates; billing raises the invoice
 * of a converted quote.
 */
export const salesEvents = defineEventCatalog('sales', {
  'quote.sent': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.revised': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.viewed': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.accepted': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.declined': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.changes_requested': eventType<QuoteEventPayload>({
    schemaVersion: 1,
    aggregateType: 'quote',
  }),
  'quote.withdrawn': eventType<QuoteEventPayload>({ schemaVersion: 1, aggregateType: 'quote' }),
  'quote.converted': eventType<QuoteConvertedPayload>({
    schemaVersion: 1,
    aggregateType: 'quote',
  }),
  'order.created': eventType<OrderEventPayload>({ schemaVersion: 1, aggregateType: 'order' }),
  'order.updated': eventType<OrderEventPayload>({ schemaVersion: 1, aggregateType: 'order' }),
  'order.status_changed': eventType<OrderEventPayload>({
    schemaVersion: 1,
    aggregateType: 'order',
  }),
  'order.shipment_added': eventType<OrderEventPayload>({
    schemaVersion: 1,
    aggregateType: 'order',
  }),
  'order.shipment_delivered': eventType<OrderEventPayload>({
    schemaVersion: 1,
    aggregateType: 'order',
  }),
  'order.invoiced': eventType<OrderEventPayload>({ schemaVersion: 1, aggregateType: 'order' }),
});

type Definitions = (typeof salesEvents)['definitions'];
export type SalesEventType = keyof Definitions & string;
type PayloadOf<T extends SalesEventType> = NonNullable<Definitions[T]['payload']>;

/**
 * Records a sales event in the caller's transaction (sales' outbox); the
 * caller awaits `outbox.notify()` after commit.
 */
export function recordSalesEvent<T extends SalesEventType>(
  manager: EntityManager,
  type: T,
  payload: PayloadOf<T>,
): Promise<void> {
  const p = payload as Partial<QuoteEventPayload & OrderEventPayload> & { customerId: string };
  return recordEvents(
    manager,
    salesEvents.create(type, {
      aggregateId: String(type.startsWith('quote.') ? p.quoteId : p.purchaseOrderId),
      customerId: p.customerId,
      payload,
    }),
  );
}
