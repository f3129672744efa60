import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  CustomerScoped,
  notFoundError,
  RequireScopes,
  SignedIn,
  StaffOnly,
  type Principal,
} from '@portico/kit';
import { money, Money } from '@portico/commerce';
import type { SalesContext } from '../context';
import { Customer } from '../customer/customer.type';
import { OrderLine, OrderTimelineEntry, PurchaseOrder, Shipment } from './order.entity';
import {
  AddShipmentInput,
  ShipmentPayload,
  CreatePurchaseOrderInput,
  MarkShipmentDeliveredInput,
  OrderSubStatusLabel,
  PurchaseOrderPage,
  PurchaseOrderPayload,
  SetPurchaseOrderStatusInput,
  SetPurchaseOrderSubStatusInput,
  UpdatePurchaseOrderInput,
} from './order.inputs';
import { PurchaseOrderStatus } from './order.status';
import type { OrderActor } from './order.changes';

/** Staff act as the business; the staff member is kept for audit only. */
export function actorOf(principal: Principal): OrderActor {
  if (principal.kind === 'staff') return { kind: 'business', staffUserId: principal.staffUserId };
  if (principal.kind === 'contact') return { kind: 'contact', contactId: principal.contactId };
  return { kind: 'business', staffUserId: null };
}

/** A page of purchase orders in the principal's scope, primed into the per-request loader. */
export async function listPurchaseOrders(
  ctx: SalesContext,
  args: {
    customerId: string | null;
    status: PurchaseOrderStatus[] | null;
    first: number;
    after: string | null;
  },
): Promise<PurchaseOrderPage> {
  const page = await ctx.services.orderReads.list(ctx.principal, {
    customerId: args.customerId,
    statuses: args.status,
    first: args.first,
    after: args.after,
  });
  for (const node of page.nodes) ctx.loaders.purchaseOrder.prime(node.id, node);
  return {
    nodes: page.nodes,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @Query(() => PurchaseOrderPage, {
    description:
      "Purchase orders (sales orders on the business's side) in your scope, newest order date first. Contacts see their own customer's; staff may filter by customer.",
  })
  @SignedIn()
  @RequireScopes('orders:read')
  @CustomerScoped('customerId')
  async purchaseOrders(
    @Ctx() ctx: SalesContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | null,
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true })
    status: PurchaseOrderStatus[] | null,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<PurchaseOrderPage> {
    return listPurchaseOrders(ctx, { customerId, status, first, after });
  }

  @Query(() => PurchaseOrder, {
    description: 'One purchase order. Anything outside your scope, existing or not, is NOT_FOUND.',
  })
  @SignedIn()
  @RequireScopes('orders:read')
  async purchaseOrder(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrder> {
    const order = await ctx.loaders.purchaseOrder.load(id);
    if (!order) throw notFoundError('PurchaseOrder');
    return order;
  }

  @FieldResolver(() => Customer)
  customer(@Root() order: PurchaseOrder): Customer {
    return { id: order.customerId };
  }

  @FieldResolver(() => OrderSubStatusLabel, {
    nullable: true,
    description: "The business's own refinement of the status, if it set one.",
  })
  async subStatus(
    @Root() order: PurchaseOrder,
    @Ctx() ctx: SalesContext,
  ): Promise<OrderSubStatusLabel | null> {
    if (!order.subStatusId) return null;
    const subStatus = await ctx.loaders.subStatus.load(order.subStatusId);
    return subStatus ? { label: subStatus.label, colour: subStatus.colour } : null;
  }

  @FieldResolver(() => [OrderLine])
  lines(@Root() order: PurchaseOrder, @Ctx() ctx: SalesContext): Promise<OrderLine[]> {
    return ctx.loaders.linesByOrder.load(order.id);
  }

  @FieldResolver(() => [Shipment], { description: 'Oldest first.' })
  shipments(@Root() order: PurchaseOrder, @Ctx() ctx: SalesContext): Promise<Shipment[]> {
    return ctx.loaders.shipmentsByOrder.load(order.id);
  }

  @FieldResolver(() => [OrderTimelineEntry], { description: 'Every change, in order.' })
  timeline(@Root() order: PurchaseOrder, @Ctx() ctx: SalesContext): Promise<OrderTimelineEntry[]> {
    return ctx.loaders.timelineByOrder.load(order.id);
  }

  @FieldResolver(() => Money, { description: 'Sum of line quantities × unit prices.' })
  subtotal(@Root() order: PurchaseOrder): Money {
    return money(order.subtotalMinor, order.currency);
  }

  @FieldResolver(() => Money)
  discount(@Root() order: PurchaseOrder): Money {
    return money(order.discountMinor, order.currency);
  }

  @FieldResolver(() => Money)
  tax(@Root() order: PurchaseOrder): Money {
    return money(order.taxMinor, order.currency);
  }

  @FieldResolver(() => Money, { description: 'subtotal − discount + tax.' })
  total(@Root() order: PurchaseOrder): Money {
    return money(order.totalMinor, order.currency);
  }

  @Mutation(() => PurchaseOrderPayload, {
    description: 'Staff: a purchase order the business confirmed outside a quote.',
  })
  @StaffOnly('sales')
  async createPurchaseOrder(
    @Arg('input', () => CreatePurchaseOrderInput) input: CreatePurchaseOrderInput,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrderPayload> {
    const created = await ctx.services.orders.createOrder(input, actorOf(ctx.principal));
    return { purchaseOrder: created.order };
  }

  @Mutation(() => PurchaseOrderPayload, {
    description: "Staff: the customer's reference and the expected delivery date.",
  })
  @StaffOnly('sales')
  async updatePurchaseOrder(
    @Arg('input', () => UpdatePurchaseOrderInput) input: UpdatePurchaseOrderInput,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrderPayload> {
    return {
      purchaseOrder: await ctx.services.orders.update(input, actorOf(ctx.principal)),
    };
  }

  @Mutation(() => PurchaseOrderPayload, {
    description:
      'Staff: change the status by hand (in progress, on hold and back, cancelled before anything shipped, closed); clears the sub-status.',
  })
  @StaffOnly('sales')
  async setPurchaseOrderStatus(
    @Arg('input', () => SetPurchaseOrderStatusInput) input: SetPurchaseOrderStatusInput,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrderPayload> {
    return {
      purchaseOrder: await ctx.services.orders.setStatus(
        input.id,
        input.status,
        actorOf(ctx.principal),
      ),
    };
  }

  @Mutation(() => PurchaseOrderPayload, {
    description: "Staff: a sub-status of the order's current status, or none.",
  })
  @StaffOnly('sales')
  async setPurchaseOrderSubStatus(
    @Arg('input', () => SetPurchaseOrderSubStatusInput) input: SetPurchaseOrderSubStatusInput,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrderPayload> {
    return {
      purchaseOrder: await ctx.services.orders.setSubStatus(
        input.id,
        input.subStatusId ?? null,
        actorOf(ctx.principal),
      ),
    };
  }

  @Mutation(() => ShipmentPayload, {
    description:
      'Staff: a shipment of some of the order; never more than is left to ship. The status becomes partially shipped or shipped.',
  })
  @StaffOnly('sales')
  async addShipment(
    @Arg('input', () => AddShipmentInput) input: AddShipmentInput,
    @Ctx() ctx: SalesContext,
  ): Promise<ShipmentPayload> {
    const { order, shipment } = await ctx.services.shipments.addShipment(
      input,
      actorOf(ctx.principal),
    );
    return { purchaseOrder: order, shipment };
  }

  @Mutation(() => ShipmentPayload, {
    description: 'Staff: a shipment arrived; the order is delivered once everything has.',
  })
  @StaffOnly('sales')
  async markShipmentDelivered(
    @Arg('input', () => MarkShipmentDeliveredInput) input: MarkShipmentDeliveredInput,
    @Ctx() ctx: SalesContext,
  ): Promise<ShipmentPayload> {
    const { order, shipment } = await ctx.services.shipments.markDelivered(
      input.shipmentId,
      input.deliveredAt,
      actorOf(ctx.principal),
    );
    return { purchaseOrder: order, shipment };
  }
}
