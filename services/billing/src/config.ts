import {
  readBool,
  readEventsConfig,
  readLogLevel,
  type LogLevel,
  readAcceptedSecrets,
  readClaimsSecrets,
  type ClaimsSecrets,
  readDbConfig,
  readEnum,
  readOptionalString,
  readInt,
  readString,
  SUBGRAPH_KEEP_ALIVE_MS,
  type DbConfig,
  type EventsConfig,
  type Env,
  readTracingConfig,
  type TracingConfig,
} from '@portico/kit';
import { RECONCILE_AFTER_MS } from './payment/online-payment.service';

export interface BillingConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: ClaimsSecrets;
  documents: {
    /** Where clients reach the gateway; download links start here. */
    publicBaseUrl: string;
    linkTtlSeconds: number;
  };
  /** sandbox (embedded default, test cards) or stripe. */
  payments:
    | { provider: 'sandbox' }
    | {
        provider: 'stripe';
        secretKey: string;
        webhookSecret: string;
        /** STRIPE_WEBHOOK_SECRET_ACCEPTED: previous signing secrets, while one is rolled. */
        acceptedWebhookSecrets: string[];
        apiBase?: string;
      };
  /** How billing hears of accounts' customers and organisation profile, and of sales' orders. */
  events: EventsConfig;
  /**
   * Online payments left pending (answer lost, webhook missed) are settled
   * from the provider every `intervalMs` while the service runs, once older
   * than `pendingAfterMs` (so a charge still in flight elsewhere is left alone).
   */
  paymentsReconcile: { intervalMs: number; pendingAfterMs: number };
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
}

function readWebhookSecrets(env: Env): { webhookSecret: string; acceptedWebhookSecrets: string[] } {
  const webhookSecret = readString(env, 'STRIPE_WEBHOOK_SECRET');
  return {
    webhookSecret,
    acceptedWebhookSecrets: readAcceptedSecrets(env, 'STRIPE_WEBHOOK_SECRET', webhookSecret),
  };
}

export function loadConfig(env: Env): BillingConfig {
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4002, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: loadDbConfig(env),
    auth: readClaimsSecrets(env),
    documents: {
      publicBaseUrl: readString(env, 'PUBLIC_BASE_URL', 'http://127.0.0.1:4000'),
      linkTtlSeconds: readInt(env, 'DOCUMENT_LINK_TTL_SECONDS', 300, { min: 10, max: 3600 }),
    },
    payments:
      readEnum(env, 'PAYMENTS_PROVIDER', ['sandbox', 'stripe'] as const, 'sandbox') === 'stripe'
        ? {
            provider: 'stripe',
            secretKey: readString(env, 'STRIPE_SECRET_KEY'),
            ...readWebhookSecrets(env),
            apiBase: readOptionalString(env, 'STRIPE_API_BASE'),
          }
        : { provider: 'sandbox' },
    events: readEventsConfig(env, {
      accounts: 'http://127.0.0.1:4001/internal/events',
      sales: 'http://127.0.0.1:4003/internal/events',
    }),
    paymentsReconcile: {
      intervalMs: readInt(env, 'PAYMENTS_RECONCILE_INTERVAL_MS', 60_000, {
        min: 100,
        max: 3_600_000,
      }),
      pendingAfterMs: readInt(env, 'PAYMENTS_RECONCILE_AFTER_MS', RECONCILE_AFTER_MS, {
        min: 1_000,
      }),
    },
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-billing'),
  };
}

/** The database settings alone: what `billing migrate` needs, with the service's own default. */
export function loadDbConfig(env: Env): DbConfig {
  return readDbConfig(env, './data/billing.sqlite');
}
