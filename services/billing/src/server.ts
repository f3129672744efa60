import {
  createEventTransport,
  DEMO_CUSTOMER_IDS,
  throttledLog,
  eventFeedRoute,
  EVENTS_FEED_PATH,
  type Stoppable,
  databaseReady,
  startSubgraphServer,
  startTracing,
  type Tracing,
  type Database,
  type RunningSubgraph,
} from '@portico/kit';
import { followAccounts } from '@portico/commerce';
import type { BillingConfig } from './config';
import type { BillingServices } from './context';
import { openBillingDatabase } from './db/database';
import { seedBillingDemo } from './demo/demo-data';
import { buildSchema, createContext, createServices, name } from './subgraph';
import { documentRoutes } from './documents/document-routes';
import { StripePaymentProvider } from './payment/provider/stripe-provider';
import { followSales } from './sales/sales-consumer';
import { stripeWebhookRoute } from './payment/provider/stripe-webhook';

export interface RunningBilling extends RunningSubgraph {
  db: Database;
  services: BillingServices;
}

export async function startBilling(
  config: BillingConfig,
  options: {
    onQuery?: (sql: string) => void;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningBilling> {
  const tracing = options.tracing ?? startTracing(config.tracing);
  const db = await openBillingDatabase(config.db, { onQuery: options.onQuery, tracing });
  const stops: Stoppable[] = [];
  try {
    const services = createServices(db, config);
    const transport = createEventTransport(config.events, {
      claimsSecret: config.auth.claimsSecret,
      onError: throttledLog('billing: events'),
    });
    stops.push(
      followAccounts(
        transport,
        services.directory,
        config.events.feeds.accounts as string,
        config.auth.claimsSecret,
      ),
    );
    // Sales' orders and converted quotes. A sales service that cannot be
    // reached only delays them: the follower retries with a back-off and
    // logs through the throttled reporter; billing serves meanwhile.
    stops.push(
      followSales(
        transport,
        services.salesConsumer,
        services.salesOrders,
        config.events.feeds.sales,
        config.auth.claimsSecret,
      ),
    );
    // Billing's own events: numbered after each commit (and at start, for
    // rows a crash left unnumbered), served on its feed, relayed to Redis
    // Streams when configured.
    services.outbox.start();
    stops.push(services.outbox, transport.publish(services.outbox));
    if (config.seedDemo) {
      if (await services.directory.waitForCustomers(Object.values(DEMO_CUSTOMER_IDS), 60_000)) {
        await seedBillingDemo(services);
      } else {
        process.stderr.write(
          "billing: accounts' demo customers did not arrive within 60 s; demo invoices not seeded\n",
        );
      }
    }
    // Left behind by a crash: charges to settle from the provider's records.
    await services.onlinePayments.reconcile(new Date(), config.paymentsReconcile.pendingAfterMs);
    const { schema } = await buildSchema();
    const server = await startSubgraphServer({
      tracing,
      name,
      schema,
      claimsSecret: config.auth.claimsSecret,
      acceptedClaimsSecrets: config.auth.acceptedClaimsSecrets,
      host: config.http.host,
      port: config.http.port,
      keepAliveMs: config.http.keepAliveMs,
      logLevel: config.logLevel,
      createContext: (meta) => createContext(services, meta),
      routes: documentRoutes(services),
      internalRoutes: { [EVENTS_FEED_PATH]: eventFeedRoute(services.outbox) },
      webhookRoutes:
        config.payments.provider === 'stripe' && services.provider instanceof StripePaymentProvider
          ? {
              '/webhooks/stripe': stripeWebhookRoute(services, services.provider, [
                config.payments.webhookSecret,
                ...config.payments.acceptedWebhookSecrets,
              ]),
            }
          : {},
      isReady: databaseReady(db),
      metrics: { db, events: transport },
    });
    // Pending charges are settled while the service runs, not only at the next start.
    const reconciling = services.onlinePayments.startReconciling(
      config.paymentsReconcile.intervalMs,
      config.paymentsReconcile.pendingAfterMs,
      (error) =>
        process.stderr.write(
          `billing: reconciling pending payments failed, retrying: ${String(error)}\n`,
        ),
    );
    return {
      ...server,
      db,
      services,
      close: async () => {
        await reconciling.stop();
        await server.close();
        for (const stop of stops) await stop.close();
        await db.dataSource.destroy();
        if (!options.tracing) await tracing.shutdown();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop.close().catch(() => undefined);
    await db.dataSource.destroy();
    if (!options.tracing) await tracing.shutdown();
    throw error;
  }
}
