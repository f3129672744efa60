import { Brackets, In } from 'typeorm';
import { visibleCustomerIds, type Database, type Principal } from '@portico/kit';
import { badInput } from '@portico/commerce';
import {
  OrderLine,
  OrderSubStatus,
  OrderTimelineEntry,
  PurchaseOrder,
  Shipment,
  ShipmentLine,
} from './order.entity';
import type { PurchaseOrderStatus } from './order.status';

export const MAX_ORDER_PAGE_SIZE = 100;

export interface OrderListOptions {
  customerId?: string | null;
  statuses?: PurchaseOrderStatus[] | null;
  first: number;
  after?: string | null;
}

function encodeCursor(order: PurchaseOrder): string {
  return Buffer.from(JSON.stringify([order.orderDate, order.number])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // coded error below
  }
  throw badInput('Invalid cursor', 'after');
}

/**
 * What the resolvers and loaders read of orders: orders through the
 * principal's row-level scope, the rest by the ids of rows already in scope.
 * Each method is one SQL statement, whatever the number of ids.
 */
export class OrderReads {
  constructor(private readonly db: Database) {}

  async list(
    principal: Principal,
    options: OrderListOptions,
  ): Promise<{ nodes: PurchaseOrder[]; endCursor: string | null; hasNextPage: boolean }> {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > MAX_ORDER_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_ORDER_PAGE_SIZE}`, 'first');
    }
    const visible = visibleCustomerIds(principal);
    if (visible !== null && visible.length === 0) {
      return { nodes: [], endCursor: null, hasNextPage: false };
    }
    const query = this.db.manager.getRepository(PurchaseOrder).createQueryBuilder('o');
    if (visible !== null) query.andWhere('o.customerId IN (:...visible)', { visible });
    if (options.customerId) {
      query.andWhere('o.customerId = :customerId', { customerId: options.customerId });
    }
    if (options.statuses?.length) {
      query.andWhere('o.status IN (:...statuses)', { statuses: options.statuses });
    }
    if (options.after) {
      const [date, number] = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where('o.orderDate < :date', { date }).orWhere(
            new Brackets((q2) =>
              q2.where('o.orderDate = :date', { date }).andWhere('o.number < :number', { number }),
            ),
          );
        }),
      );
    }
    const rows = await query
      .orderBy('o.orderDate', 'DESC')
      .addOrderBy('o.number', 'DESC')
      .take(first + 1)
      .getMany();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null };
  }

  /** Orders by id within the principal's scope (for loaders); others are absent. */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<PurchaseOrder[]> {
    const visible = visibleCustomerIds(principal);
    if (ids.length === 0 || (visible !== null && visible.length === 0)) return [];
    const query = this.db.manager
      .getRepository(PurchaseOrder)
      .createQueryBuilder('o')
      .where('o.id IN (:...ids)', { ids: [...new Set(ids)] });
    if (visible !== null) query.andWhere('o.customerId IN (:...visible)', { visible });
    return query.getMany();
  }

  linesFor(orderIds: readonly string[]): Promise<OrderLine[]> {
    return this.byParent(OrderLine, 'orderId', orderIds, { orderId: 'ASC', position: 'ASC' });
  }

  shipmentsFor(orderIds: readonly string[]): Promise<Shipment[]> {
    return this.byParent(Shipment, 'orderId', orderIds, { orderId: 'ASC', sequence: 'ASC' });
  }

  shipmentLinesFor(shipmentIds: readonly string[]): Promise<ShipmentLine[]> {
    return this.byParent(ShipmentLine, 'shipmentId', shipmentIds, { shipmentId: 'ASC', id: 'ASC' });
  }

  timelineFor(orderIds: readonly string[]): Promise<OrderTimelineEntry[]> {
    return this.byParent(OrderTimelineEntry, 'orderId', orderIds, {
      orderId: 'ASC',
      sequence: 'ASC',
    });
  }

  subStatuses(ids: readonly string[]): Promise<OrderSubStatus[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(OrderSubStatus).findBy({ id: In([...new Set(ids)]) });
  }

  orderLines(ids: readonly string[]): Promise<OrderLine[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(OrderLine).findBy({ id: In([...new Set(ids)]) });
  }

  private byParent<T extends object>(
    entity: new () => T,
    key: keyof T & string,
    ids: readonly string[],
    order: Record<string, 'ASC' | 'DESC'>,
  ): Promise<T[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(entity).find({
      where: { [key]: In([...new Set(ids)]) } as never,
      order: order as never,
    });
  }
}
