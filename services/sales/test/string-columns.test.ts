import { testing, type Database } from '@portico/kit';
import { openSalesDatabase } from '@portico/sales';

/**
 * Every string column of sales, as reviewed: exact tokens and emails are
 * declared with the kit's column helpers (and found in the entities); what is
 * left is human text, listed here.
 */
const REVIEW: testing.StringColumnReview = {
  humanText: [
    'quote_revisions.terms',
    'quote_revisions.notes',
    'quote_lines.description',
    'quote_decisions.signerName',
    'quote_decisions.comment',
    'quote_decisions.reasonText',
    'quote_change_requests.comment',
    'purchase_orders.customerReference',
    'order_lines.description',
    'shipments.carrier',
    'order_sub_statuses.label',
    'directory_customers.companyName',
    'directory_customers.displayName',
  ],
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'sales string columns on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await target.create('sales');
      drop = database.drop;
      db = await openSalesDatabase(database.config);
    });
    afterAll(async () => {
      await db?.dataSource.destroy();
      await drop?.();
    });

    it('declares every string column as an exact token, an email or reviewed human text', () => {
      expect(testing.stringColumnDeclarationProblems(db.dataSource, REVIEW)).toEqual([]);
    });

    it('has in the database the collation each column declares', async () => {
      expect(await testing.collationProblems(db.dataSource, REVIEW)).toEqual([]);
    });

    it('keeps tokens that differ only in case apart, in every exact-token column', async () => {
      const { checked, problems } = await testing.caseVariantProblems(db.dataSource, REVIEW);
      expect(problems).toEqual([]);
      expect(checked).toEqual(
        expect.arrayContaining([
          'quotes.number',
          'quotes.state',
          'quote_revisions.sha256',
          'quote_decisions.revisionSha256',
          'quote_decisions.customerReference',
          'quote_decisions.optionalLineIds',
          'purchase_orders.id',
          'purchase_orders.number',
          'purchase_orders.customerId',
          'purchase_orders.status',
          'purchase_orders.quoteId',
          'order_lines.orderId',
          'shipments.trackingNumber',
          'shipments.trackingUrl',
          'shipment_lines.orderLineId',
          'order_sub_statuses.colour',
          'order_timeline.details',
          'order_timeline.staffUserId',
          'order_invoices.invoiceId',
          'order_invoices.number',
          'order_invoices.lines',
        ]),
      );
      // Orders' own: 10 on purchase_orders, 2 on order_lines, 6 on shipments, 3 on
      // shipment_lines, 3 on order_sub_statuses, 8 on order_timeline, 5 on order_invoices.
      expect(checked.filter((c) => /^(purchase_orders|order_|shipment)/.test(c))).toHaveLength(37);
    });
  },
);
