import {
  readBool,
  readLogLevel,
  type LogLevel,
  readClaimsSecret,
  readDbConfig,
  readEnum,
  readOptionalString,
  readInt,
  readString,
  SUBGRAPH_KEEP_ALIVE_MS,
  type DbConfig,
  type Env,
} from '@portico/kit';

export interface BillingConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: { claimsSecret: string };
  documents: {
    /** Where clients reach the gateway; download links start here. */
    publicBaseUrl: string;
    linkTtlSeconds: number;
  };
  /** sandbox (embedded default, test cards) or stripe. */
  payments:
    | { provider: 'sandbox' }
    | { provider: 'stripe'; secretKey: string; webhookSecret: string; apiBase?: string };
  seedDemo: boolean;
  logLevel: LogLevel;
}

export function loadConfig(env: Env): BillingConfig {
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4002, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: readDbConfig(env, './data/billing.sqlite'),
    auth: { claimsSecret: readClaimsSecret(env) },
    documents: {
      publicBaseUrl: readString(env, 'PUBLIC_BASE_URL', 'http://127.0.0.1:4000'),
      linkTtlSeconds: readInt(env, 'DOCUMENT_LINK_TTL_SECONDS', 300, { min: 10, max: 3600 }),
    },
    payments:
      readEnum(env, 'PAYMENTS_PROVIDER', ['sandbox', 'stripe'] as const, 'sandbox') === 'stripe'
        ? {
            provider: 'stripe',
            secretKey: readString(env, 'STRIPE_SECRET_KEY'),
            webhookSecret: readString(env, 'STRIPE_WEBHOOK_SECRET'),
            apiBase: readOptionalString(env, 'STRIPE_API_BASE'),
          }
        : { provider: 'sandbox' },
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
  };
}
