import {
  readBool,
  readClaimsSecrets,
  type ClaimsSecrets,
  readDbConfig,
  readEventsConfig,
  readInt,
  readLiveConfig,
  readLogLevel,
  readString,
  SUBGRAPH_KEEP_ALIVE_MS,
  type DbConfig,
  type Env,
  type EventsConfig,
  type LiveConfig,
  type LogLevel,
  readTracingConfig,
  type TracingConfig,
} from '@portico/kit';

export interface MessagingConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: ClaimsSecrets;
  comments: {
    /** The longest comment accepted, in characters (Unicode code points). */
    maxChars: number;
    /** How long after posting its author may still edit or delete a comment. */
    editWindowSeconds: number;
  };
  /** How messaging hears of accounts' customers and of billing's, sales' and documents' records. */
  events: EventsConfig;
  /** Live events for subscriptions: Redis wake-ups between instances, the poll. */
  live: LiveConfig;
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
}

export function loadConfig(env: Env): MessagingConfig {
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4005, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: loadDbConfig(env),
    auth: readClaimsSecrets(env),
    comments: {
      maxChars: readInt(env, 'MESSAGING_MAX_COMMENT_CHARS', 10_000, { min: 1, max: 100_000 }),
      editWindowSeconds: readInt(env, 'MESSAGING_EDIT_WINDOW_SECONDS', 900, {
        min: 0,
        max: 7 * 86_400,
      }),
    },
    events: readEventsConfig(env, {
      accounts: 'http://127.0.0.1:4001/internal/events',
      billing: 'http://127.0.0.1:4002/internal/events',
      sales: 'http://127.0.0.1:4003/internal/events',
      documents: 'http://127.0.0.1:4004/internal/events',
    }),
    live: readLiveConfig(env),
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-messaging'),
  };
}

/** The database settings alone: what `messaging migrate` needs, with the service's own default. */
export function loadDbConfig(env: Env): DbConfig {
  return readDbConfig(env, './data/messaging.sqlite');
}
