import {
  readBool,
  readEventsConfig,
  readLiveConfig,
  type LiveConfig,
  readLogLevel,
  type LogLevel,
  readClaimsSecrets,
  type ClaimsSecrets,
  readDbConfig,
  readInt,
  readString,
  SUBGRAPH_KEEP_ALIVE_MS,
  type DbConfig,
  type EventsConfig,
  type Env,
  readTracingConfig,
  type TracingConfig,
} from '@portico/kit';

export interface SalesConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: ClaimsSecrets;
  documents: {
    /** Where clients reach the gateway; download links start here. */
    publicBaseUrl: string;
    linkTtlSeconds: number;
  };
  /** How sales hears of accounts' customers and of billing's invoices. */
  events: EventsConfig;
  /** Wake-ups of subscriptions between instances (Redis pub/sub) and the fallback poll. */
  live: LiveConfig;
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
}

export function loadConfig(env: Env): SalesConfig {
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4003, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: loadDbConfig(env),
    auth: readClaimsSecrets(env),
    documents: {
      publicBaseUrl: readString(env, 'PUBLIC_BASE_URL', 'http://127.0.0.1:4000'),
      linkTtlSeconds: readInt(env, 'DOCUMENT_LINK_TTL_SECONDS', 300, { min: 10, max: 3600 }),
    },
    events: readEventsConfig(env, {
      accounts: 'http://127.0.0.1:4001/internal/events',
      billing: 'http://127.0.0.1:4002/internal/events',
    }),
    live: readLiveConfig(env),
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-sales'),
  };
}

/** The database settings alone: what `sales migrate` needs, with the service's own default. */
export function loadDbConfig(env: Env): DbConfig {
  return readDbConfig(env, './data/sales.sqlite');
}
