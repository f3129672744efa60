import {
  Outbox,
  buildFederatedSchema,
  type Database,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import { createSalesContext, type SalesContext, type SalesServices } from './context';
import { resolveCustomerReference } from './customer/customer.reference';
import type { SalesConfig } from './config';
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
      QuoteResolver,
      QuoteRevisionResolver,
      QuoteLineResolver,
      QuoteDecisionResolver,
      QuoteChangeRequestResolver,
    ],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
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
  config: Pick<SalesConfig, 'auth' | 'documents'>,
): SalesServices {
  const outbox = new Outbox(db, name);
  const directory = new CustomerDirectory(db, 'sales.directory');
  return {
    db,
    outbox,
    directory,
    quotes: new QuoteService(db, outbox, directory),
    quoteDecisions: new QuoteDecisionService(db, outbox),
    documents: new DocumentSigner(
      config.auth.claimsSecret,
      config.documents.publicBaseUrl,
      config.documents.linkTtlSeconds,
      name,
    ),
  };
}

export function createContext(services: SalesServices, meta: RequestMeta): SalesContext {
  return createSalesContext(services, meta);
}

export { loadConfig, type SalesConfig } from './config';
export { openSalesDatabase } from './db/database';
export { startSales, type RunningSales } from './server';
export { salesEvents, type SalesEventType } from './events/sales-events';
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
