import type { BaseContext, Database, LiveFeed, Outbox, RequestMeta } from '@portico/kit';
import type { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import { createOrderLoaders } from './order/order.loaders';
import type { OrderInvoiceConsumer } from './order/order-invoices.consumer';
import type { OrderReads } from './order/order-reads.service';
import type { OrderService } from './order/order.service';
import type { QuoteConversionService } from './conversion/conversion.service';
import type { ShipmentService } from './order/shipment.service';
import type { OrderSubStatusService } from './order/sub-status.service';
import { createQuoteLoaders } from './quote/quote.loaders';
import type { QuoteService } from './quote/quote.service';
import type { QuoteDecisionService } from './quote/quote-decision.service';

export interface SalesServices {
  db: Database;
  /** Sales' outbox: events written with each change, numbered after commit. */
  outbox: Outbox;
  /** Sales' events as they are numbered, for subscriptions (orderChanged). */
  live: LiveFeed;
  /** Sales' read model of accounts' customers and organisation. */
  directory: CustomerDirectory;
  documents: DocumentSigner;
  orders: OrderService;
  /** Accepted quotes into purchase orders (and an invoice request to billing). */
  conversions: QuoteConversionService;
  orderReads: OrderReads;
  shipments: ShipmentService;
  orderSubStatuses: OrderSubStatusService;
  /** Billing's invoices raised against orders, applied to the orders' lines. */
  orderInvoices: OrderInvoiceConsumer;
  quotes: QuoteService;
  quoteDecisions: QuoteDecisionService;
}

/**
 * Per-request loaders, one set per principal: documents load through the
 * principal's row-level scope; the rest hang off rows already in scope.
 * Each batch is one SQL statement, whatever the list's length.
 */
export function createSalesLoaders(services: SalesServices, meta: RequestMeta) {
  return {
    ...createOrderLoaders(services.orderReads, meta),
    ...createQuoteLoaders(services.quotes, meta),
  };
}

export type SalesLoaders = ReturnType<typeof createSalesLoaders>;

export interface SalesContext extends BaseContext {
  services: SalesServices;
  loaders: SalesLoaders;
}

export function createSalesContext(services: SalesServices, meta: RequestMeta): SalesContext {
  return { ...meta, services, loaders: createSalesLoaders(services, meta) };
}
