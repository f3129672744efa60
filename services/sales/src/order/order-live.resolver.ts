import { Arg, Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import {
  canSeeCustomer,
  encodeLiveCursor,
  liveSubscribe,
  RequireScopes,
  SignedIn,
  skipLiveEvent,
  type EventEnvelope,
} from '@portico/kit';
import type { SalesContext } from '../context';
import { PurchaseOrder } from './order.entity';

@ObjectType({ description: 'A change to one of your purchase orders, as it happened.' })
export class OrderChange {
  @Field(() => String, {
    description:
      'Where this change stands in the stream: subscribe again with it as `after` to receive exactly what came next, nothing missed and nothing twice.',
  })
  cursor!: string;

  @Field(() => String, {
    description:
      'What changed, as the event type: order.created, order.updated, order.status_changed, order.shipment_added, order.shipment_delivered or order.invoiced.',
  })
  change!: string;

  @Field(() => PurchaseOrder, {
    description:
      'The order as it is when the change is delivered (a replayed change shows the order as it is now).',
  })
  order!: PurchaseOrder;
}

interface OrderChangedArgs {
  purchaseOrderId?: string | null;
  after?: string | null;
}

@Resolver()
export class OrderLiveResolver {
  @Subscription(() => OrderChange, {
    description:
      "Changes to your purchase orders (status, sub-status, shipments, invoicing) as they happen; with `purchaseOrderId`, to that order only. Contacts follow their own customer's orders, staff every order. With `after` (a change's cursor) it first delivers what followed that change, then live ones. An order outside your scope delivers nothing.",
    subscribe: liveSubscribe<SalesContext, OrderChangedArgs>(({ args, context }) => ({
      feed: context.services.live,
      after: args.after,
      // A first cut on the envelope; the resolver loads the order through the scope again.
      accept: (event) =>
        event.type.startsWith('order.') &&
        event.customerId !== null &&
        canSeeCustomer(context.principal, event.customerId) &&
        (!args.purchaseOrderId || event.aggregateId === args.purchaseOrderId),
    })),
  })
  @SignedIn()
  @RequireScopes('orders:read')
  async orderChanged(
    @Root() event: EventEnvelope,
    @Ctx() ctx: SalesContext,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The cursor of the last change you received.',
    })
    _after: string | null,
    @Arg('purchaseOrderId', () => ID, { nullable: true }) _purchaseOrderId: string | null,
  ): Promise<OrderChange> {
    const order = await ctx.loaders.purchaseOrder.load(event.aggregateId);
    if (!order) return skipLiveEvent();
    return { cursor: encodeLiveCursor(event.position), change: event.type, order };
  }
}
