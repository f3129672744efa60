import DataLoader from 'dataloader';
import { In } from 'typeorm';
import {
  groupByKeys,
  type BaseContext,
  type Database,
  type Outbox,
  type RequestMeta,
} from '@portico/kit';
import { CreditApplication, CreditNote, CreditNoteLine } from './credit/credit-note.entity';
import type { CreditNoteService } from './credit/credit-note.service';
import type { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import type { Invoice, InvoiceLine } from './invoice/invoice.entity';
import type { InvoiceService } from './invoice/invoice.service';
import { Payment, PaymentAllocation, Refund } from './payment/payment.entity';
import type { PaymentService } from './payment/payment.service';
import type { StatementService } from './statement/statement.service';
import type { BalanceService } from './customer/balance.service';
import type { OnlinePaymentService } from './payment/online-payment.service';
import type { PaymentProvider } from './payment/provider/payment-provider';
import type { SalesConsumer } from './sales/sales-consumer';
import type { SalesOrders } from './sales/sales-orders';

export interface BillingServices {
  db: Database;
  /** Billing's outbox: events written with each change, numbered after commit. */
  outbox: Outbox;
  /** Billing's read model of accounts' customers and organisation. */
  directory: CustomerDirectory;
  invoices: InvoiceService;
  payments: PaymentService;
  credits: CreditNoteService;
  statements: StatementService;
  onlinePayments: OnlinePaymentService;
  provider: PaymentProvider;
  documents: DocumentSigner;
  balances: BalanceService;
  /** Billing's read model of sales' purchase orders. */
  salesOrders: SalesOrders;
  /** Billing's consumer of sales' events (orders, converted quotes' invoices). */
  salesConsumer: SalesConsumer;
}

/**
 * Per-request loaders, one set per principal. Invoices load through the
 * principal's row-level scope; the rest hang off rows already in scope.
 * Each batch is one SQL statement, whatever the list's length.
 */
export function createBillingLoaders(services: BillingServices, meta: RequestMeta) {
  const { db } = services;
  const m = () => db.manager;
  const invoice = new DataLoader<string, Invoice | null>(async (ids) => {
    const rows = await services.invoices.findVisible(meta.principal, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  // Invoices loaded through a link are in scope already: lines find their currency without a query.
  const primed = (rows: Invoice[]) => {
    for (const row of rows) invoice.prime(row.id, row);
    return rows;
  };
  return {
    invoice,
    invoicesByQuote: new DataLoader<string, Invoice[]>(async (ids) =>
      groupByKeys(
        primed(await services.invoices.findLinked(meta.principal, 'quoteId', ids)),
        (i) => i.quoteId as string,
        ids,
      ),
    ),
    invoicesByPurchaseOrder: new DataLoader<string, Invoice[]>(async (ids) =>
      groupByKeys(
        primed(await services.invoices.findLinked(meta.principal, 'purchaseOrderId', ids)),
        (i) => i.purchaseOrderId as string,
        ids,
      ),
    ),
    linesByInvoice: new DataLoader<string, InvoiceLine[]>(async (ids) =>
      groupByKeys(await services.invoices.linesFor(ids), (l) => l.invoiceId, ids),
    ),
    allocationsByInvoice: new DataLoader<string, PaymentAllocation[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(PaymentAllocation)
          .find({ where: { invoiceId: In([...ids]) }, order: { effectiveOn: 'ASC', id: 'ASC' } }),
        (a) => a.invoiceId,
        ids,
      ),
    ),
    allocationsByPayment: new DataLoader<string, PaymentAllocation[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(PaymentAllocation)
          .find({ where: { paymentId: In([...ids]) }, order: { effectiveOn: 'ASC', id: 'ASC' } }),
        (a) => a.paymentId,
        ids,
      ),
    ),
    payment: new DataLoader<string, Payment | null>(async (ids) => {
      const rows = await m()
        .getRepository(Payment)
        .findBy({ id: In([...ids]) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    refundsByPayment: new DataLoader<string, Refund[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(Refund)
          .find({ where: { paymentId: In([...ids]) }, order: { refundedOn: 'ASC', id: 'ASC' } }),
        (r) => r.paymentId,
        ids,
      ),
    ),
    creditApplicationsByInvoice: new DataLoader<string, CreditApplication[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(CreditApplication)
          .find({ where: { invoiceId: In([...ids]) }, order: { appliedOn: 'ASC', id: 'ASC' } }),
        (a) => a.invoiceId,
        ids,
      ),
    ),
    creditApplicationsByNote: new DataLoader<string, CreditApplication[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(CreditApplication)
          .find({ where: { creditNoteId: In([...ids]) }, order: { appliedOn: 'ASC', id: 'ASC' } }),
        (a) => a.creditNoteId,
        ids,
      ),
    ),
    creditNote: new DataLoader<string, CreditNote | null>(async (ids) => {
      const rows = await m()
        .getRepository(CreditNote)
        .findBy({ id: In([...ids]) });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    creditNoteLines: new DataLoader<string, CreditNoteLine[]>(async (ids) =>
      groupByKeys(
        await m()
          .getRepository(CreditNoteLine)
          .find({ where: { creditNoteId: In([...ids]) }, order: { position: 'ASC' } }),
        (l) => l.creditNoteId,
        ids,
      ),
    ),
  };
}

export type BillingLoaders = ReturnType<typeof createBillingLoaders>;

export interface BillingContext extends BaseContext {
  services: BillingServices;
  loaders: BillingLoaders;
}

export function createBillingContext(services: BillingServices, meta: RequestMeta): BillingContext {
  return { ...meta, services, loaders: createBillingLoaders(services, meta) };
}
