import {
  createCounterStore,
  createEventTransport,
  throttledLog,
  type Stoppable,
  EVENTS_FEED_PATH,
  eventFeedRoute,
  Outbox,
  sendJson,
  databaseReady,
  startSubgraphServer,
  startTracing,
  type Tracing,
  type Database,
  type RunningSubgraph,
} from '@portico/kit';
import type { AccountsServices } from './context';
import { createMailTransport } from './mail/mail-transport';
import type { AccountsConfig } from './config';
import { PasswordHasher } from './auth/password-hasher';
import { readAcceptedKeys, TokenIssuer } from './auth/token-issuer';
import { openAccountsDatabase } from './db/database';
import { seedDemoData } from './demo/demo-data';
import { NotificationConsumers } from './notification/notification-consumers';
import { DEFAULT_SENDER_OPTIONS, NotificationSender } from './notification/notification-sender';
import {
  buildSchema,
  createContext,
  createServices,
  name,
  principalStatus,
  readRevocations,
} from './subgraph';

/** Where the gateway asks whether a token's session (or partner client) is still active. */
export const PRINCIPAL_STATUS_PATH = '/internal/principal-status';
/** Where gateways long-poll the revocation log. */
export const REVOCATIONS_PATH = '/internal/revocations';

export interface RunningAccounts extends RunningSubgraph {
  db: Database;
  tokens: TokenIssuer;
  services: AccountsServices;
  jwksUrl: string;
}

/** Opens the database (migrations applied), builds the schema and listens. */
export async function startAccounts(
  config: AccountsConfig,
  options: {
    onQuery?: (sql: string) => void;
    /** Spans go here instead of where config.tracing says (tests); not shut down by close. */
    tracing?: Tracing;
  } = {},
): Promise<RunningAccounts> {
  const tracing = options.tracing ?? startTracing(config.tracing);
  const db = await openAccountsDatabase(config.db, { onQuery: options.onQuery, tracing });
  // One outbox per process: every customer and organisation event goes through it.
  const outbox = new Outbox(db, 'accounts');
  const stops: Stoppable[] = [];
  try {
    const tokenOptions = {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    };
    const accepted = await readAcceptedKeys(config.auth.acceptedKeys);
    const tokens = config.auth.signingKeyPem
      ? await TokenIssuer.fromPem(config.auth.signingKeyPem, tokenOptions, accepted)
      : await TokenIssuer.fromFile(config.auth.signingKeyFile, tokenOptions, accepted);
    if (config.seedDemo) {
      await seedDemoData(db, new PasswordHasher(), outbox, { portalUrl: config.portal.url });
    }
    const counters = createCounterStore(config.redisUrl, `${config.redisPrefix}accounts:`);
    if (!(await counters.ready(5_000))) {
      process.stderr.write('accounts: Redis not reachable yet; sign-in is refused until it is\n');
    }
    const mail = createMailTransport(config.mail);
    stops.push({ close: async () => mail.close() });
    const services = createServices({
      db,
      tokens,
      counters,
      mail,
      outbox,
      config,
      onMailError: (error) =>
        process.stderr.write(`accounts: a mail could not be sent: ${String(error)}\n`),
    });
    const { schema } = await buildSchema();
    const transport = createEventTransport(config.events, {
      claimsSecret: config.auth.claimsSecret,
      onError: throttledLog('accounts: events'),
    });
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
      internalRoutes: {
        [PRINCIPAL_STATUS_PATH]: async (body) => ({
          status: 200,
          body: await principalStatus(services, body),
        }),
        [REVOCATIONS_PATH]: async (body) => ({
          status: 200,
          body: await readRevocations(services, body),
        }),
        [EVENTS_FEED_PATH]: eventFeedRoute(outbox),
      },
      routes: {
        '/.well-known/jwks.json': (_req, res) =>
          sendJson(res, 200, tokens.jwks, { 'cache-control': 'public, max-age=300' }),
      },
      isReady: databaseReady(db),
      metrics: { db, events: transport },
    });
    const refusals = server.metrics.counter({
      name: 'portico_sign_in_refusals_total',
      help: 'Refused sign-ins (password or staff), by principal kind and reason: invalid_credentials, limited, unavailable, error.',
      labelNames: ['principal', 'reason'],
    });
    services.signIn.onRefused = (principal, reason) => refusals.inc({ principal, reason });
    outbox.start();
    // Accounts' own events, relayed to Redis Streams when configured (the
    // feed route above serves them in the embedded default).
    stops.push(transport.publish(outbox));
    if (config.notifications.enabled) {
      // Started before the consumers so that the first applied event wakes it.
      const sender = new NotificationSender(db, mail, {
        ...DEFAULT_SENDER_OPTIONS,
        pollMs: config.notifications.pollMs,
        retryBaseMs: config.notifications.retryBaseMs,
        retryMaxMs: config.notifications.retryMaxMs,
        maxAttempts: config.notifications.maxAttempts,
        onError: throttledLog('accounts: notifications', { quietMs: 0 }),
      });
      sender.start();
      stops.push(sender);
      const consumers = new NotificationConsumers(
        db,
        { portalUrl: config.portal.url, portalName: config.portal.name },
        () => sender.wake(),
      );
      // Stopped before the sender (stops run last first).
      stops.push(...consumers.follow(transport));
    }
    return {
      ...server,
      db,
      tokens,
      services,
      jwksUrl: server.url.replace(/\/graphql$/, '/.well-known/jwks.json'),
      close: async () => {
        services.revocations.close();
        await server.close();
        for (const stop of [...stops].reverse()) await stop.close();
        await outbox.close();
        await counters.close();
        await db.dataSource.destroy();
        if (!options.tracing) await tracing.shutdown();
      },
    };
  } catch (error) {
    for (const stop of [...stops].reverse()) await stop.close().catch(() => undefined);
    await outbox.close();
    await db.dataSource.destroy();
    if (!options.tracing) await tracing.shutdown();
    throw error;
  }
}
