import DataLoader from 'dataloader';
import { groupByKeys, type RequestMeta } from '@portico/kit';
import type {
  OrderLine,
  OrderSubStatus,
  OrderTimelineEntry,
  PurchaseOrder,
  Shipment,
  ShipmentLine,
} from './order.entity';
import type { OrderReads } from './order-reads.service';

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): Array<T | null> {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/**
 * Orders load through the principal's row-level scope; everything else is
 * reached from an order already in scope (or, for order lines and
 * sub-statuses, from rows that were). One SQL statement per batch.
 */
export function createOrderLoaders(orders: OrderReads, meta: RequestMeta) {
  return {
    purchaseOrder: new DataLoader<string, PurchaseOrder | null>(async (ids) =>
      byId(await orders.findVisible(meta.principal, ids), ids),
    ),
    linesByOrder: new DataLoader<string, OrderLine[]>(async (ids) =>
      groupByKeys(await orders.linesFor(ids), (l) => l.orderId, ids),
    ),
    orderLine: new DataLoader<string, OrderLine | null>(async (ids) =>
      byId(await orders.orderLines(ids), ids),
    ),
    shipmentsByOrder: new DataLoader<string, Shipment[]>(async (ids) =>
      groupByKeys(await orders.shipmentsFor(ids), (s) => s.orderId, ids),
    ),
    linesByShipment: new DataLoader<string, ShipmentLine[]>(async (ids) =>
      groupByKeys(await orders.shipmentLinesFor(ids), (l) => l.shipmentId, ids),
    ),
    timelineByOrder: new DataLoader<string, OrderTimelineEntry[]>(async (ids) =>
      groupByKeys(await orders.timelineFor(ids), (e) => e.orderId, ids),
    ),
    subStatus: new DataLoader<string, OrderSubStatus | null>(async (ids) =>
      byId(await orders.subStatuses(ids), ids),
    ),
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
