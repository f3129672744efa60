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
import type { SalesConfig } from './config';
import type { SalesServices } from './context';
import { openSalesDatabase } from './db/database';
import { seedSalesDemo } from './demo/demo-data';
import { documentRoutes } from './documents/document-routes';
import { buildSchema, createContext, createServices, name } from './subgraph';

export interface RunningSales extends RunningSubgraph {
  db: Database;
  services: SalesServices;
}

export async function startSales(
  config: SalesConfig,
  options: {
    onQuery?: (sql: string) => void;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningSales> {
  const tracing = options.tracing ?? startTracing(config.tracing);
  const db = await openSalesDatabase(config.db, { onQuery: options.onQuery, tracing });
  const stops: Stoppable[] = [];
  try {
    const services = createServices(db, config);
    const transport = createEventTransport(config.events, {
      claimsSecret: config.auth.claimsSecret,
      onError: throttledLog('sales: events'),
    });
    stops.push(
      followAccounts(
        transport,
        services.directory,
        config.events.feeds.accounts as string,
        config.auth.claimsSecret,
      ),
    );
    // Billing's invoices raised against purchase orders (invoiced quantities).
    stops.push(transport.follow('billing', services.orderInvoices));
    // Sales' own events: numbered after each commit (and at start, for rows
    // a crash left unnumbered), served on its feed, relayed to Redis Streams
    // when configured.
    services.outbox.start();
    // Started with the service: its commits ping other instances' subscribers
    // even while it has none of its own.
    services.live.start();
    stops.push(services.live, services.outbox, transport.publish(services.outbox));
    if (config.seedDemo) {
      if (await services.directory.waitForCustomers(Object.values(DEMO_CUSTOMER_IDS), 60_000)) {
        await seedSalesDemo(services);
      } else {
        process.stderr.write(
          "sales: accounts' demo customers did not arrive within 60 s; demo quotes not seeded\n",
        );
      }
    }
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
      isReady: databaseReady(db),
      metrics: { db, events: transport },
      subscriptions: true,
    });
    return {
      ...server,
      db,
      services,
      close: async () => {
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
