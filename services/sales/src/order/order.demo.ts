import { DEMO_CUSTOMER_IDS } from '@portico/kit';
import type { SalesServices } from '../context';
import { OrderSubStatus, PurchaseOrder } from './order.entity';
import type { OrderActor } from './order.changes';
import { PurchaseOrderStatus } from './order.status';

const BUSINESS: OrderActor = { kind: 'business', staffUserId: null };

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function line(description: string, quantity: string, unitPrice: string) {
  return { description, quantity, unitPrice, taxPercent: '21' };
}

/**
 * Demo sub-statuses and orders in each state a customer meets: in progress
 * with a sub-status, partially shipped with tracking, delivered, on hold and
 * cancelled. Only into a database without orders or sub-statuses; false
 * when it seeded nothing.
 */
export async function seedOrderDemo(services: SalesServices): Promise<boolean> {
  const { db, orders, shipments, orderSubStatuses } = services;
  const existing =
    (await db.manager.getRepository(PurchaseOrder).count()) +
    (await db.manager.getRepository(OrderSubStatus).count());
  if (existing > 0) return false;

  const picking = await orderSubStatuses.create({
    status: PurchaseOrderStatus.IN_PROGRESS,
    label: 'Picking',
    colour: '#f5a623',
  });
  await orderSubStatuses.create({
    status: PurchaseOrderStatus.IN_PROGRESS,
    label: 'Packed',
    colour: '#2e7d32',
  });
  await orderSubStatuses.create({
    status: PurchaseOrderStatus.ON_HOLD,
    label: 'Awaiting payment',
    colour: '#c62828',
  });

  const create = (customerId: string, reference: string, lines: ReturnType<typeof line>[]) =>
    orders.createOrder(
      {
        customerId,
        currency: 'EUR',
        customerReference: reference,
        expectedDeliveryDate: daysFromToday(14),
        lines,
      },
      BUSINESS,
    );

  // Acme: in progress (picking), partially shipped with tracking, delivered.
  const inProgress = await create(DEMO_CUSTOMER_IDS.acme, 'ACME-PO-7781', [
    line('Ergonomic office chair', '12', '189.00'),
    line('Standing desk frame', '6', '349.00'),
  ]);
  await orders.setStatus(inProgress.order.id, PurchaseOrderStatus.IN_PROGRESS, BUSINESS);
  await orders.setSubStatus(inProgress.order.id, picking.id, BUSINESS);

  const partial = await create(DEMO_CUSTOMER_IDS.acme, 'ACME-PO-7764', [
    line('27" monitor', '20', '229.00'),
    line('Monitor arm', '20', '59.90'),
  ]);
  await orders.setStatus(partial.order.id, PurchaseOrderStatus.IN_PROGRESS, BUSINESS);
  await shipments.addShipment(
    {
      orderId: partial.order.id,
      carrier: 'DHL Express',
      trackingNumber: 'JD014600006281230761',
      trackingUrl: 'https://www.dhl.com/en/express/tracking.html?AWB=JD014600006281230761',
      shippedAt: daysFromToday(-2),
      lines: [
        { orderLineId: partial.lines[0]!.id, quantity: '12' },
        { orderLineId: partial.lines[1]!.id, quantity: '20' },
      ],
    },
    BUSINESS,
  );

  const delivered = await create(DEMO_CUSTOMER_IDS.acme, 'ACME-PO-7702', [
    line('Wireless keyboard and mouse set', '25', '79.00'),
  ]);
  const shipped = await shipments.addShipment(
    {
      orderId: delivered.order.id,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      shippedAt: daysFromToday(-9),
      lines: [{ orderLineId: delivered.lines[0]!.id, quantity: '25' }],
    },
    BUSINESS,
  );
  await shipments.markDelivered(shipped.shipment.id, daysFromToday(-6), BUSINESS);

  // Globex: on hold, cancelled.
  const held = await create(DEMO_CUSTOMER_IDS.globex, 'GX-2026-118', [
    line('Server rack 42U', '2', '1150.00'),
  ]);
  await orders.setStatus(held.order.id, PurchaseOrderStatus.ON_HOLD, BUSINESS);

  const cancelled = await create(DEMO_CUSTOMER_IDS.globex, 'GX-2026-104', [
    line('UPS battery pack', '4', '420.00'),
  ]);
  await orders.setStatus(cancelled.order.id, PurchaseOrderStatus.CANCELLED, BUSINESS);
  return true;
}
