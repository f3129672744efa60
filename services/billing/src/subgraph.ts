import {
  Outbox,
  buildFederatedSchema,
  type Database,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { createBillingContext, type BillingContext, type BillingServices } from './context';
import {
  CreditApplicationResolver,
  CreditNoteLineResolver,
  CreditNoteResolver,
} from './credit/credit-note.resolver';
import { CreditNoteService } from './credit/credit-note.service';
import { resolveCustomerReference } from './customer/customer.reference';
import { CustomerBillingResolver } from './customer/customer.resolver';
import { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import { InvoiceLineResolver, InvoiceResolver } from './invoice/invoice.resolver';
import { InvoiceService } from './invoice/invoice.service';
import {
  PaymentAllocationResolver,
  PaymentResolver,
  RefundResolver,
} from './payment/payment.resolver';
import { PaymentService } from './payment/payment.service';
import { OnlinePaymentService } from './payment/online-payment.service';
import { OnlinePaymentResolver } from './payment/online-payment.resolver';
import { SandboxPaymentProvider } from './payment/provider/sandbox-provider';
import type { PaymentProvider } from './payment/provider/payment-provider';
import { createStripeClient, StripePaymentProvider } from './payment/provider/stripe-provider';
import { StatementService } from './statement/statement.service';
import { SalesConsumer } from './sales/sales-consumer';
import { SalesOrders } from './sales/sales-orders';
import {
  PurchaseOrderBillingResolver,
  QuoteBillingResolver,
  resolveSalesReference,
} from './sales/sales.resolver';
import { BalanceService } from './customer/balance.service';
import type { BillingConfig } from './config';
import type { Invoice } from './invoice/invoice.entity';
import type { Payment } from './payment/payment.entity';
import type { CreditNote } from './credit/credit-note.entity';

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'billing';

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [
      InvoiceResolver,
      InvoiceLineResolver,
      PaymentResolver,
      OnlinePaymentResolver,
      PaymentAllocationResolver,
      RefundResolver,
      CreditNoteResolver,
      CreditNoteLineResolver,
      CreditApplicationResolver,
      CustomerBillingResolver,
      QuoteBillingResolver,
      PurchaseOrderBillingResolver,
    ],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
      Quote: { __resolveReference: resolveSalesReference },
      PurchaseOrder: { __resolveReference: resolveSalesReference },
      Invoice: {
        __resolveReference: (ref: { id: string }, ctx: BillingContext): Promise<Invoice | null> =>
          ctx.loaders.invoice.load(ref.id),
      },
      Payment: {
        __resolveReference: async (
          ref: { id: string },
          ctx: BillingContext,
        ): Promise<Payment | null> => {
          const payment = await ctx.loaders.payment.load(ref.id);
          return payment && canSee(ctx, payment.customerId) ? payment : null;
        },
      },
      CreditNote: {
        __resolveReference: async (
          ref: { id: string },
          ctx: BillingContext,
        ): Promise<CreditNote | null> => {
          const note = await ctx.loaders.creditNote.load(ref.id);
          return note && canSee(ctx, note.customerId) ? note : null;
        },
      },
    } as never,
  });
}

function canSee(ctx: BillingContext, customerId: string): boolean {
  return resolveCustomerReference({ id: customerId }, ctx) !== null;
}

function providerFor(db: Database, config: Pick<BillingConfig, 'payments'>): PaymentProvider {
  return config.payments.provider === 'stripe'
    ? new StripePaymentProvider(createStripeClient(config.payments))
    : new SandboxPaymentProvider(db);
}

export function createServices(
  db: Database,
  config: Pick<BillingConfig, 'auth' | 'documents' | 'payments'>,
  provider?: PaymentProvider,
): BillingServices {
  const outbox = new Outbox(db, name);
  const paymentProvider = provider ?? providerFor(db, config);
  const directory = new CustomerDirectory(db, 'billing.directory');
  const salesOrders = new SalesOrders(db);
  const invoices = new InvoiceService(db, outbox, directory, salesOrders);
  return {
    db,
    outbox,
    directory,
    documents: new DocumentSigner(
      config.auth.claimsSecret,
      config.documents.publicBaseUrl,
      config.documents.linkTtlSeconds,
      name,
      config.auth.acceptedClaimsSecrets,
    ),
    provider: paymentProvider,
    onlinePayments: new OnlinePaymentService(db, outbox, paymentProvider, directory),
    invoices,
    salesOrders,
    salesConsumer: new SalesConsumer(db, { outbox, directory, invoices, orders: salesOrders }),
    payments: new PaymentService(db, outbox, directory),
    credits: new CreditNoteService(db, outbox, directory),
    statements: new StatementService(db),
    balances: new BalanceService(db),
  };
}

export function createContext(services: BillingServices, meta: RequestMeta): BillingContext {
  return createBillingContext(services, meta);
}

export { loadConfig, type BillingConfig } from './config';
export { openBillingDatabase } from './db/database';
export { startBilling, type RunningBilling } from './server';
export { seedBillingDemo } from './demo/demo-data';
