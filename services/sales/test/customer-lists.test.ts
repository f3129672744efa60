import { testing } from '@portico/kit';
import type { OrderActor } from '../src/order/order.changes';
import { PurchaseOrderStatus as S } from '../src/order/order.status';
import { contactOf, daysFromToday, startTestSales, type TestSales } from './sales-harness';

const BUSINESS: OrderActor = { kind: 'business', staffUserId: 'staff-9' };

/**
 * Sales' part of the portal's first screen, as the gateway asks for it
 * (scripts/bench/dashboard.graphql): the customer's open quotes and active
 * orders, reached through `_entities` on the accounts-owned Customer.
 */
const DASHBOARD_PART = `query($r: [_Any!]!, $first: Int!) {
  _entities(representations: $r) { ... on Customer {
    quotes(status: [SENT, VIEWED, CHANGES_REQUESTED], first: $first) {
      nodes { number status expiryDate total { amount currency }
              lines { description quantity total { amount } } }
    }
    purchaseOrders(status: [CONFIRMED, IN_PROGRESS, PARTIALLY_SHIPPED, SHIPPED, ON_HOLD], first: $first) {
      nodes { number status subStatus { label colour } expectedDeliveryDate
              lines { description quantity shippedQuantity }
              shipments { carrier trackingNumber }
              timeline { at kind status } }
    }
  } }
}`;

interface DashboardPart {
  _entities: Array<{
    quotes: { nodes: Array<{ number: string; status: string; lines: unknown[] }> };
    purchaseOrders: {
      nodes: Array<{
        number: string;
        status: string;
        subStatus: { label: string } | null;
        shipments: unknown[];
        timeline: unknown[];
      }>;
    };
  } | null>;
}

/** Quotes and orders tables: background work (outbox numbering, followers) touches none. */
const SALES_TABLES =
  /\b(quotes|quote_revisions|quote_lines|quote_decisions|quote_change_requests|purchase_orders|order_lines|shipments|shipment_lines|order_timeline|order_sub_statuses|order_invoices)\b/;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  "a customer's open quotes and active orders through _entities on %s",
  (_name, target) => {
    let sales: TestSales;
    beforeAll(async () => {
      sales = await startTestSales(target);
    });
    afterAll(() => sales?.stop());

    it('runs as many SELECTs for pages of 100 as for pages of 10, and leaves closed ones out', async () => {
      const services = sales.running.services;
      const customer = await sales.customer();
      const contact = contactOf(customer);
      const lines = [
        { description: 'Installation', quantity: '2', unitPrice: '100.00' },
        { description: 'Cabling', quantity: '1.5', unitPrice: '40.00' },
      ];
      for (let i = 0; i < 102; i++) {
        const { id } = await services.quotes.createDraft({
          customerId: customer,
          currency: 'EUR',
          expiryDate: daysFromToday(30),
          lines,
        });
        await services.quotes.send(id);
        if (i % 5 === 1) {
          await services.quoteDecisions.requestChanges(contact, {
            id,
            revision: 1,
            comment: 'Cheaper?',
          });
        }
        // Two that the status filter must leave out.
        if (i >= 100) await services.quotes.withdraw(id);
      }
      const picking = await services.orderSubStatuses.create({
        status: S.IN_PROGRESS,
        label: 'Picking',
        colour: '#f5a623',
      });
      for (let i = 0; i < 102; i++) {
        const { order, lines: orderLines } = await services.orders.createOrder(
          {
            customerId: customer,
            currency: 'EUR',
            lines: [
              { description: 'A', quantity: '2', unitPrice: '1.00' },
              { description: 'B', quantity: '1', unitPrice: '1.00' },
            ],
          },
          BUSINESS,
        );
        if (i >= 100) {
          await services.orders.setStatus(order.id, S.CANCELLED, BUSINESS);
        } else if (i % 3 === 0) {
          await services.orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
          await services.orders.setSubStatus(order.id, picking.id, BUSINESS);
        } else if (i % 3 === 1) {
          await services.shipments.addShipment(
            {
              orderId: order.id,
              carrier: 'UPS',
              trackingNumber: `1Z${i}`,
              shippedAt: daysFromToday(0),
              lines: [{ orderLineId: orderLines[0]!.id, quantity: '1' }],
            },
            BUSINESS,
          );
        }
      }

      async function selects(first: number): Promise<number> {
        const start = sales.queries.length;
        const response = await sales.post<DashboardPart>(DASHBOARD_PART, contact, {
          r: [{ __typename: 'Customer', id: customer }],
          first,
        });
        expect(response.body.errors).toBeUndefined();
        const part = response.body.data!._entities[0]!;
        expect(part.quotes.nodes).toHaveLength(first);
        expect(part.purchaseOrders.nodes).toHaveLength(first);
        return sales.queries
          .slice(start)
          .filter((sql) => /^\s*SELECT/i.test(sql) && SALES_TABLES.test(sql)).length;
      }
      const ten = await selects(10);
      const hundred = await selects(100);
      expect(hundred).toBe(ten);
      expect(ten).toBeLessThanOrEqual(8);

      // Page 100 is the whole open and active list: what the filters left out stays out.
      const full = await sales.post<DashboardPart>(DASHBOARD_PART, contact, {
        r: [{ __typename: 'Customer', id: customer }],
        first: 100,
      });
      const part = full.body.data!._entities[0]!;
      expect(new Set(part.quotes.nodes.map((q) => q.status))).toEqual(
        new Set(['SENT', 'CHANGES_REQUESTED']),
      );
      expect(part.quotes.nodes.every((q) => q.lines.length === 2)).toBe(true);
      const statuses = new Set(part.purchaseOrders.nodes.map((o) => o.status));
      expect(statuses).toEqual(new Set(['CONFIRMED', 'IN_PROGRESS', 'PARTIALLY_SHIPPED']));
      expect(part.purchaseOrders.nodes.some((o) => o.subStatus?.label === 'Picking')).toBe(true);
      expect(part.purchaseOrders.nodes.some((o) => o.shipments.length === 1)).toBe(true);
    }, 120_000);
  },
);
