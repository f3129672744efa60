import { registerEnumType } from 'type-graphql';

/** Where a purchase order stands. Stored as the lower-case value. */
export enum PurchaseOrderStatus {
  CONFIRMED = 'confirmed',
  IN_PROGRESS = 'in_progress',
  PARTIALLY_SHIPPED = 'partially_shipped',
  SHIPPED = 'shipped',
  DELIVERED = 'delivered',
  ON_HOLD = 'on_hold',
  CANCELLED = 'cancelled',
  CLOSED = 'closed',
}

registerEnumType(PurchaseOrderStatus, {
  name: 'PurchaseOrderStatus',
  description: 'Where a purchase order stands.',
  valuesConfig: {
    CONFIRMED: { description: 'The business confirmed the order; nothing prepared yet.' },
    IN_PROGRESS: { description: 'The business is preparing the order.' },
    PARTIALLY_SHIPPED: { description: 'Some of what was ordered has shipped.' },
    SHIPPED: { description: 'Everything ordered has shipped.' },
    DELIVERED: { description: 'Everything ordered has been delivered.' },
    ON_HOLD: { description: 'Paused by the business; it resumes where it was.' },
    CANCELLED: { description: 'Cancelled before anything shipped.' },
    CLOSED: { description: 'Closed by the business: final.' },
  },
});

export const ORDER_STATUSES = Object.values(PurchaseOrderStatus);

/**
 * What staff may set by hand, from each status. Shipping and delivery
 * statuses follow from shipments and deliveries and are never set by hand;
 * leaving on_hold goes back to the status the order was held from; cancelled
 * and closed are final.
 */
export const MANUAL_TRANSITIONS: Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]> = {
  [PurchaseOrderStatus.CONFIRMED]: [
    PurchaseOrderStatus.IN_PROGRESS,
    PurchaseOrderStatus.ON_HOLD,
    PurchaseOrderStatus.CANCELLED,
  ],
  [PurchaseOrderStatus.IN_PROGRESS]: [
    PurchaseOrderStatus.CONFIRMED,
    PurchaseOrderStatus.ON_HOLD,
    PurchaseOrderStatus.CANCELLED,
  ],
  [PurchaseOrderStatus.PARTIALLY_SHIPPED]: [
    PurchaseOrderStatus.ON_HOLD,
    PurchaseOrderStatus.CLOSED,
  ],
  [PurchaseOrderStatus.SHIPPED]: [PurchaseOrderStatus.ON_HOLD, PurchaseOrderStatus.CLOSED],
  [PurchaseOrderStatus.DELIVERED]: [PurchaseOrderStatus.CLOSED],
  // Plus back to the status it was held from (see OrderService.setStatus).
  [PurchaseOrderStatus.ON_HOLD]: [PurchaseOrderStatus.CANCELLED, PurchaseOrderStatus.CLOSED],
  [PurchaseOrderStatus.CANCELLED]: [],
  [PurchaseOrderStatus.CLOSED]: [],
};

/** Statuses that follow from shipped and delivered quantities, never set by hand. */
export const AUTOMATIC_STATUSES: readonly PurchaseOrderStatus[] = [
  PurchaseOrderStatus.PARTIALLY_SHIPPED,
  PurchaseOrderStatus.SHIPPED,
  PurchaseOrderStatus.DELIVERED,
];

export function isOrderStatus(value: string): value is PurchaseOrderStatus {
  return (ORDER_STATUSES as string[]).includes(value);
}

/** What happened, as the order's timeline says it. */
export enum OrderTimelineKind {
  CREATED = 'created',
  STATUS_CHANGED = 'status_changed',
  SUB_STATUS_CHANGED = 'sub_status_changed',
  UPDATED = 'updated',
  SHIPMENT_ADDED = 'shipment_added',
  SHIPMENT_DELIVERED = 'shipment_delivered',
  INVOICED = 'invoiced',
  INVOICE_VOIDED = 'invoice_voided',
}

registerEnumType(OrderTimelineKind, {
  name: 'OrderTimelineKind',
  description: 'What changed on a purchase order.',
});

/** Who made a change, as customers may see it: never a staff member's own data. */
export enum OrderActorKind {
  BUSINESS = 'business',
  CONTACT = 'contact',
  SYSTEM = 'system',
}

registerEnumType(OrderActorKind, {
  name: 'OrderActorKind',
  description:
    'Who made a change: the business (any of its staff; who exactly is not shown), a contact of the customer, or the system on its own (e.g. an invoice raised in billing).',
});
