import { testing, type Database } from '@portico/kit';
import { openBillingDatabase } from '@portico/billing';

/**
 * Every string column of billing, as reviewed: exact tokens and emails are
 * declared with the kit's column helpers (and found in the entities); what is
 * left is human text, listed here, or outside this review.
 */
const REVIEW: testing.StringColumnReview = {
  humanText: [
    'invoices.notes',
    'invoices.terms',
    'invoices.voidReason',
    'invoice_lines.description',
    'payments.failureMessage',
    'refunds.reason',
    'credit_notes.reason',
    'credit_note_lines.description',
    'directory_customers.companyName',
    'directory_customers.displayName',
    'sales_invoice_requests.failureMessage',
  ],
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'billing string columns on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await target.create('billing');
      drop = database.drop;
      db = await openBillingDatabase(database.config);
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
          'payments.idempotencyKey',
          'payments.providerPaymentId',
          'payments.requestHash',
          'invoices.number',
          'credit_notes.number',
          'provider_events.id',
          'sandbox_charges.chargeId',
          'invoices.quoteId',
          'invoices.purchaseOrderId',
          'invoice_lines.orderLineId',
          'sales_orders.id',
        ]),
      );
      // Billing's own 54 (number_sequences.name included), the events kit's 17, the
      // directory's 7, the frozen parties' 4 and the sales links' 14 (3 on invoices
      // and lines, 4 of the orders read model, 7 of the invoice requests).
      expect(checked).toHaveLength(96);
    });
  },
);
