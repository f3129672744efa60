import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import { money, Money } from '@portico/commerce';
import type { SalesContext } from '../context';
import { OrderLine, OrderTimelineEntry, Shipment, ShipmentLine } from './order.entity';
import { OrderSubStatusLabel } from './order.inputs';
import { OrderActorKind, OrderTimelineKind, PurchaseOrderStatus } from './order.status';
import type { TimelineDetails } from './order.changes';

/** A quantity in thousandths as a decimal string: 1500 → "1.5". */
export function formatQuantityMilli(milli: number): string {
  const whole = Math.trunc(milli / 1000);
  const fraction = (milli % 1000).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

function percent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = (basisPoints % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

async function currencyOf(orderId: string, ctx: SalesContext): Promise<string> {
  const order = await ctx.loaders.purchaseOrder.load(orderId);
  return order?.currency ?? 'XXX';
}

@Resolver(() => OrderLine)
export class OrderLineResolver {
  @FieldResolver(() => String, { description: 'Ordered, as a decimal, e.g. "1.5".' })
  quantity(@Root() line: OrderLine): string {
    return formatQuantityMilli(line.quantityMilli);
  }

  @FieldResolver(() => String, { description: 'Shipped so far.' })
  shippedQuantity(@Root() line: OrderLine): string {
    return formatQuantityMilli(line.shippedMilli);
  }

  @FieldResolver(() => String, { description: 'Delivered so far.' })
  deliveredQuantity(@Root() line: OrderLine): string {
    return formatQuantityMilli(line.deliveredMilli);
  }

  @FieldResolver(() => String, { description: 'On invoices billing raised against the order.' })
  invoicedQuantity(@Root() line: OrderLine): string {
    return formatQuantityMilli(line.invoicedMilli);
  }

  @FieldResolver(() => Money)
  async unitPrice(@Root() line: OrderLine, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(line.unitPriceMinor, await currencyOf(line.orderId, ctx));
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "10".' })
  discountPercent(@Root() line: OrderLine): string {
    return percent(line.discountBasisPoints);
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "21".' })
  taxPercent(@Root() line: OrderLine): string {
    return percent(line.taxBasisPoints);
  }

  @FieldResolver(() => Money, {
    description: 'quantity × unit price − discount + tax, rounded half-up per line.',
  })
  async total(@Root() line: OrderLine, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(line.totalMinor, await currencyOf(line.orderId, ctx));
  }
}

@Resolver(() => Shipment)
export class ShipmentResolver {
  @FieldResolver(() => [ShipmentLine], { description: 'What it carries.' })
  lines(@Root() shipment: Shipment, @Ctx() ctx: SalesContext): Promise<ShipmentLine[]> {
    return ctx.loaders.linesByShipment.load(shipment.id);
  }
}

@Resolver(() => ShipmentLine)
export class ShipmentLineResolver {
  @FieldResolver(() => OrderLine, { nullable: true, description: 'The order line it ships.' })
  orderLine(@Root() line: ShipmentLine, @Ctx() ctx: SalesContext): Promise<OrderLine | null> {
    return ctx.loaders.orderLine.load(line.orderLineId);
  }

  @FieldResolver(() => String, { description: 'As a decimal, e.g. "2".' })
  quantity(@Root() line: ShipmentLine): string {
    return formatQuantityMilli(line.quantityMilli);
  }
}

@ObjectType({ description: 'Who made a change, as the customer may see it.' })
@RequireScopes('orders:read')
export class OrderChangeActor {
  @Field(() => OrderActorKind)
  kind!: OrderActorKind;
}

function details(entry: OrderTimelineEntry): TimelineDetails {
  return JSON.parse(entry.details) as TimelineDetails;
}

@Resolver(() => OrderTimelineEntry)
export class OrderTimelineEntryResolver {
  @FieldResolver(() => OrderTimelineKind)
  kind(@Root() entry: OrderTimelineEntry): OrderTimelineKind {
    return entry.kind as OrderTimelineKind;
  }

  @FieldResolver(() => OrderChangeActor, {
    description: 'The business (which staff member is never shown), a contact, or the system.',
  })
  by(@Root() entry: OrderTimelineEntry): OrderChangeActor {
    return { kind: entry.actorKind as OrderActorKind };
  }

  @FieldResolver(() => PurchaseOrderStatus, { description: 'The status after the change.' })
  status(@Root() entry: OrderTimelineEntry): PurchaseOrderStatus {
    return entry.status as PurchaseOrderStatus;
  }

  @FieldResolver(() => PurchaseOrderStatus, {
    nullable: true,
    description: 'status_changed: the status before.',
  })
  previousStatus(@Root() entry: OrderTimelineEntry): PurchaseOrderStatus | null {
    return (details(entry).previousStatus as PurchaseOrderStatus | undefined) ?? null;
  }

  @FieldResolver(() => OrderSubStatusLabel, {
    nullable: true,
    description: 'The sub-status after the change, as it was labelled then.',
  })
  subStatus(@Root() entry: OrderTimelineEntry): OrderSubStatusLabel | null {
    return details(entry).subStatus ?? null;
  }

  @FieldResolver(() => [String], { description: 'updated: the fields that changed.' })
  changedFields(@Root() entry: OrderTimelineEntry): string[] {
    return details(entry).fields ?? [];
  }

  @FieldResolver(() => Shipment, {
    nullable: true,
    description: 'shipment_added, shipment_delivered: the shipment.',
  })
  async shipment(
    @Root() entry: OrderTimelineEntry,
    @Ctx() ctx: SalesContext,
  ): Promise<Shipment | null> {
    const id = details(entry).shipmentId;
    if (!id) return null;
    const shipments = await ctx.loaders.shipmentsByOrder.load(entry.orderId);
    return shipments.find((s) => s.id === id) ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'invoiced, invoice_voided: the invoice number.',
  })
  invoiceNumber(@Root() entry: OrderTimelineEntry): string | null {
    return details(entry).invoiceNumber ?? null;
  }
}
