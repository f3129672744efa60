import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { seedOrderDemo } from '../src/order/order.demo';
import { OrderSubStatus, PurchaseOrder, Shipment } from '../src/order/order.entity';
import { startTestSales, type TestSales } from './sales-harness';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'demo orders on %s',
  (_name, target) => {
    let sales: TestSales;
    beforeAll(async () => {
      sales = await startTestSales(target);
      await sales.customer({ id: DEMO_CUSTOMER_IDS.acme, companyName: 'Acme' });
      await sales.customer({ id: DEMO_CUSTOMER_IDS.globex, companyName: 'Globex' });
    });
    afterAll(() => sales?.stop());

    it('seeds an order in each state a customer meets, once, into an empty database', async () => {
      expect(await seedOrderDemo(sales.running.services)).toBe(true);
      const { manager } = sales.running.db;
      const orders = await manager.getRepository(PurchaseOrder).find();
      const byCustomer = (id: string) =>
        orders
          .filter((o) => o.customerId === id)
          .map((o) => o.status)
          .sort();
      expect(byCustomer(DEMO_CUSTOMER_IDS.acme)).toEqual([
        'delivered',
        'in_progress',
        'partially_shipped',
      ]);
      expect(byCustomer(DEMO_CUSTOMER_IDS.globex)).toEqual(['cancelled', 'on_hold']);
      const inProgress = orders.find((o) => o.status === 'in_progress')!;
      const picking = await manager
        .getRepository(OrderSubStatus)
        .findOneByOrFail({ id: inProgress.subStatusId! });
      expect(picking).toMatchObject({ label: 'Picking', status: 'in_progress' });
      const partial = orders.find((o) => o.status === 'partially_shipped')!;
      const [shipment] = await manager.getRepository(Shipment).findBy({ orderId: partial.id });
      expect(shipment!.trackingUrl).toMatch(/^https:\/\//);

      expect(await seedOrderDemo(sales.running.services)).toBe(false);
      expect(await manager.getRepository(PurchaseOrder).count()).toBe(5);
    });
  },
);
