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

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'sales';

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
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
