import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { notFoundError, type Database, type Outbox } from '@portico/kit';
import { badInput, parseDate, parseScaled } from '@portico/commerce';
import { OrderLine, PurchaseOrder, Shipment, ShipmentLine } from './order.entity';
import { lockedOrder, recordOrderChange, refusal, type OrderActor } from './order.changes';
import { OrderTimelineKind, PurchaseOrderStatus } from './order.status';

export interface AddShipmentSpec {
  orderId: string;
  carrier: string;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  /** YYYY-MM-DD */
  shippedAt: string;
  lines: Array<{ orderLineId: string; quantity: string }>;
}

/** A tracking link customers open: http or https only, nothing a browser would run. */
export function parseTrackingUrl(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) return null;
  let url: URL | null;
  try {
    url = new URL(trimmed);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || trimmed.length > 1000) {
    throw refusal(
      'trackingUrl must be an http or https address of at most 1000 characters',
      'trackingUrl',
      'invalid-tracking-url',
    );
  }
  return trimmed;
}

function parseText(value: string | null | undefined, field: string, required: boolean) {
  const trimmed = value?.trim() ?? '';
  if ((required && !trimmed) || trimmed.length > 100) {
    throw badInput(`${field} must be ${required ? '1' : '0'} to 100 characters`, field);
  }
  return trimmed || null;
}

/**
 * Shipments and deliveries. The order's row lock is taken before its lines
 * are read, so shipments added at once are checked one after the other
 * against what is left to ship.
 */
export class ShipmentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async addShipment(
    spec: AddShipmentSpec,
    actor: OrderActor,
  ): Promise<{ order: PurchaseOrder; shipment: Shipment }> {
    const carrier = parseText(spec.carrier, 'carrier', true) as string;
    const trackingNumber = parseText(spec.trackingNumber, 'trackingNumber', false);
    const trackingUrl = parseTrackingUrl(spec.trackingUrl);
    const shippedAt = parseDate(spec.shippedAt, 'shippedAt');
    if (spec.lines.length === 0) throw badInput('a shipment needs at least one line', 'lines');
    if (spec.lines.length > 200) throw badInput('a shipment has at most 200 lines', 'lines');
    const seen = new Set<string>();
    const wanted = spec.lines.map((line, index) => {
      const field = `lines[${index}].quantity`;
      const quantityMilli = parseScaled(line.quantity, 3, field);
      if (quantityMilli === 0) throw badInput(`${field} must be more than zero`, field);
      if (seen.has(line.orderLineId)) {
        throw refusal(
          'each order line at most once per shipment',
          `lines[${index}].orderLineId`,
          'duplicate-shipment-line',
        );
      }
      seen.add(line.orderLineId);
      return { orderLineId: line.orderLineId, quantityMilli };
    });
    const result = await this.db.transaction(async (manager) => {
      const order = await lockedOrder(manager, spec.orderId);
      const refused: Partial<Record<PurchaseOrderStatus, [string, string]>> = {
        [PurchaseOrderStatus.CANCELLED]: ['the order is cancelled', 'order-cancelled'],
        [PurchaseOrderStatus.CLOSED]: ['the order is closed', 'order-closed'],
        [PurchaseOrderStatus.ON_HOLD]: ['the order is on hold', 'order-on-hold'],
      };
      const why = refused[order.status];
      if (why) throw refusal(why[0], 'orderId', why[1]);
      const lines = await manager.getRepository(OrderLine).findBy({ orderId: order.id });
      const byId = new Map(lines.map((l) => [l.id, l]));
      wanted.forEach((want, index) => {
        const line = byId.get(want.orderLineId);
        if (!line) {
          throw refusal(
            'not a line of this order',
            `lines[${index}].orderLineId`,
            'unknown-order-line',
          );
        }
        if (line.shippedMilli + want.quantityMilli > line.quantityMilli) {
          throw refusal(
            `line ${line.position}: more than is left to ship`,
            `lines[${index}].quantity`,
            'shipment-exceeds-ordered',
          );
        }
        line.shippedMilli += want.quantityMilli;
      });
      for (const want of wanted) {
        const line = byId.get(want.orderLineId) as OrderLine;
        await manager
          .getRepository(OrderLine)
          .update({ id: line.id }, { shippedMilli: line.shippedMilli });
      }
      const sequence = (await manager.getRepository(Shipment).countBy({ orderId: order.id })) + 1;
      const shipment: Shipment = {
        id: randomUUID(),
        orderId: order.id,
        sequence,
        carrier,
        trackingNumber,
        trackingUrl,
        shippedAt,
        deliveredAt: null,
        createdAt: new Date(),
      };
      await manager.getRepository(Shipment).insert(shipment);
      await manager.getRepository(ShipmentLine).insert(
        wanted.map((want) => ({
          id: randomUUID(),
          shipmentId: shipment.id,
          orderLineId: want.orderLineId,
          quantityMilli: want.quantityMilli,
        })),
      );
      const allShipped = lines.every((l) => l.shippedMilli >= l.quantityMilli);
      const previous = order.status;
      await recordOrderChange(manager, order, OrderTimelineKind.SHIPMENT_ADDED, actor, {
        shipmentId: shipment.id,
      });
      // A delivered or shipped order with nothing left cannot get here (the
      // quantities above refuse it), so the new status is one of these two.
      await this.moveTo(
        manager,
        order,
        allShipped ? PurchaseOrderStatus.SHIPPED : PurchaseOrderStatus.PARTIALLY_SHIPPED,
        previous,
        actor,
      );
      return { order, shipment };
    });
    await this.outbox.notify();
    return result;
  }

  async markDelivered(
    shipmentId: string,
    deliveredAtInput: string,
    actor: OrderActor,
  ): Promise<{ order: PurchaseOrder; shipment: Shipment }> {
    const deliveredAt = parseDate(deliveredAtInput, 'deliveredAt');
    const found = await this.db.manager.getRepository(Shipment).findOneBy({ id: shipmentId });
    if (!found) throw notFoundError('Shipment');
    const result = await this.db.transaction(async (manager) => {
      const order = await lockedOrder(manager, found.orderId);
      const shipment = await manager.getRepository(Shipment).findOneByOrFail({ id: shipmentId });
      if (order.status === PurchaseOrderStatus.CLOSED) {
        throw refusal('the order is closed', 'shipmentId', 'order-closed');
      }
      if (shipment.deliveredAt) {
        throw refusal(
          'the shipment is already delivered',
          'shipmentId',
          'shipment-already-delivered',
        );
      }
      if (deliveredAt < shipment.shippedAt) {
        throw refusal(
          'deliveredAt is before the shipment shipped',
          'deliveredAt',
          'delivered-before-shipped',
        );
      }
      shipment.deliveredAt = deliveredAt;
      await manager.getRepository(Shipment).update({ id: shipment.id }, { deliveredAt });
      const carried = await manager.getRepository(ShipmentLine).findBy({ shipmentId });
      const lines = await manager.getRepository(OrderLine).findBy({ orderId: order.id });
      const byId = new Map(lines.map((l) => [l.id, l]));
      for (const item of carried) {
        const line = byId.get(item.orderLineId);
        if (!line) continue;
        line.deliveredMilli += item.quantityMilli;
        await manager
          .getRepository(OrderLine)
          .update({ id: line.id }, { deliveredMilli: line.deliveredMilli });
      }
      const previous = order.status;
      await recordOrderChange(manager, order, OrderTimelineKind.SHIPMENT_DELIVERED, actor, {
        shipmentId,
      });
      if (lines.every((l) => l.deliveredMilli >= l.quantityMilli)) {
        await this.moveTo(manager, order, PurchaseOrderStatus.DELIVERED, previous, actor);
      }
      return { order, shipment };
    });
    await this.outbox.notify();
    return result;
  }

  /**
   * The status that follows from quantities. An order on hold stays on hold
   * and goes back to the new status when released.
   */
  private async moveTo(
    manager: EntityManager,
    order: PurchaseOrder,
    status: PurchaseOrderStatus,
    previous: PurchaseOrderStatus,
    actor: OrderActor,
  ): Promise<void> {
    if (order.status === PurchaseOrderStatus.ON_HOLD) {
      order.heldFromStatus = status;
      await manager
        .getRepository(PurchaseOrder)
        .update({ id: order.id }, { heldFromStatus: status });
      return;
    }
    if (order.status === status) return;
    order.status = status;
    order.subStatusId = null;
    await recordOrderChange(manager, order, OrderTimelineKind.STATUS_CHANGED, actor, {
      previousStatus: previous,
    });
  }
}
