import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';
import { PurchaseOrderStatus } from './order.status';

/**
 * A purchase order: the customer's order as the business confirmed it (a
 * sales order on the business's side). Shipped, delivered and invoiced
 * quantities live on its lines; every change to it takes a row lock on it
 * first, so they never pass what was ordered whatever runs at once.
 */
@ObjectType({
  description:
    "A purchase order: the customer's order as the business confirmed it (a sales order on the business's side). Customers follow it; they cannot place orders through the portal.",
})
@Directive('@key(fields: "id")')
// Partner data of orders:read, however reached (the rule follows the type).
@RequireScopes('orders:read')
@Entity({ name: 'purchase_orders' })
@Index('idx_purchase_orders_customer_date', ['customerId', 'orderDate'])
export class PurchaseOrder {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => String, { description: "The business's number for it: PO-YYYY-NNNNN." })
  @Index('uq_purchase_orders_number', { unique: true })
  @ExactTokenColumn({ length: 32 })
  number!: string;

  @Field(() => String, {
    nullable: true,
    description: "The customer's own reference for the order (their purchase order number).",
  })
  @Column({ type: 'varchar', length: 100, nullable: true })
  customerReference!: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD: when the business confirmed the order.' })
  @ExactTokenColumn({ length: 10 })
  orderDate!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, when the business said.' })
  @ExactTokenColumn({ length: 10, nullable: true })
  expectedDeliveryDate!: string | null;

  @Field(() => PurchaseOrderStatus)
  @ExactTokenColumn({ length: 20 })
  status!: PurchaseOrderStatus;

  /** While on hold: the status to go back to. */
  @ExactTokenColumn({ length: 20, nullable: true })
  heldFromStatus!: PurchaseOrderStatus | null;

  @ExactTokenColumn({ length: 36, nullable: true })
  subStatusId!: string | null;

  /** The quote it was converted from, if any. */
  @ExactTokenColumn({ length: 36, nullable: true })
  quoteId!: string | null;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @MinorUnitsColumn()
  subtotalMinor!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  @MinorUnitsColumn()
  totalMinor!: number;

  /** The sequence number of the order's last timeline entry. */
  @Column({ type: 'integer' })
  timelineSequence!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * One line. Quantities in thousandths (1.5 = 1500); shipped, delivered and
 * invoiced never pass ordered except invoiced, which is billing's word.
 */
@ObjectType({
  description: 'A line of a purchase order, with what has shipped, arrived and been invoiced.',
})
@RequireScopes('orders:read')
@Entity({ name: 'order_lines' })
export class OrderLine {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_order_lines_order_id')
  @ExactTokenColumn({ length: 36 })
  orderId!: string;

  @Field(() => Int, { description: '1-based order on the purchase order.' })
  @Column({ type: 'integer' })
  position!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 500 })
  description!: string;

  @MinorUnitsColumn()
  quantityMilli!: number;

  @MinorUnitsColumn()
  shippedMilli!: number;

  @MinorUnitsColumn()
  deliveredMilli!: number;

  @MinorUnitsColumn()
  invoicedMilli!: number;

  @MinorUnitsColumn()
  unitPriceMinor!: number;

  @Column({ type: 'integer' })
  discountBasisPoints!: number;

  @Column({ type: 'integer' })
  taxBasisPoints!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  /** quantity × unit price − discount + tax */
  @MinorUnitsColumn()
  totalMinor!: number;
}

@ObjectType({ description: 'A shipment of (part of) a purchase order.' })
@RequireScopes('orders:read')
@Entity({ name: 'shipments' })
export class Shipment {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_shipments_order_id')
  @ExactTokenColumn({ length: 36 })
  orderId!: string;

  @Field(() => Int, { description: '1 for the first shipment of the order, and so on.' })
  @Column({ type: 'integer' })
  sequence!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 100 })
  carrier!: string;

  @Field(() => String, { nullable: true })
  @ExactTokenColumn({ length: 100, nullable: true })
  trackingNumber!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The carrier's tracking page (http or https).",
  })
  @ExactTokenColumn({ length: 1000, nullable: true })
  trackingUrl!: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  shippedAt!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null until delivered.' })
  @ExactTokenColumn({ length: 10, nullable: true })
  deliveredAt!: string | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

@ObjectType({ description: 'How much of one order line a shipment carries.' })
@RequireScopes('orders:read')
@Entity({ name: 'shipment_lines' })
export class ShipmentLine {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_shipment_lines_shipment_id')
  @ExactTokenColumn({ length: 36 })
  shipmentId!: string;

  @ExactTokenColumn({ length: 36 })
  orderLineId!: string;

  @MinorUnitsColumn()
  quantityMilli!: number;
}

/**
 * A business-defined refinement of one status ("Picking" while in
 * progress), with a colour for the portal. Archived ones stay on the orders
 * that carry them but cannot be chosen again.
 */
@ObjectType({ description: 'A sub-status the business defined for one order status.' })
@RequireScopes('orders:read')
@Entity({ name: 'order_sub_statuses' })
@Index('idx_order_sub_statuses_status', ['status', 'position'])
export class OrderSubStatus {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Field(() => PurchaseOrderStatus, { description: 'The status it refines.' })
  @ExactTokenColumn({ length: 20 })
  status!: PurchaseOrderStatus;

  @Field(() => String)
  @Column({ type: 'varchar', length: 60 })
  label!: string;

  @Field(() => String, { description: 'Colour as #rrggbb.' })
  @ExactTokenColumn({ length: 7 })
  colour!: string;

  @Field(() => Int, { description: 'Sort order within its status.' })
  @Column({ type: 'integer' })
  position!: number;

  @Field(() => Boolean)
  @BooleanColumn()
  archived!: boolean;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * One change of an order, in order (`sequence` 1, 2, … per order).
 * `staffUserId` is kept for the business's audit only and never exposed.
 */
@ObjectType({
  description:
    "One change of a purchase order: what, when and by whom on the business's side (never which staff member).",
})
@RequireScopes('orders:read')
@Entity({ name: 'order_timeline' })
@Index('uq_order_timeline_sequence', ['orderId', 'sequence'], { unique: true })
export class OrderTimelineEntry {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  orderId!: string;

  @Field(() => Int, { description: '1 for the first change of the order, and so on.' })
  @Column({ type: 'integer' })
  sequence!: number;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  at!: Date;

  @ExactTokenColumn({ length: 32 })
  kind!: string;

  /** business | contact | system */
  @ExactTokenColumn({ length: 16 })
  actorKind!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  actorContactId!: string | null;

  /** Audit only: which staff member, never shown to customers or partners. */
  @ExactTokenColumn({ length: 36, nullable: true })
  staffUserId!: string | null;

  /** The order's status after the change. */
  @ExactTokenColumn({ length: 20 })
  status!: string;

  /** What changed (JSON, see TimelineDetails). */
  @ExactTokenColumn({ type: 'text' })
  details!: string;
}

/** An invoice billing raised against the order, as billing's events said. */
@Entity({ name: 'order_invoices' })
export class OrderInvoice {
  @ExactTokenColumn({ length: 36, primary: true })
  invoiceId!: string;

  @Index('idx_order_invoices_order_id')
  @ExactTokenColumn({ length: 36 })
  orderId!: string;

  @ExactTokenColumn({ length: 32, nullable: true })
  number!: string | null;

  /** issued | void */
  @ExactTokenColumn({ length: 8 })
  state!: 'issued' | 'void';

  /** What the invoice added to the order's lines (JSON [{orderLineId, quantityMilli}]). */
  @ExactTokenColumn({ type: 'text' })
  lines!: string;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

export const ORDER_ENTITIES = [
  PurchaseOrder,
  OrderLine,
  Shipment,
  ShipmentLine,
  OrderSubStatus,
  OrderTimelineEntry,
  OrderInvoice,
];
