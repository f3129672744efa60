import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { StaffOnly } from '@portico/kit';
import type { SalesContext } from '../context';
import { OrderSubStatus } from './order.entity';
import {
  ArchiveOrderSubStatusInput,
  CreateOrderSubStatusInput,
  OrderSubStatusPayload,
  UpdateOrderSubStatusInput,
} from './order.inputs';
import { PurchaseOrderStatus } from './order.status';

@Resolver(() => OrderSubStatus)
export class OrderSubStatusResolver {
  @Query(() => [OrderSubStatus], {
    description: 'Staff: the sub-statuses the business defined for one order status.',
  })
  @StaffOnly('sales')
  orderSubStatuses(
    @Ctx() ctx: SalesContext,
    @Arg('status', () => PurchaseOrderStatus) status: PurchaseOrderStatus,
    @Arg('includeArchived', () => Boolean, { defaultValue: false }) includeArchived: boolean,
  ): Promise<OrderSubStatus[]> {
    return ctx.services.orderSubStatuses.list(status, includeArchived);
  }

  @Mutation(() => OrderSubStatusPayload, { description: 'Staff: a new sub-status of a status.' })
  @StaffOnly('sales')
  async createOrderSubStatus(
    @Arg('input', () => CreateOrderSubStatusInput) input: CreateOrderSubStatusInput,
    @Ctx() ctx: SalesContext,
  ): Promise<OrderSubStatusPayload> {
    return { subStatus: await ctx.services.orderSubStatuses.create(input) };
  }

  @Mutation(() => OrderSubStatusPayload, {
    description: 'Staff: relabel, recolour or reorder a sub-status.',
  })
  @StaffOnly('sales')
  async updateOrderSubStatus(
    @Arg('input', () => UpdateOrderSubStatusInput) input: UpdateOrderSubStatusInput,
    @Ctx() ctx: SalesContext,
  ): Promise<OrderSubStatusPayload> {
    return { subStatus: await ctx.services.orderSubStatuses.update(input) };
  }

  @Mutation(() => OrderSubStatusPayload, {
    description:
      'Staff: a sub-status that can no longer be chosen (orders carrying it keep it until they change).',
  })
  @StaffOnly('sales')
  async archiveOrderSubStatus(
    @Arg('input', () => ArchiveOrderSubStatusInput) input: ArchiveOrderSubStatusInput,
    @Ctx() ctx: SalesContext,
  ): Promise<OrderSubStatusPayload> {
    return { subStatus: await ctx.services.orderSubStatuses.archive(input.id) };
  }
}
