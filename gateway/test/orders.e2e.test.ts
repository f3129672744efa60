import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

interface TimelineView {
  sequence: number;
  kind: string;
  status: string;
  by: { kind: string };
}

const ORDER = `query ($id: ID!) {
  purchaseOrder(id: $id) {
    number customerReference status subStatus { label colour }
    lines { quantity shippedQuantity deliveredQuantity }
    shipments { carrier trackingUrl deliveredAt lines { quantity } }
    timeline { sequence kind status by { kind } }
    customer { id }
  }
}`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'purchase orders through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    let alice: string;
    let lucia: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
    });
    afterAll(() => stack?.stop());

    async function staff<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await stack.query(query, { token: admin, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    }

    it('lists each change of an order in order, refuses a shipment above the ordered quantity, and hides the order from another customer', async () => {
      const acme = stack.accounts.demo.acmeId;
      const { createPurchaseOrder } = await staff<{
        createPurchaseOrder: { purchaseOrder: { id: string; lines: Array<{ id: string }> } };
      }>(
        'mutation ($c: ID!) { createPurchaseOrder(input: { customerId: $c, currency: "EUR", customerReference: "ACME-E2E", lines: [{ description: "Cable", quantity: "10", unitPrice: "2.00" }] }) { purchaseOrder { id lines { id } } } }',
        { c: acme },
      );
      const id = createPurchaseOrder.purchaseOrder.id;
      const lineId = createPurchaseOrder.purchaseOrder.lines[0]!.id;
      await staff(
        'mutation ($id: ID!) { setPurchaseOrderStatus(input: { id: $id, status: IN_PROGRESS }) { purchaseOrder { id } } }',
        { id },
      );
      const ship = (quantity: string) =>
        stack.query(
          'mutation ($id: ID!, $l: ID!, $q: String!) { addShipment(input: { orderId: $id, carrier: "DHL", trackingUrl: "https://track.example/1", shippedAt: "2026-12-01", lines: [{ orderLineId: $l, quantity: $q }] }) { shipment { id } purchaseOrder { status } } }',
          { token: admin, variables: { id, l: lineId, q: quantity } },
        );
      const first = await ship('4');
      expect(first.body.errors).toBeUndefined();
      const refused = await ship('7');
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'shipment-exceeds-ordered',
      });
      const rest = await ship('6');
      const shipmentId = (rest.body.data as { addShipment: { shipment: { id: string } } })
        .addShipment.shipment.id;
      await staff(
        'mutation ($s: ID!) { markShipmentDelivered(input: { shipmentId: $s, deliveredAt: "2026-12-03" }) { shipment { id } } }',
        { s: shipmentId },
      );

      const seen = await stack.query(ORDER, { token: alice, variables: { id } });
      expect(seen.body.errors).toBeUndefined();
      const order = (seen.body.data as { purchaseOrder: Record<string, unknown> }).purchaseOrder;
      expect(order).toMatchObject({
        customerReference: 'ACME-E2E',
        status: 'SHIPPED',
        lines: [{ quantity: '10', shippedQuantity: '10', deliveredQuantity: '6' }],
        customer: { id: acme },
      });
      const timeline = order.timeline as TimelineView[];
      expect(timeline.map((e) => [e.sequence, e.kind, e.status])).toEqual([
        [1, 'CREATED', 'CONFIRMED'],
        [2, 'STATUS_CHANGED', 'IN_PROGRESS'],
        [3, 'SHIPMENT_ADDED', 'IN_PROGRESS'],
        [4, 'STATUS_CHANGED', 'PARTIALLY_SHIPPED'],
        [5, 'SHIPMENT_ADDED', 'PARTIALLY_SHIPPED'],
        [6, 'STATUS_CHANGED', 'SHIPPED'],
        [7, 'SHIPMENT_DELIVERED', 'SHIPPED'],
      ]);
      expect(timeline.every((e) => e.by.kind === 'BUSINESS')).toBe(true);
      expect(seen.text).not.toContain('admin@portico.example');

      const other = await stack.query(ORDER, { token: lucia, variables: { id } });
      expect(other.body.data).toBeNull();
      expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(other.text).not.toContain('ACME-E2E');
    });

    it("follows billing's events: the invoices billing issued reach sales' consumer", async () => {
      // The demo invoices name no order, so they change nothing; the consumer's
      // cursor shows sales reads billing's feed at all.
      const deadline = Date.now() + 20_000;
      let cursor = 0;
      while (Date.now() < deadline) {
        cursor = await stack.sales.services.orderInvoices.cursor('billing');
        if (cursor > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(cursor).toBeGreaterThan(0);
    });

    it('shows each demo customer its own demo orders only', async () => {
      const list = async (token: string) => {
        const response = await stack.query(
          '{ purchaseOrders(first: 100) { nodes { status customerReference customer { id } } } }',
          { token },
        );
        expect(response.body.errors).toBeUndefined();
        return (
          response.body.data as {
            purchaseOrders: {
              nodes: Array<{ status: string; customerReference: string; customer: { id: string } }>;
            };
          }
        ).purchaseOrders.nodes;
      };
      const globex = await list(lucia);
      expect(globex.map((o) => o.status).sort()).toEqual(['CANCELLED', 'ON_HOLD']);
      expect(globex.every((o) => o.customer.id === stack.accounts.demo.globexId)).toBe(true);
      const acme = await list(alice);
      expect(acme.map((o) => o.customerReference)).toEqual(
        expect.arrayContaining(['ACME-PO-7781', 'ACME-PO-7764', 'ACME-PO-7702']),
      );
      expect(acme.some((o) => o.customer.id !== stack.accounts.demo.acmeId)).toBe(false);
    });
  },
);
