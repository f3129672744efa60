import {
  LiveFeed,
  Outbox,
  buildFederatedSchema,
  throttledLog,
  type LiveConfig,
  type Database,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import { createSalesContext, type SalesContext, type SalesServices } from './context';
import { resolveCustomerReference } from './customer/customer.reference';
import { CustomerSalesResolver } from './customer/customer.resolver';
import {
  PurchaseOrderQuoteResolver,
  QuoteConversionResolver,
} from './conversion/conversion.resolver';
import { QuoteConversionService } from './conversion/conversion.service';
import type { SalesConfig } from './config';
import { OrderInvoiceConsumer } from './order/order-invoices.consumer';
import {
  OrderLineResolver,
  OrderTimelineEntryResolver,
  ShipmentLineResolver,
  ShipmentResolver,
} from './order/order-parts.resolver';
import { resolvePurchaseOrderReference } from './order/order.reference';
import { PurchaseOrderResolver } from './order/order.resolver';
import { OrderLiveResolver } from './order/order-live.resolver';
import { OrderReads } from './order/order-reads.service';
import { OrderService } from './order/order.service';
import { ShipmentService } from './order/shipment.service';
import { OrderSubStatusResolver } from './order/sub-status.resolver';
import { OrderSubStatusService } from './order/sub-status.service';
import { QuoteResolver } from './quote/quote.resolver';
import {
  QuoteChangeRequestResolver,
  QuoteDecisionResolver,
  QuoteLineResolver,
  QuoteRevisionResolver,
} from './quote/quote-parts.resolver';
import { QuoteService } from './quote/quote.service';
import { QuoteDecisionService } from './quote/quote-decision.service';
import type { Quote } from './quote/quote.entity';

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'sales';

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [
      PurchaseOrderResolver,
      OrderLiveResolver,
      OrderLineResolver,
      ShipmentResolver,
      ShipmentLineResolver,
      OrderTimelineEntryResolver,
      OrderSubStatusResolver,
      QuoteResolver,
      QuoteRevisionResolver,
      QuoteLineResolver,
      QuoteDecisionResolver,
      QuoteChangeRequestResolver,
      QuoteConversionResolver,
      PurchaseOrderQuoteResolver,
      CustomerSalesResolver,
    ],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
      PurchaseOrder: { __resolveReference: resolvePurchaseOrderReference },
      // Through the principal's row-level scope: out of scope (or a draft, for customers) is null.
      Quote: {
        __resolveReference: (ref: { id: string }, ctx: SalesContext): Promise<Quote | null> =>
          ctx.loaders.quote.load(ref.id),
      },
    } as never,
  });
}

export function createServices(
  db: Database,
  config: Pick<SalesConfig, 'auth' | 'documents'> & { live?: LiveConfig },
): SalesServices {
  const outbox = new Outbox(db, name);
  const live = new LiveFeed(outbox, {
    ...config.live,
    onError: throttledLog('sales: live events'),
  });
  const directory = new CustomerDirectory(db, 'sales.directory');
  const orders = new OrderService(db, outbox, directory);
  return {
    db,
    outbox,
    live,
    directory,
    quotes: new QuoteService(db, outbox, directory),
    quoteDecisions: new QuoteDecisionService(db, outbox),
    documents: new DocumentSigner(
      config.auth.claimsSecret,
      config.documents.publicBaseUrl,
      config.documents.linkTtlSeconds,
      name,
      config.auth.acceptedClaimsSecrets,
    ),
    orders,
    conversions: new QuoteConversionService(db, outbox, directory, orders),
    orderReads: new OrderReads(db),
    shipments: new ShipmentService(db, outbox),
    orderSubStatuses: new OrderSubStatusService(db),
    orderInvoices: new OrderInvoiceConsumer(db, outbox),
  };
}

export function createContext(services: SalesServices, meta: RequestMeta): SalesContext {
  return createSalesContext(services, meta);
}

export { loadConfig, type SalesConfig } from './config';
export { openSalesDatabase } from './db/database';
export { startSales, type RunningSales } from './server';
export { salesEvents, type SalesEventType } from './events/sales-events';
export {
  OrderService,
  type CreateOrderSpec,
  type CreatedOrder,
  type OrderLineSpec,
} from './order/order.service';
export type { OrderActor } from './order/order.changes';
export { BILLING_CONSUMER } from './order/order-invoices.consumer';
export { seedSalesDemo } from './demo/demo-data';
export {
  Quote,
  QuoteChangeRequest,
  QuoteDecision,
  QuoteLine,
  QuoteRevision,
  type QuoteState,
} from './quote/quote.entity';
export { QuoteService } from './quote/quote.service';
export { QuoteDecisionService } from './quote/quote-decision.service';
export {
  convertAcceptedQuote,
  loadAcceptedQuote,
  markQuoteConverted,
  type AcceptedQuote,
} from './quote/quote-conversion';
export { QuoteStatus, quoteStatus } from './quote/quote.status';
export { revisionSha256 } from './quote/quote.content';
