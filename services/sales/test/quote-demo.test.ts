import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { Quote, QuoteDecision, quoteStatus, seedSalesDemo } from '@portico/sales';
import { startTestSales, testCustomer, type TestSales } from './sales-harness';
import { applyCustomerEvent } from '@portico/commerce';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'sales demo quotes on %s',
  (_name, target) => {
    let sales: TestSales;
    beforeAll(async () => {
      sales = await startTestSales(target);
      const { directory } = sales.running.services;
      await applyCustomerEvent(
        directory,
        'customer.created',
        testCustomer({ id: DEMO_CUSTOMER_IDS.acme, companyName: 'Acme Supplies Ltd' }),
      );
      await applyCustomerEvent(
        directory,
        'customer.created',
        testCustomer({
          id: DEMO_CUSTOMER_IDS.globex,
          companyName: 'Globex Ibérica S.L.',
          currency: 'EUR',
        }),
      );
    });
    afterAll(() => sales?.stop());

    it('seeds a quote in each state a customer meets, once, into an empty database', async () => {
      expect(await seedSalesDemo(sales.running.services)).toBe(true);
      const { manager } = sales.running.db;
      const quotes = await manager.getRepository(Quote).find();
      const statuses = quotes.map((q) => quoteStatus(q)).sort();
      expect(statuses).toEqual(
        ['ACCEPTED', 'DECLINED', 'DRAFT', 'EXPIRED', 'SENT', 'SENT', 'VIEWED'].sort(),
      );
      expect(quotes.filter((q) => q.currentRevision === 2)).toHaveLength(1);
      expect(await manager.getRepository(QuoteDecision).count()).toBe(2);
      expect(new Set(quotes.map((q) => q.customerId))).toEqual(
        new Set([DEMO_CUSTOMER_IDS.acme, DEMO_CUSTOMER_IDS.globex]),
      );
      const sent = (
        await sales.running.services.quotes.linesFor(
          (await sales.running.services.quotes.revisionsFor(quotes.map((q) => q.id))).map(
            (r) => r.id,
          ),
        )
      ).filter((l) => l.optional);
      expect(sent.length).toBeGreaterThan(0);
      expect(await seedSalesDemo(sales.running.services)).toBe(false);
      expect(await manager.getRepository(Quote).count()).toBe(quotes.length);
    });
  },
);
