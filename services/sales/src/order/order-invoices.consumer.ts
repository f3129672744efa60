import type { EntityManager } from 'typeorm';
import {
  EventConsumer,
  type ApplyOutcome,
  type Database,
  type EventEnvelope,
  type Outbox,
} from '@portico/kit';
import { OrderInvoice, OrderLine, PurchaseOrder } from './order.entity';
import { lockedOrder, recordOrderChange, SYSTEM_ACTOR } from './order.changes';
import { OrderTimelineKind } from './order.status';

/** The consumer's name in every instance of sales. */
export const BILLING_CONSUMER = 'sales.billing';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

interface InvoicedLine {
  orderLineId: string;
  quantityMilli: number;
}

/** What sales reads of billing's invoice.issued / invoice.voided (fields it does not need are ignored). */
interface InvoiceEvent {
  invoiceId: string;
  purchaseOrderId: string | null;
  customerId: string | null;
  number: string | null;
  lines: InvoicedLine[];
}

function invoiceEvent(event: EventEnvelope): InvoiceEvent | null {
  const p = event.payload;
  if (!isObj(p)) return null;
  const invoiceId =
    str(p.invoiceId) ?? (event.aggregateType === 'invoice' ? event.aggregateId : null);
  if (!invoiceId) return null;
  const lines: InvoicedLine[] = [];
  if (Array.isArray(p.lines)) {
    for (const line of p.lines) {
      if (!isObj(line)) continue;
      const orderLineId = str(line.orderLineId);
      const q = line.quantityMilli;
      if (orderLineId && typeof q === 'number' && Number.isSafeInteger(q) && q > 0) {
        lines.push({ orderLineId, quantityMilli: q });
      }
    }
  }
  return {
    invoiceId,
    purchaseOrderId: str(p.purchaseOrderId),
    customerId: str(p.customerId) ?? event.customerId ?? null,
    number: str(p.number),
    lines,
  };
}

/** Adds (or, with sign −1, takes back) an invoice's quantities on the order's lines. */
async function applyQuantities(
  manager: EntityManager,
  orderId: string,
  lines: InvoicedLine[],
  sign: 1 | -1,
): Promise<InvoicedLine[]> {
  const orderLines = await manager.getRepository(OrderLine).findBy({ orderId });
  const byId = new Map(orderLines.map((l) => [l.id, l]));
  const applied: InvoicedLine[] = [];
  for (const item of lines) {
    const line = byId.get(item.orderLineId);
    // A line of another order is not this order's to count.
    if (!line) continue;
    line.invoicedMilli = Math.max(0, line.invoicedMilli + sign * item.quantityMilli);
    await manager
      .getRepository(OrderLine)
      .update({ id: line.id }, { invoicedMilli: line.invoicedMilli });
    applied.push(item);
  }
  return applied;
}

async function onIssued(manager: EntityManager, event: EventEnvelope): Promise<void> {
  const invoice = invoiceEvent(event);
  // Invoices raised without an order are none of sales' business.
  if (!invoice?.purchaseOrderId) return;
  const exists = await manager
    .getRepository(PurchaseOrder)
    .findOneBy({ id: invoice.purchaseOrderId });
  if (!exists || (invoice.customerId && invoice.customerId !== exists.customerId)) return;
  const order = await lockedOrder(manager, invoice.purchaseOrderId);
  const repo = manager.getRepository(OrderInvoice);
  const known = await repo.findOneBy({ invoiceId: invoice.invoiceId });
  if (known) return;
  const applied = await applyQuantities(manager, order.id, invoice.lines, 1);
  await repo.insert({
    invoiceId: invoice.invoiceId,
    orderId: order.id,
    number: invoice.number,
    state: 'issued',
    lines: JSON.stringify(applied),
    updatedAt: new Date(),
  });
  await recordOrderChange(manager, order, OrderTimelineKind.INVOICED, SYSTEM_ACTOR, {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number,
  });
}

async function onVoided(manager: EntityManager, event: EventEnvelope): Promise<void> {
  const invoice = invoiceEvent(event);
  if (!invoice) return;
  // The link recorded when the invoice was issued finds the order even when
  // the void does not name it; one naming another order is not believed.
  const known = await manager
    .getRepository(OrderInvoice)
    .findOneBy({ invoiceId: invoice.invoiceId });
  if (!known || known.state === 'void') return;
  if (invoice.purchaseOrderId && known.orderId !== invoice.purchaseOrderId) return;
  const order = await lockedOrder(manager, known.orderId);
  // What the invoice added when issued is taken back, whatever the void's payload says.
  await applyQuantities(manager, order.id, JSON.parse(known.lines) as InvoicedLine[], -1);
  await manager
    .getRepository(OrderInvoice)
    .update({ invoiceId: known.invoiceId }, { state: 'void', updatedAt: new Date() });
  await recordOrderChange(manager, order, OrderTimelineKind.INVOICE_VOIDED, SYSTEM_ACTOR, {
    invoiceId: known.invoiceId,
    invoiceNumber: known.number ?? invoice.number,
  });
}

/**
 * Follows billing's invoices raised against purchase orders: their
 * quantities count as invoiced on the order's lines, the invoice is linked
 * to the order, and the order's timeline and order.invoiced say so. Each
 * event applies once (the kit's inbox); sales' own events written meanwhile
 * are numbered once the effect commits.
 */
export class OrderInvoiceConsumer extends EventConsumer {
  constructor(
    db: Database,
    private readonly outbox: Outbox,
  ) {
    super(db, {
      name: BILLING_CONSUMER,
      handlers: { 'invoice.issued': onIssued, 'invoice.voided': onVoided },
    });
  }

  override async apply(event: EventEnvelope, inOrder = false): Promise<ApplyOutcome> {
    const outcome = await super.apply(event, inOrder);
    if (outcome === 'applied') await this.outbox.notify();
    return outcome;
  }
}
