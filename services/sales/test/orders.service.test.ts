import { testing } from '@portico/kit';
import type { GraphQLError } from 'graphql';
import {
  OrderInvoice,
  OrderLine,
  OrderTimelineEntry,
  PurchaseOrder,
  Shipment,
} from '../src/order/order.entity';
import type { OrderActor } from '../src/order/order.changes';
import { MANUAL_TRANSITIONS, PurchaseOrderStatus as S } from '../src/order/order.status';
import { daysFromToday, startTestSales, type TestSales } from './sales-harness';

const BUSINESS: OrderActor = { kind: 'business', staffUserId: 'staff-7' };

function reasonOf(error: unknown): string | undefined {
  return (error as GraphQLError).extensions?.reason as string | undefined;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'purchase orders on %s',
  (_name, target) => {
    let sales: TestSales;
    let customerId: string;
    beforeAll(async () => {
      sales = await startTestSales(target);
      customerId = await sales.customer();
    });
    afterAll(() => sales?.stop());

    const services = () => sales.running.services;
    const manager = () => sales.running.db.manager;

    async function newOrder(quantities = ['10', '4']) {
      return services().orders.createOrder(
        {
          customerId,
          currency: 'EUR',
          customerReference: 'THEIR-PO-1',
          expectedDeliveryDate: daysFromToday(10),
          lines: quantities.map((quantity, i) => ({
            description: `Item ${i + 1}`,
            quantity,
            unitPrice: '12.50',
            taxPercent: '21',
          })),
        },
        BUSINESS,
      );
    }

    /** Everything a refused change could have touched. */
    async function snapshot(orderId: string) {
      return {
        order: await manager().getRepository(PurchaseOrder).findOneByOrFail({ id: orderId }),
        lines: await manager()
          .getRepository(OrderLine)
          .find({ where: { orderId }, order: { position: 'ASC' } }),
        shipments: await manager().getRepository(Shipment).countBy({ orderId }),
        timeline: await manager().getRepository(OrderTimelineEntry).countBy({ orderId }),
        events: (await sales.events()).length,
      };
    }

    async function expectRefused(
      orderId: string,
      reason: string,
      change: () => Promise<unknown>,
    ): Promise<void> {
      const before = await snapshot(orderId);
      const error = await change().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(reasonOf(error)).toBe(reason);
      expect(await snapshot(orderId)).toEqual(before);
    }

    const timelineKinds = async (orderId: string) =>
      (
        await manager()
          .getRepository(OrderTimelineEntry)
          .find({ where: { orderId }, order: { sequence: 'ASC' } })
      ).map((e) => [e.sequence, e.kind, e.status]);

    it('has migrations that match the entities, and an entity for every table', async () => {
      const drift = await testing.schemaDrift(sales.running.db.dataSource);
      expect(drift.pending).toEqual([]);
      expect(drift.tables).toEqual(drift.entities);
    });

    it('creates an order inside the caller transaction, numbered, with its lines and first timeline entry', async () => {
      const created = await sales.running.db.transaction((m) =>
        services().orders.create(m, {
          customerId,
          currency: 'EUR',
          customerReference: ' ACME-77 ',
          expectedDeliveryDate: daysFromToday(5),
          quoteId: 'quote-1',
          lines: [
            {
              description: 'Chair',
              quantityMilli: 2500,
              unitPriceMinor: 10_000,
              discountBasisPoints: 1000,
              taxBasisPoints: 2100,
            },
          ],
        }),
      );
      await services().outbox.notify();
      const year = new Date().toISOString().slice(0, 4);
      expect(created.order.number).toMatch(new RegExp(`^PO-${year}-\\d{5}$`));
      expect(created.order).toMatchObject({
        status: S.CONFIRMED,
        customerReference: 'ACME-77',
        quoteId: 'quote-1',
        subtotalMinor: 25_000,
        discountMinor: 2500,
        taxMinor: 4725,
        totalMinor: 27_225,
      });
      expect(created.lines).toHaveLength(1);
      const stored = await manager()
        .getRepository(OrderLine)
        .findOneByOrFail({ id: created.lines[0]!.id });
      expect(stored).toMatchObject({
        orderId: created.order.id,
        quantityMilli: 2500,
        totalMinor: 27_225,
      });
      expect(await timelineKinds(created.order.id)).toEqual([[1, 'created', 'confirmed']]);
      const events = (await sales.events()).filter((e) => e.aggregateId === created.order.id);
      expect(events.map((e) => e.type)).toEqual(['order.created']);
      expect(events[0]!.payload).toMatchObject({ quoteId: 'quote-1', actor: { kind: 'business' } });
      expect(JSON.stringify(events[0]!.payload)).not.toContain('staff-7');
    });

    it('rolls back with the caller: nothing of an order stays when the outer transaction fails', async () => {
      const count = await manager().getRepository(PurchaseOrder).count();
      await expect(
        sales.running.db.transaction(async (m) => {
          await services().orders.create(m, {
            customerId,
            currency: 'EUR',
            lines: [
              {
                description: 'X',
                quantityMilli: 1000,
                unitPriceMinor: 1,
                discountBasisPoints: 0,
                taxBasisPoints: 0,
              },
            ],
          });
          throw new Error('conversion failed later');
        }),
      ).rejects.toThrow('conversion failed later');
      expect(await manager().getRepository(PurchaseOrder).count()).toBe(count);
    });

    it('refuses an unknown or archived customer and bad lines', async () => {
      const archived = await sales.customer({ archived: true });
      const base = {
        currency: 'EUR',
        lines: [{ description: 'A', quantity: '1', unitPrice: '1' }],
      };
      const count = await manager().getRepository(PurchaseOrder).count();
      for (const input of [
        { ...base, customerId: 'nobody' },
        { ...base, customerId: archived },
        { ...base, customerId, lines: [] },
        { ...base, customerId, lines: [{ description: 'A', quantity: '0', unitPrice: '1' }] },
        { ...base, customerId, currency: 'XYZ' },
        { ...base, customerId, expectedDeliveryDate: '2026-02-30' },
        { ...base, customerId, customerReference: 'x'.repeat(101) },
      ]) {
        await expect(services().orders.createOrder(input, BUSINESS)).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      expect(await manager().getRepository(PurchaseOrder).count()).toBe(count);
    });

    it('follows an order from confirmed to delivered, each change in the timeline in order', async () => {
      const { order, lines } = await newOrder(['10', '4']);
      await services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
      const first = await services().shipments.addShipment(
        {
          orderId: order.id,
          carrier: 'DHL',
          trackingNumber: 'AB123',
          trackingUrl: 'https://track.example/AB123',
          shippedAt: daysFromToday(0),
          lines: [{ orderLineId: lines[0]!.id, quantity: '6' }],
        },
        BUSINESS,
      );
      expect(first.order.status).toBe(S.PARTIALLY_SHIPPED);
      const second = await services().shipments.addShipment(
        {
          orderId: order.id,
          carrier: 'DHL',
          shippedAt: daysFromToday(0),
          lines: [
            { orderLineId: lines[0]!.id, quantity: '4' },
            { orderLineId: lines[1]!.id, quantity: '4' },
          ],
        },
        BUSINESS,
      );
      expect(second.order.status).toBe(S.SHIPPED);
      expect(second.shipment.sequence).toBe(2);
      await services().shipments.markDelivered(first.shipment.id, daysFromToday(1), BUSINESS);
      expect((await snapshot(order.id)).order.status).toBe(S.SHIPPED);
      const done = await services().shipments.markDelivered(
        second.shipment.id,
        daysFromToday(2),
        BUSINESS,
      );
      expect(done.order.status).toBe(S.DELIVERED);
      const stored = await snapshot(order.id);
      expect(stored.lines.map((l) => [l.shippedMilli, l.deliveredMilli])).toEqual([
        [10_000, 10_000],
        [4000, 4000],
      ]);
      await services().orders.setStatus(order.id, S.CLOSED, BUSINESS);
      expect(await timelineKinds(order.id)).toEqual([
        [1, 'created', 'confirmed'],
        [2, 'status_changed', 'in_progress'],
        [3, 'shipment_added', 'in_progress'],
        [4, 'status_changed', 'partially_shipped'],
        [5, 'shipment_added', 'partially_shipped'],
        [6, 'status_changed', 'shipped'],
        [7, 'shipment_delivered', 'shipped'],
        [8, 'shipment_delivered', 'shipped'],
        [9, 'status_changed', 'delivered'],
        [10, 'status_changed', 'closed'],
      ]);
      const events = (await sales.events()).filter((e) => e.aggregateId === order.id);
      expect(events.map((e) => e.type)).toEqual([
        'order.created',
        'order.status_changed',
        'order.shipment_added',
        'order.status_changed',
        'order.shipment_added',
        'order.status_changed',
        'order.shipment_delivered',
        'order.shipment_delivered',
        'order.status_changed',
        'order.status_changed',
      ]);
      // The staff member is kept for audit, never in what is published.
      const entries = await manager()
        .getRepository(OrderTimelineEntry)
        .findBy({ orderId: order.id });
      expect(entries.every((e) => e.staffUserId === 'staff-7' && e.actorKind === 'business')).toBe(
        true,
      );
      expect(JSON.stringify(events)).not.toContain('staff-7');
    });

    it('refuses shipments above the ordered quantity, on cancelled, closed and held orders, and bad tracking links — changing nothing', async () => {
      const { order, lines } = await newOrder(['5']);
      const ship = (quantity: string, extra: Record<string, unknown> = {}) =>
        services().shipments.addShipment(
          {
            orderId: order.id,
            carrier: 'UPS',
            shippedAt: daysFromToday(0),
            lines: [{ orderLineId: lines[0]!.id, quantity }],
            ...extra,
          },
          BUSINESS,
        );
      await expectRefused(order.id, 'shipment-exceeds-ordered', () => ship('5.001'));
      await ship('3');
      await expectRefused(order.id, 'shipment-exceeds-ordered', () => ship('2.5'));
      await expectRefused(order.id, 'invalid-tracking-url', () =>
        ship('1', { trackingUrl: 'javascript:alert(1)' }),
      );
      await expectRefused(order.id, 'invalid-tracking-url', () =>
        ship('1', { trackingUrl: 'ftp://files.example/x' }),
      );
      await expectRefused(order.id, 'unknown-order-line', () =>
        services().shipments.addShipment(
          {
            orderId: order.id,
            carrier: 'UPS',
            shippedAt: daysFromToday(0),
            lines: [{ orderLineId: 'not-a-line', quantity: '1' }],
          },
          BUSINESS,
        ),
      );
      await expectRefused(order.id, 'duplicate-shipment-line', () =>
        services().shipments.addShipment(
          {
            orderId: order.id,
            carrier: 'UPS',
            shippedAt: daysFromToday(0),
            lines: [
              { orderLineId: lines[0]!.id, quantity: '1' },
              { orderLineId: lines[0]!.id, quantity: '1' },
            ],
          },
          BUSINESS,
        ),
      );
      await services().orders.setStatus(order.id, S.ON_HOLD, BUSINESS);
      await expectRefused(order.id, 'order-on-hold', () => ship('1'));
      // Back to where it was held from.
      const back = await services().orders.setStatus(order.id, S.PARTIALLY_SHIPPED, BUSINESS);
      expect(back.status).toBe(S.PARTIALLY_SHIPPED);
      await expectRefused(order.id, 'order-already-shipped', () =>
        services().orders.setStatus(order.id, S.CANCELLED, BUSINESS),
      );
      await services().orders.setStatus(order.id, S.CLOSED, BUSINESS);
      await expectRefused(order.id, 'order-closed', () => ship('1'));
      await expectRefused(order.id, 'order-closed', () =>
        services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS),
      );
      await expectRefused(order.id, 'order-closed', () =>
        services().orders.update({ id: order.id, customerReference: 'NEW' }, BUSINESS),
      );

      const other = await newOrder(['1']);
      await services().orders.setStatus(other.order.id, S.CANCELLED, BUSINESS);
      await expectRefused(other.order.id, 'order-cancelled', () =>
        services().shipments.addShipment(
          {
            orderId: other.order.id,
            carrier: 'UPS',
            shippedAt: daysFromToday(0),
            lines: [{ orderLineId: other.lines[0]!.id, quantity: '1' }],
          },
          BUSINESS,
        ),
      );
    });

    it('allows exactly the transitions of the table, by hand', async () => {
      const { order } = await newOrder(['1']);
      // From confirmed: the shipping statuses are never set by hand.
      for (const status of [S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED]) {
        await expectRefused(order.id, 'status-automatic', () =>
          services().orders.setStatus(order.id, status, BUSINESS),
        );
      }
      await expectRefused(order.id, 'transition-not-allowed', () =>
        services().orders.setStatus(order.id, S.CLOSED, BUSINESS),
      );
      await expectRefused(order.id, 'status-unchanged', () =>
        services().orders.setStatus(order.id, S.CONFIRMED, BUSINESS),
      );
      expect(MANUAL_TRANSITIONS[S.CONFIRMED]).toEqual([S.IN_PROGRESS, S.ON_HOLD, S.CANCELLED]);
      await services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
      await services().orders.setStatus(order.id, S.ON_HOLD, BUSINESS);
      // Out of hold only back where it was (or cancelled/closed).
      await expectRefused(order.id, 'transition-not-allowed', () =>
        services().orders.setStatus(order.id, S.CONFIRMED, BUSINESS),
      );
      const back = await services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
      expect(back).toMatchObject({ status: S.IN_PROGRESS, heldFromStatus: null });
      await services().orders.setStatus(order.id, S.CANCELLED, BUSINESS);
      for (const status of [S.CONFIRMED, S.IN_PROGRESS, S.ON_HOLD, S.CLOSED]) {
        await expectRefused(order.id, 'order-cancelled', () =>
          services().orders.setStatus(order.id, status, BUSINESS),
        );
      }
    });

    it('sets sub-statuses of the current status only, and clears them when the status changes', async () => {
      const picking = await services().orderSubStatuses.create({
        status: S.IN_PROGRESS,
        label: 'Picking',
        colour: '#F5A623',
      });
      expect(picking.colour).toBe('#f5a623');
      const held = await services().orderSubStatuses.create({
        status: S.ON_HOLD,
        label: 'Awaiting stock',
        colour: '#c62828',
      });
      const retired = await services().orderSubStatuses.create({
        status: S.IN_PROGRESS,
        label: 'Old',
        colour: '#000000',
      });
      await services().orderSubStatuses.archive(retired.id);
      await expect(
        services().orderSubStatuses.create({ status: S.IN_PROGRESS, label: 'X', colour: 'red' }),
      ).rejects.toMatchObject({ extensions: { reason: 'invalid-colour' } });
      const listed = await services().orderSubStatuses.list(S.IN_PROGRESS);
      expect(listed.map((s) => s.label)).toContain('Picking');
      expect(listed.map((s) => s.label)).not.toContain('Old');

      const { order } = await newOrder(['1']);
      await expectRefused(order.id, 'sub-status-wrong-status', () =>
        services().orders.setSubStatus(order.id, picking.id, BUSINESS),
      );
      await services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
      await expectRefused(order.id, 'sub-status-wrong-status', () =>
        services().orders.setSubStatus(order.id, held.id, BUSINESS),
      );
      await expectRefused(order.id, 'sub-status-archived', () =>
        services().orders.setSubStatus(order.id, retired.id, BUSINESS),
      );
      await expectRefused(order.id, 'unknown-sub-status', () =>
        services().orders.setSubStatus(order.id, 'nope', BUSINESS),
      );
      const set = await services().orders.setSubStatus(order.id, picking.id, BUSINESS);
      expect(set.subStatusId).toBe(picking.id);
      const events = (await sales.events()).filter((e) => e.aggregateId === order.id);
      expect(events[events.length - 1]!.payload).toMatchObject({
        change: 'sub_status_changed',
        subStatus: { label: 'Picking', colour: '#f5a623' },
      });
      const moved = await services().orders.setStatus(order.id, S.ON_HOLD, BUSINESS);
      expect(moved.subStatusId).toBeNull();
    });

    it('records what changed on an update, and nothing when nothing changed', async () => {
      const { order } = await newOrder(['1']);
      await services().orders.update(
        {
          id: order.id,
          customerReference: 'THEIR-PO-1',
          expectedDeliveryDate: order.expectedDeliveryDate,
        },
        BUSINESS,
      );
      expect(await timelineKinds(order.id)).toHaveLength(1);
      await services().orders.update(
        { id: order.id, customerReference: 'THEIR-PO-2', expectedDeliveryDate: null },
        BUSINESS,
      );
      const entries = await manager()
        .getRepository(OrderTimelineEntry)
        .find({ where: { orderId: order.id }, order: { sequence: 'ASC' } });
      expect(entries.map((e) => e.kind)).toEqual(['created', 'updated']);
      expect(JSON.parse(entries[1]!.details)).toMatchObject({
        fields: ['customerReference', 'expectedDeliveryDate'],
      });
      expect((await snapshot(order.id)).order).toMatchObject({
        customerReference: 'THEIR-PO-2',
        expectedDeliveryDate: null,
      });
    });

    it('never ships more than ordered when ten shipments arrive at once', async () => {
      const { order, lines } = await newOrder(['5']);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          services().shipments.addShipment(
            {
              orderId: order.id,
              carrier: `Carrier ${i}`,
              shippedAt: daysFromToday(0),
              lines: [{ orderLineId: lines[0]!.id, quantity: '1' }],
            },
            BUSINESS,
          ),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(ok).toHaveLength(5);
      expect(refused.map((r) => reasonOf((r as PromiseRejectedResult).reason))).toEqual(
        Array(5).fill('shipment-exceeds-ordered'),
      );
      const stored = await snapshot(order.id);
      expect(stored.lines[0]!.shippedMilli).toBe(5000);
      expect(stored.shipments).toBe(5);
      expect(stored.order.status).toBe(S.SHIPPED);
      const sequences = (await manager().getRepository(Shipment).findBy({ orderId: order.id }))
        .map((s) => s.sequence)
        .sort((a, b) => a - b);
      expect(sequences).toEqual([1, 2, 3, 4, 5]);
      // created, 5 × shipment_added, 2 status changes (partially shipped, shipped).
      expect(stored.timeline).toBe(8);
    });

    it('counts invoiced quantities from billing events, once each, and takes them back on void', async () => {
      const { order, lines } = await newOrder(['10', '4']);
      const invoiceId = 'inv-1';
      const issued = {
        invoiceId,
        customerId,
        number: 'INV-2026-00042',
        purchaseOrderId: order.id,
        lines: [
          { orderLineId: lines[0]!.id, quantityMilli: 6000 },
          { orderLineId: lines[1]!.id, quantityMilli: 4000 },
          { orderLineId: 'line-of-another-order', quantityMilli: 1000 },
        ],
      };
      expect(await sales.billingEvent('invoice.issued', issued)).toBe('applied');
      // The same invoice again under another event id: still counted once.
      expect(await sales.billingEvent('invoice.issued', issued)).toBe('applied');
      let stored = await snapshot(order.id);
      expect(stored.lines.map((l) => l.invoicedMilli)).toEqual([6000, 4000]);
      const link = await manager().getRepository(OrderInvoice).findOneByOrFail({ invoiceId });
      expect(link).toMatchObject({ orderId: order.id, number: 'INV-2026-00042', state: 'issued' });
      // Invoices without an order, or naming another customer's order, change nothing.
      const other = await sales.customer();
      expect(
        await sales.billingEvent('invoice.issued', { invoiceId: 'inv-2', customerId, number: 'X' }),
      ).toBe('applied');
      expect(
        await sales.billingEvent('invoice.issued', {
          ...issued,
          invoiceId: 'inv-3',
          customerId: other,
        }),
      ).toBe('applied');
      expect((await snapshot(order.id)).lines.map((l) => l.invoicedMilli)).toEqual([6000, 4000]);
      expect(await manager().getRepository(OrderInvoice).countBy({ orderId: order.id })).toBe(1);

      // Billing's void names the invoice only; the link finds the order.
      expect(await sales.billingEvent('invoice.voided', { invoiceId, customerId })).toBe('applied');
      stored = await snapshot(order.id);
      expect(stored.lines.map((l) => l.invoicedMilli)).toEqual([0, 0]);
      expect(await timelineKinds(order.id)).toEqual([
        [1, 'created', 'confirmed'],
        [2, 'invoiced', 'confirmed'],
        [3, 'invoice_voided', 'confirmed'],
      ]);
      const events = (await sales.events()).filter((e) => e.aggregateId === order.id);
      expect(events.map((e) => [e.type, (e.payload as { change: string }).change])).toEqual([
        ['order.created', 'created'],
        ['order.invoiced', 'invoiced'],
        ['order.invoiced', 'invoice_voided'],
      ]);
    });
  },
);
