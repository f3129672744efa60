import {
  createEventTransport,
  databaseReady,
  DEMO_CUSTOMER_IDS,
  eventFeedRoute,
  EVENTS_FEED_PATH,
  startSubgraphServer,
  startTracing,
  type Tracing,
  throttledLog,
  type Database,
  type RunningSubgraph,
  type Stoppable,
} from '@portico/kit';
import { followAccounts } from '@portico/commerce';
import type { MessagingConfig } from './config';
import type { MessagingServices } from './context';
import { openMessagingDatabase } from './db/database';
import { seedMessagingDemo } from './demo/demo-data';
import { buildSchema, createContext, createServices, name } from './subgraph';

export interface RunningMessaging extends RunningSubgraph {
  db: Database;
  services: MessagingServices;
}

export async function startMessaging(
  config: MessagingConfig,
  options: {
    onQuery?: (sql: string) => void;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningMessaging> {
  const tracing = options.tracing ?? startTracing(config.tracing);
  const db = await openMessagingDatabase(config.db, { onQuery: options.onQuery, tracing });
  const stops: Stoppable[] = [];
  try {
    const services = createServices(db, config);
    const transport = createEventTransport(config.events, {
      claimsSecret: config.auth.claimsSecret,
      onError: throttledLog('messaging: events'),
    });
    const feed = (producer: string) => config.events.feeds[producer] as string;
    stops.push(
      followAccounts(transport, services.directory, feed('accounts'), config.auth.claimsSecret),
      ...services.subjects.follow(
        transport,
        { billing: feed('billing'), sales: feed('sales'), documents: feed('documents') },
        config.auth.claimsSecret,
      ),
    );
    // Messaging's own events: numbered after each commit, served on its feed,
    // relayed to Redis Streams when configured.
    services.outbox.start();
    services.live.start();
    stops.push(services.live, services.outbox, transport.publish(services.outbox));
    if (config.seedDemo) {
      if (await services.directory.waitForCustomers(Object.values(DEMO_CUSTOMER_IDS), 60_000)) {
        await seedMessagingDemo(services);
      } else {
        process.stderr.write(
          "messaging: accounts' demo customers did not arrive within 60 s; demo messages not seeded\n",
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
