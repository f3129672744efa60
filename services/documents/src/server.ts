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
import type { DocumentsConfig } from './config';
import type { DocumentsServices } from './context';
import { openDocumentsDatabase } from './db/database';
import { seedDocumentsDemo } from './demo/demo-data';
import { fileRoutes } from './files/file-routes';
import { createStorage } from './storage/storage.config';
import type { FileStorage } from './storage/file-storage';
import { buildSchema, createContext, createServices, name } from './subgraph';

export interface RunningDocuments extends RunningSubgraph {
  db: Database;
  services: DocumentsServices;
  storage: FileStorage;
}

export async function startDocuments(
  config: DocumentsConfig,
  options: {
    onQuery?: (sql: string) => void;
    storage?: FileStorage;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningDocuments> {
  const tracing = options.tracing ?? startTracing(config.tracing);
  const db = await openDocumentsDatabase(config.db, { onQuery: options.onQuery, tracing });
  const storage = options.storage ?? (await createStorage(config.storage));
  const stops: Stoppable[] = [];
  try {
    const services = createServices(db, storage, config);
    const transport = createEventTransport(config.events, {
      claimsSecret: config.auth.claimsSecret,
      onError: throttledLog('documents: events'),
    });
    stops.push(
      followAccounts(
        transport,
        services.directory,
        config.events.feeds.accounts as string,
        config.auth.claimsSecret,
      ),
      ...services.linked.follow(
        transport,
        {
          billing: config.events.feeds.billing as string,
          sales: config.events.feeds.sales as string,
        },
        config.auth.claimsSecret,
      ),
    );
    // Documents' own events: numbered after each commit, served on its feed,
    // relayed to Redis Streams when configured.
    services.outbox.start();
    stops.push(services.outbox, transport.publish(services.outbox));
    if (config.seedDemo) {
      if (await services.directory.waitForCustomers(Object.values(DEMO_CUSTOMER_IDS), 60_000)) {
        await seedDocumentsDemo(services);
      } else {
        process.stderr.write(
          "documents: accounts' demo customers did not arrive within 60 s; demo documents not seeded\n",
        );
      }
    }
    const { schema } = await buildSchema();
    const routes = fileRoutes(services, config.files);
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
      routes: routes.downloads,
      uploadRoutes: routes.uploads,
      internalRoutes: { [EVENTS_FEED_PATH]: eventFeedRoute(services.outbox) },
      isReady: databaseReady(db),
      metrics: { db, events: transport },
    });
    return {
      ...server,
      db,
      services,
      storage,
      close: async () => {
        await server.close();
        for (const stop of stops) await stop.close();
        await storage.close();
        await db.dataSource.destroy();
        if (!options.tracing) await tracing.shutdown();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    await db.dataSource.destroy();
    if (!options.tracing) await tracing.shutdown();
    throw error;
  }
}
