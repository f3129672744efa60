import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import { OrderSubStatus, PurchaseOrder, Shipment } from './order.entity';
import { PurchaseOrderStatus } from './order.status';

@InputType({ description: 'One line of a new purchase order. Amounts are decimal strings.' })
export class PurchaseOrderLineInput {
  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'Up to 3 decimals, e.g. "2.5".' })
  quantity!: string;

  @Field(() => String, { description: 'In the order currency, e.g. "120.00".' })
  unitPrice!: string;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "10".' })
  discountPercent?: string | null;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "21".' })
  taxPercent?: string | null;
}

@InputType({ description: 'A purchase order the business confirmed outside a quote.' })
export class CreatePurchaseOrderInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { description: 'ISO 4217, e.g. "EUR".' })
  currency!: string;

  @Field(() => String, { nullable: true, description: "The customer's own order reference." })
  customerReference?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  expectedDeliveryDate?: string | null;

  @Field(() => [PurchaseOrderLineInput])
  lines!: PurchaseOrderLineInput[];
}

@InputType({ description: 'Changes what is given; null clears a field, leaving it out keeps it.' })
export class UpdatePurchaseOrderInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  customerReference?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  expectedDeliveryDate?: string | null;
}

@InputType()
export class SetPurchaseOrderStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => PurchaseOrderStatus, {
    description:
      'in progress, on hold (and back), cancelled (before anything shipped) or closed; shipping and delivery statuses follow from shipments.',
  })
  status!: PurchaseOrderStatus;
}

@InputType()
export class SetPurchaseOrderSubStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, {
    nullable: true,
    description: "A sub-status of the order's current status; null clears it.",
  })
  subStatusId?: string | null;
}

@InputType()
export class ShipmentLineInput {
  @Field(() => ID)
  orderLineId!: string;

  @Field(() => String, { description: 'Up to 3 decimals, more than zero.' })
  quantity!: string;
}

@InputType()
export class AddShipmentInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => String)
  carrier!: string;

  @Field(() => String, { nullable: true })
  trackingNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'An http or https address.' })
  trackingUrl?: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  shippedAt!: string;

  @Field(() => [ShipmentLineInput])
  lines!: ShipmentLineInput[];
}

@InputType()
export class MarkShipmentDeliveredInput {
  @Field(() => ID)
  shipmentId!: string;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  deliveredAt!: string;
}

@InputType()
export class CreateOrderSubStatusInput {
  @Field(() => PurchaseOrderStatus)
  status!: PurchaseOrderStatus;

  @Field(() => String, { description: '1 to 60 characters.' })
  label!: string;

  @Field(() => String, { description: '#rrggbb.' })
  colour!: string;

  @Field(() => Int, { nullable: true, description: 'Sort order; after the others by default.' })
  position?: number | null;
}

@InputType()
export class UpdateOrderSubStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => String, { nullable: true })
  colour?: string | null;

  @Field(() => Int, { nullable: true })
  position?: number | null;
}

@InputType()
export class ArchiveOrderSubStatusInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class PurchaseOrderPayload {
  @Field(() => PurchaseOrder)
  purchaseOrder!: PurchaseOrder;
}

@ObjectType()
export class ShipmentPayload {
  @Field(() => PurchaseOrder)
  purchaseOrder!: PurchaseOrder;

  @Field(() => Shipment)
  shipment!: Shipment;
}

@ObjectType()
export class OrderSubStatusPayload {
  @Field(() => OrderSubStatus)
  subStatus!: OrderSubStatus;
}

@ObjectType()
export class PurchaseOrderPageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'A page of purchase orders, newest first.' })
export class PurchaseOrderPage {
  @Field(() => [PurchaseOrder])
  nodes!: PurchaseOrder[];

  @Field(() => PurchaseOrderPageInfo)
  pageInfo!: PurchaseOrderPageInfo;
}

@ObjectType({ description: 'A sub-status as customers see it.' })
@RequireScopes('orders:read')
export class OrderSubStatusLabel {
  @Field(() => String)
  label!: string;

  @Field(() => String, { description: '#rrggbb.' })
  colour!: string;
}
