import {
  databaseReady,
  startSubgraphServer,
  type Database,
  type RunningSubgraph,
} from '@portico/kit';
import type { BillingConfig } from './config';
import type { BillingServices } from './context';
import { openBillingDatabase } from './db/database';
import { seedBillingDemo } from './demo/demo-data';
import { buildSchema, createContext, createServices, name } from './subgraph';
import { documentRoutes } from './documents/document-routes';
import { StripePaymentProvider } from './payment/provider/stripe-provider';
import { stripeWebhookRoute } from './payment/provider/stripe-webhook';

export interface RunningBilling extends RunningSubgraph {
  db: Database;
  services: BillingServices;
}

export async function startBilling(
  config: BillingConfig,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<RunningBilling> {
  const db = await openBillingDatabase(config.db, options);
  try {
    const services = createServices(db, config);
    if (config.seedDemo) await seedBillingDemo(services);
    // Left behind by a crash: charges to settle from the provider's records,
    // events committed but not yet published.
    await services.onlinePayments.reconcile();
    await services.publisher.flush();
    const { schema } = await buildSchema();
    const server = await startSubgraphServer({
      name,
      schema,
      claimsSecret: config.auth.claimsSecret,
      host: config.http.host,
      port: config.http.port,
      keepAliveMs: config.http.keepAliveMs,
      logLevel: config.logLevel,
      createContext: (meta) => createContext(services, meta),
      routes: documentRoutes(services),
      webhookRoutes:
        config.payments.provider === 'stripe' && services.provider instanceof StripePaymentProvider
          ? {
              '/webhooks/stripe': stripeWebhookRoute(
                services,
                services.provider,
                config.payments.webhookSecret,
              ),
            }
          : {},
      isReady: databaseReady(db),
    });
    return {
      ...server,
      db,
      services,
      close: async () => {
        await server.close();
        await db.dataSource.destroy();
      },
    };
  } catch (error) {
    await db.dataSource.destroy();
    throw error;
  }
}
