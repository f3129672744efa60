import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { codedError, ErrorCode, forUpdate, notFoundError } from '@portico/kit';
import { recordSalesEvent, type SalesActor, type SalesEventType } from '../events/sales-events';
import { OrderSubStatus, OrderTimelineEntry, PurchaseOrder } from './order.entity';
import { OrderTimelineKind } from './order.status';

/**
 * Who makes a change. Staff act as the business: their id is kept on the
 * timeline for the business's audit, never shown to customers or partners.
 */
export type OrderActor =
  | { kind: 'business'; staffUserId: string | null }
  | { kind: 'contact'; contactId: string }
  | { kind: 'system' };

export const SYSTEM_ACTOR: OrderActor = { kind: 'system' };

/** What a timeline entry says beyond its kind and the status after it (JSON on the row). */
export interface TimelineDetails {
  previousStatus?: string | null;
  /** The sub-status after the change, as it was labelled then. */
  subStatus?: { label: string; colour: string } | null;
  /** `updated`: which fields changed. */
  fields?: string[];
  shipmentId?: string | null;
  invoiceId?: string | null;
  invoiceNumber?: string | null;
}

const EVENT_OF: Record<OrderTimelineKind, SalesEventType> = {
  [OrderTimelineKind.CREATED]: 'order.created',
  [OrderTimelineKind.UPDATED]: 'order.updated',
  [OrderTimelineKind.STATUS_CHANGED]: 'order.status_changed',
  [OrderTimelineKind.SUB_STATUS_CHANGED]: 'order.status_changed',
  [OrderTimelineKind.SHIPMENT_ADDED]: 'order.shipment_added',
  [OrderTimelineKind.SHIPMENT_DELIVERED]: 'order.shipment_delivered',
  [OrderTimelineKind.INVOICED]: 'order.invoiced',
  [OrderTimelineKind.INVOICE_VOIDED]: 'order.invoiced',
};

/** A refusal with the kebab-case reason clients branch on. */
export function refusal(message: string, field: string, reason: string) {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field, reason } });
}

/** The order, locked for the rest of the transaction (MySQL/MariaDB; SQLite runs one at a time). */
export async function lockedOrder(manager: EntityManager, id: string): Promise<PurchaseOrder> {
  const order = await manager
    .getRepository(PurchaseOrder)
    .findOne({ where: { id }, ...forUpdate(manager) });
  if (!order) throw notFoundError('PurchaseOrder');
  return order;
}

function salesActor(actor: OrderActor): SalesActor {
  // The events' actor knows no "system": a change sales made on its own
  // (an invoice billing raised) is the business's.
  return actor.kind === 'contact'
    ? { kind: 'contact', contactId: actor.contactId }
    : { kind: 'business' };
}

/**
 * Writes the order as changed, its next timeline entry and the matching
 * order.* event, all in the caller's transaction (which holds the order's
 * lock, so sequences never collide). The caller awaits `outbox.notify()`
 * after commit.
 */
export async function recordOrderChange(
  manager: EntityManager,
  order: PurchaseOrder,
  kind: OrderTimelineKind,
  actor: OrderActor,
  details: TimelineDetails = {},
): Promise<OrderTimelineEntry> {
  const now = new Date();
  const subStatus = order.subStatusId
    ? await manager.getRepository(OrderSubStatus).findOneBy({ id: order.subStatusId })
    : null;
  const shownSubStatus = subStatus ? { label: subStatus.label, colour: subStatus.colour } : null;
  order.timelineSequence += 1;
  order.updatedAt = now;
  await manager.getRepository(PurchaseOrder).save(order);
  const entry: OrderTimelineEntry = {
    id: randomUUID(),
    orderId: order.id,
    sequence: order.timelineSequence,
    at: now,
    kind,
    actorKind: actor.kind,
    actorContactId: actor.kind === 'contact' ? actor.contactId : null,
    staffUserId: actor.kind === 'business' ? actor.staffUserId : null,
    status: order.status,
    details: JSON.stringify({ ...details, subStatus: shownSubStatus }),
  };
  await manager.getRepository(OrderTimelineEntry).insert(entry);
  await recordSalesEvent(manager, EVENT_OF[kind], {
    purchaseOrderId: order.id,
    customerId: order.customerId,
    number: order.number,
    status: order.status,
    subStatus: shownSubStatus,
    timelineEntryId: entry.id,
    change: kind,
    actor: salesActor(actor),
    shipmentId: details.shipmentId ?? null,
    quoteId: order.quoteId,
  });
  return entry;
}
