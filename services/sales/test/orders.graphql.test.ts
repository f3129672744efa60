import { testing } from '@portico/kit';
import type { OrderActor } from '../src/order/order.changes';
import { PurchaseOrderStatus as S } from '../src/order/order.status';
import {
  contactOf,
  daysFromToday,
  partnerOf,
  STAFF,
  startTestSales,
  type TestSales,
} from './sales-harness';

const BUSINESS: OrderActor = { kind: 'business', staffUserId: 'staff-9' };

const ORDER_FIELDS = `
  id number customerReference orderDate expectedDeliveryDate status currency
  subStatus { label colour }
  customer { id }
  total { amount currency }
  lines { id description quantity shippedQuantity deliveredQuantity invoicedQuantity
          unitPrice { amount currency } total { amount } }
  shipments { carrier trackingNumber trackingUrl shippedAt deliveredAt
              lines { quantity orderLine { description } } }
  timeline { sequence kind status previousStatus by { kind } subStatus { label } }
`;

const LIST = `query($customerId: ID, $status: [PurchaseOrderStatus!], $first: Int, $after: String) {
  purchaseOrders(customerId: $customerId, status: $status, first: $first, after: $after) {
    nodes { ${ORDER_FIELDS} }
    pageInfo { endCursor hasNextPage }
  }
}`;

const ONE = `query($id: ID!) { purchaseOrder(id: $id) { ${ORDER_FIELDS} } }`;

const ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on PurchaseOrder { id number timeline { kind } } }
}`;

interface OrderView {
  id: string;
  number: string;
  status: string;
  subStatus: { label: string; colour: string } | null;
  lines: Array<{ id: string; quantity: string; shippedQuantity: string; invoicedQuantity: string }>;
  shipments: Array<{ trackingUrl: string | null; lines: Array<{ quantity: string }> }>;
  timeline: Array<{ sequence: number; kind: string; status: string; by: { kind: string } }>;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'purchase orders through the sales subgraph on %s',
  (_name, target) => {
    let sales: TestSales;
    let acme: string;
    let globex: string;
    let acmeOrderId: string;
    let globexOrderId: string;
    beforeAll(async () => {
      sales = await startTestSales(target);
      acme = await sales.customer({ companyName: 'Acme' });
      globex = await sales.customer({ companyName: 'Globex' });
    });
    afterAll(() => sales?.stop());

    const services = () => sales.running.services;

    it('lets staff create, progress and ship an order, and the contact follow it', async () => {
      const created = await sales.gql<{
        createPurchaseOrder: { purchaseOrder: OrderView };
      }>(
        STAFF,
        `mutation($input: CreatePurchaseOrderInput!) {
          createPurchaseOrder(input: $input) { purchaseOrder { id number status lines { id } } }
        }`,
        {
          input: {
            customerId: acme,
            currency: 'EUR',
            customerReference: 'ACME-PO-1',
            expectedDeliveryDate: daysFromToday(7),
            lines: [
              { description: 'Desk', quantity: '3', unitPrice: '100.00', taxPercent: '21' },
              { description: 'Lamp', quantity: '2', unitPrice: '20.00' },
            ],
          },
        },
      );
      expect(created.body.errors).toBeUndefined();
      const order = created.body.data!.createPurchaseOrder.purchaseOrder;
      acmeOrderId = order.id;
      expect(order.status).toBe('CONFIRMED');

      const sub = await sales.gql<{ createOrderSubStatus: { subStatus: { id: string } } }>(
        STAFF,
        `mutation { createOrderSubStatus(input: { status: IN_PROGRESS, label: "Packed", colour: "#2e7d32" }) { subStatus { id } } }`,
      );
      const subStatusId = sub.body.data!.createOrderSubStatus.subStatus.id;
      const steps = [
        `mutation { setPurchaseOrderStatus(input: { id: "${order.id}", status: IN_PROGRESS }) { purchaseOrder { status } } }`,
        `mutation { setPurchaseOrderSubStatus(input: { id: "${order.id}", subStatusId: "${subStatusId}" }) { purchaseOrder { subStatus { label } } } }`,
      ];
      for (const step of steps) {
        const response = await sales.gql(STAFF, step);
        expect(response.body.errors).toBeUndefined();
      }
      const shipped = await sales.gql(
        STAFF,
        `mutation($input: AddShipmentInput!) { addShipment(input: $input) { purchaseOrder { status } shipment { id } } }`,
        {
          input: {
            orderId: order.id,
            carrier: 'DHL',
            trackingNumber: 'JD0146',
            trackingUrl: 'https://track.example/JD0146',
            shippedAt: daysFromToday(0),
            lines: [{ orderLineId: order.lines[0]!.id, quantity: '2' }],
          },
        },
      );
      expect(shipped.body.data).toEqual({
        addShipment: {
          purchaseOrder: { status: 'PARTIALLY_SHIPPED' },
          shipment: expect.anything(),
        },
      });

      const seen = await sales.gql<{ purchaseOrder: OrderView }>(contactOf(acme), ONE, {
        id: order.id,
      });
      expect(seen.body.errors).toBeUndefined();
      const view = seen.body.data!.purchaseOrder;
      expect(view).toMatchObject({
        number: order.number,
        status: 'PARTIALLY_SHIPPED',
        subStatus: null,
        customer: { id: acme },
        total: { amount: '403.00', currency: 'EUR' },
      });
      expect(view.lines.map((l) => [l.quantity, l.shippedQuantity, l.invoicedQuantity])).toEqual([
        ['3', '2', '0'],
        ['2', '0', '0'],
      ]);
      expect(view.shipments).toEqual([
        expect.objectContaining({
          trackingUrl: 'https://track.example/JD0146',
          lines: [{ quantity: '2', orderLine: { description: 'Desk' } }],
        }),
      ]);
      expect(view.timeline.map((e) => [e.sequence, e.kind, e.status, e.by.kind])).toEqual([
        [1, 'CREATED', 'CONFIRMED', 'BUSINESS'],
        [2, 'STATUS_CHANGED', 'IN_PROGRESS', 'BUSINESS'],
        [3, 'SUB_STATUS_CHANGED', 'IN_PROGRESS', 'BUSINESS'],
        [4, 'SHIPMENT_ADDED', 'IN_PROGRESS', 'BUSINESS'],
        [5, 'STATUS_CHANGED', 'PARTIALLY_SHIPPED', 'BUSINESS'],
      ]);
      expect(seen.text).not.toContain('staff-sales-1');
    });

    it('refuses a shipment above the ordered quantity with a coded reason, changing nothing', async () => {
      const before = await sales.gql<{ purchaseOrder: OrderView }>(STAFF, ONE, { id: acmeOrderId });
      const line = before.body.data!.purchaseOrder.lines[0]!;
      const response = await sales.gql(
        STAFF,
        `mutation($input: AddShipmentInput!) { addShipment(input: $input) { shipment { id } } }`,
        {
          input: {
            orderId: acmeOrderId,
            carrier: 'DHL',
            shippedAt: daysFromToday(0),
            lines: [{ orderLineId: line.id, quantity: '1.001' }],
          },
        },
      );
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'shipment-exceeds-ordered',
      });
      const after = await sales.gql<{ purchaseOrder: OrderView }>(STAFF, ONE, { id: acmeOrderId });
      expect(after.body.data).toEqual(before.body.data);
    });

    it('keeps staff mutations from contacts and partners', async () => {
      for (const principal of [contactOf(acme), partnerOf([acme], ['orders:read'])]) {
        const response = await sales.gql(
          principal,
          `mutation { setPurchaseOrderStatus(input: { id: "${acmeOrderId}", status: ON_HOLD }) { purchaseOrder { status } } }`,
        );
        expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const still = await sales.gql<{ purchaseOrder: OrderView }>(STAFF, ONE, { id: acmeOrderId });
      expect(still.body.data!.purchaseOrder.status).toBe('PARTIALLY_SHIPPED');
    });

    it("hides another customer's order, its timeline and its reference from contacts and partners", async () => {
      const other = await services().orders.createOrder(
        {
          customerId: globex,
          currency: 'EUR',
          lines: [{ description: 'Secret', quantity: '1', unitPrice: '1.00' }],
        },
        BUSINESS,
      );
      globexOrderId = other.order.id;
      const outsiders = [contactOf(acme), partnerOf([acme], ['orders:read', 'invoices:read'])];
      for (const principal of outsiders) {
        const one = await sales.gql(principal, ONE, { id: globexOrderId });
        expect(one.body.data).toBeNull();
        expect(one.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
        const list = await sales.gql<{ purchaseOrders: { nodes: OrderView[] } }>(principal, LIST, {
          first: 100,
        });
        expect(list.body.errors).toBeUndefined();
        const ids = list.body.data!.purchaseOrders.nodes.map((n) => n.id);
        expect(ids).toContain(acmeOrderId);
        expect(ids).not.toContain(globexOrderId);
        const entities = await sales.gql<{ _entities: Array<unknown> }>(principal, ENTITIES, {
          r: [
            { __typename: 'PurchaseOrder', id: globexOrderId },
            { __typename: 'PurchaseOrder', id: acmeOrderId },
          ],
        });
        expect(entities.body.data!._entities[0]).toBeNull();
        expect(entities.body.data!._entities[1]).toMatchObject({ id: acmeOrderId });
        expect(entities.text).not.toContain('Secret');
      }
      // A contact asking for another customer's list by id learns nothing.
      const asked = await sales.gql(contactOf(acme), LIST, { customerId: globex, first: 10 });
      expect(asked.body.data).toBeNull();
      expect(asked.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      // Staff see both.
      const staff = await sales.gql<{ _entities: Array<unknown> }>(STAFF, ENTITIES, {
        r: [{ __typename: 'PurchaseOrder', id: globexOrderId }],
      });
      expect(staff.body.data!._entities[0]).toMatchObject({ id: globexOrderId });
    });

    it('needs orders:read for partners, wherever the order is reached', async () => {
      const partner = partnerOf([acme], ['invoices:read']);
      for (const [query, variables] of [
        [ONE, { id: acmeOrderId }],
        [LIST, { first: 10 }],
        [ENTITIES, { r: [{ __typename: 'PurchaseOrder', id: acmeOrderId }] }],
      ] as const) {
        const response = await sales.gql(partner, query, variables);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(response.text).not.toContain(acmeOrderId);
      }
      const ordersOnly = partnerOf([acme], ['orders:read']);
      const opened = await sales.gql<{ purchaseOrder: { id: string } }>(
        ordersOnly,
        `query($id: ID!) { purchaseOrder(id: $id) { id lines { quantity } timeline { kind } } }`,
        { id: acmeOrderId },
      );
      expect(opened.body.errors).toBeUndefined();
      expect(opened.body.data!.purchaseOrder.id).toBe(acmeOrderId);
    });

    it('filters by status in SQL and pages newest first', async () => {
      const customer = await sales.customer();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { order } = await services().orders.createOrder(
          {
            customerId: customer,
            currency: 'EUR',
            lines: [{ description: `Item ${i}`, quantity: '1', unitPrice: '1.00' }],
          },
          BUSINESS,
        );
        ids.push(order.id);
      }
      await services().orders.setStatus(ids[1]!, S.ON_HOLD, BUSINESS);
      await services().orders.setStatus(ids[3]!, S.CANCELLED, BUSINESS);
      const contact = contactOf(customer);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: testing.GraphQLResponse<{
          purchaseOrders: {
            nodes: OrderView[];
            pageInfo: { endCursor: string | null; hasNextPage: boolean };
          };
        }> = await sales.gql(contact, LIST, { first: 2, after });
        seen.push(...page.body.data!.purchaseOrders.nodes.map((n) => n.id));
        if (!page.body.data!.purchaseOrders.pageInfo.hasNextPage) break;
        after = page.body.data!.purchaseOrders.pageInfo.endCursor;
      }
      expect(seen).toEqual([...ids].reverse());
      const filtered = await sales.gql<{ purchaseOrders: { nodes: OrderView[] } }>(contact, LIST, {
        status: ['ON_HOLD', 'CANCELLED'],
        first: 10,
      });
      expect(filtered.body.data!.purchaseOrders.nodes.map((n) => [n.id, n.status])).toEqual([
        [ids[3], 'CANCELLED'],
        [ids[1], 'ON_HOLD'],
      ]);
      const bad = await sales.gql(contact, LIST, { first: 2, after: 'not-a-cursor' });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('shows invoiced quantities from the invoices billing raised against the order', async () => {
      const before = await sales.gql<{ purchaseOrder: OrderView }>(STAFF, ONE, { id: acmeOrderId });
      const line = before.body.data!.purchaseOrder.lines[1]!;
      await sales.billingEvent('invoice.issued', {
        invoiceId: 'invoice-acme-1',
        customerId: acme,
        number: 'INV-2026-00007',
        purchaseOrderId: acmeOrderId,
        lines: [{ orderLineId: line.id, quantityMilli: 1500 }],
      });
      const after = await sales.gql<{ purchaseOrder: OrderView }>(contactOf(acme), ONE, {
        id: acmeOrderId,
      });
      const view = after.body.data!.purchaseOrder;
      expect(view.lines[1]!.invoicedQuantity).toBe('1.5');
      expect(view.timeline[view.timeline.length - 1]).toMatchObject({
        kind: 'INVOICED',
        by: { kind: 'SYSTEM' },
      });
    });

    it('runs as many SQL statements for 50 orders as for 10, lines, shipments and timeline included', async () => {
      const customer = await sales.customer();
      const picking = await services().orderSubStatuses.create({
        status: S.IN_PROGRESS,
        label: 'Picking',
        colour: '#f5a623',
      });
      for (let i = 0; i < 50; i++) {
        const { order, lines } = await services().orders.createOrder(
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
        if (i % 2 === 0) {
          await services().orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
          await services().orders.setSubStatus(order.id, picking.id, BUSINESS);
        } else {
          await services().shipments.addShipment(
            {
              orderId: order.id,
              carrier: 'UPS',
              shippedAt: daysFromToday(0),
              lines: [
                { orderLineId: lines[0]!.id, quantity: '1' },
                { orderLineId: lines[1]!.id, quantity: '1' },
              ],
            },
            BUSINESS,
          );
        }
      }
      const contact = contactOf(customer);
      // The statements of the request itself: background work of the same
      // process (the outbox numbering events, followers reading their
      // cursors) touches none of the order tables.
      const ORDER_TABLES =
        /\b(purchase_orders|order_lines|shipments|shipment_lines|order_timeline|order_sub_statuses|order_invoices)\b/;
      async function statements(first: number): Promise<number> {
        const start = sales.queries.length;
        const response = await sales.gql<{ purchaseOrders: { nodes: OrderView[] } }>(
          contact,
          LIST,
          { first },
        );
        expect(response.body.errors).toBeUndefined();
        const nodes = response.body.data!.purchaseOrders.nodes;
        expect(nodes).toHaveLength(first);
        expect(nodes.some((n) => n.shipments.length > 0)).toBe(true);
        expect(nodes.some((n) => n.subStatus?.label === 'Picking')).toBe(true);
        return sales.queries.slice(start).filter((sql) => ORDER_TABLES.test(sql)).length;
      }
      const ten = await statements(10);
      const fifty = await statements(50);
      expect(fifty).toBe(ten);
      expect(ten).toBeLessThanOrEqual(12);
    });
  },
);
