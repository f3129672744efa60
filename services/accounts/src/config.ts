import {
  ConfigError,
  readClaimsSecrets,
  SUBGRAPH_KEEP_ALIVE_MS,
  readBool,
  readEventsConfig,
  type EventsConfig,
  readLogLevel,
  type LogLevel,
  readDbConfig,
  readInt,
  readOptionalString,
  readString,
  type DbConfig,
  type Env,
  readTracingConfig,
  type TracingConfig,
} from '@portico/kit';
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './auth/sign-in-guard';
import type { MailConfig } from './mail/mail-transport';

export interface AccountsConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: {
    /** Shared with the gateway: verifies the claims it forwards. */
    claimsSecret: string;
    /** Still verified during a rotation of the claims secret, never used to sign. */
    acceptedClaimsSecrets: string[];
    /** PKCS#8 PEM of the ES256 signing key; when absent, read or created at `signingKeyFile`. */
    signingKeyPem?: string;
    signingKeyFile: string;
    /**
     * PEM keys published in the JWKS beside the signing key during a rotation,
     * never used to sign: AUTH_SIGNING_KEY_ACCEPTED (the PEM text) or
     * AUTH_SIGNING_KEY_ACCEPTED_FILE (read at start).
     */
    acceptedKeys?: { pem: string } | { file: string };
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
  };
  signInLimits: SignInLimits;
  /** Shared sign-in attempt counters across accounts instances; in memory when unset. */
  redisUrl?: string;
  /** Prefix of every Redis key, so installations can share one Redis. */
  redisPrefix: string;
  /** Outgoing mail: `.eml` files in a folder by default, SMTP when MAIL_SMTP_URL is set. */
  mail: MailConfig;
  portal: {
    /** The customer portal web app, for links in mail. */
    url: string;
    name: string;
    invitationTtlMs: number;
    resetTtlMs: number;
  };
  /** How accounts publishes its events and follows messaging's and documents'. */
  events: EventsConfig;
  /**
   * Email notifications for messaging's and documents' events. Off: accounts
   * follows neither producer and mails nothing of the kind.
   */
  notifications: {
    enabled: boolean;
    pollMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    maxAttempts: number;
  };
  /** Seed the demo customers, contacts and staff admin into an empty database. */
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
}

function readMailConfig(env: Env): MailConfig {
  const from = readString(env, 'MAIL_FROM', 'Portico <no-reply@portico.invalid>');
  const smtpUrl = readOptionalString(env, 'MAIL_SMTP_URL');
  if (smtpUrl) {
    if (!/^smtps?:\/\//.test(smtpUrl))
      throw new ConfigError('MAIL_SMTP_URL must be smtp:// or smtps://');
    return { transport: 'smtp', url: smtpUrl, from };
  }
  return { transport: 'folder', folder: readString(env, 'MAIL_FOLDER', './data/mail'), from };
}

function readAcceptedKeys(env: Env): Pick<AccountsConfig['auth'], 'acceptedKeys'> {
  const pem = readOptionalString(env, 'AUTH_SIGNING_KEY_ACCEPTED');
  const file = readOptionalString(env, 'AUTH_SIGNING_KEY_ACCEPTED_FILE');
  if (pem && file) {
    throw new ConfigError(
      'AUTH_SIGNING_KEY_ACCEPTED and AUTH_SIGNING_KEY_ACCEPTED_FILE are both set; use one',
    );
  }
  if (pem) return { acceptedKeys: { pem } };
  return file ? { acceptedKeys: { file } } : {};
}

export function loadConfig(env: Env): AccountsConfig {
  const { claimsSecret, acceptedClaimsSecrets } = readClaimsSecrets(env);
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4001, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: loadDbConfig(env),
    auth: {
      claimsSecret,
      acceptedClaimsSecrets,
      signingKeyPem: readOptionalString(env, 'AUTH_SIGNING_KEY'),
      signingKeyFile: readString(
        env,
        'AUTH_SIGNING_KEY_FILE',
        './data/keys/accounts-signing-key.pem',
      ),
      ...readAcceptedKeys(env),
      issuer: readString(env, 'AUTH_ISSUER', 'portico-accounts'),
      audience: readString(env, 'AUTH_AUDIENCE', 'portico'),
      accessTokenTtlSeconds: readInt(env, 'AUTH_ACCESS_TOKEN_TTL_SECONDS', 900, {
        min: 30,
        max: 3600,
      }),
    },
    signInLimits: {
      ...DEFAULT_SIGN_IN_LIMITS,
      perAccountAndAddress: {
        ...DEFAULT_SIGN_IN_LIMITS.perAccountAndAddress,
        attempts: readInt(env, 'SIGNIN_LIMIT_PER_ACCOUNT_ADDRESS', 5, { min: 1 }),
      },
      perAddress: {
        ...DEFAULT_SIGN_IN_LIMITS.perAddress,
        attempts: readInt(env, 'SIGNIN_LIMIT_PER_ADDRESS', 50, { min: 1 }),
      },
      perAccount: {
        ...DEFAULT_SIGN_IN_LIMITS.perAccount,
        attempts: readInt(env, 'SIGNIN_LIMIT_PER_ACCOUNT', 100, { min: 1, max: 100 }),
      },
    },
    redisUrl: readOptionalString(env, 'REDIS_URL'),
    redisPrefix: readString(env, 'REDIS_PREFIX', 'portico:'),
    mail: readMailConfig(env),
    portal: {
      url: readString(env, 'PORTAL_URL', 'http://127.0.0.1:3000'),
      name: readString(env, 'PORTAL_NAME', 'Portico'),
      invitationTtlMs:
        readInt(env, 'PORTAL_INVITATION_TTL_HOURS', 7 * 24, { min: 1, max: 30 * 24 }) * 3_600_000,
      resetTtlMs: readInt(env, 'PORTAL_RESET_TTL_MINUTES', 60, { min: 5, max: 24 * 60 }) * 60_000,
    },
    events: readEventsConfig(env, {
      documents: 'http://127.0.0.1:4004/internal/events',
      messaging: 'http://127.0.0.1:4005/internal/events',
    }),
    notifications: {
      enabled: readBool(env, 'NOTIFICATIONS_ENABLED', true),
      pollMs: readInt(env, 'NOTIFICATIONS_POLL_MS', 5_000, { min: 50 }),
      retryBaseMs: readInt(env, 'NOTIFICATIONS_RETRY_BASE_MS', 10_000, { min: 10 }),
      retryMaxMs: readInt(env, 'NOTIFICATIONS_RETRY_MAX_MS', 60 * 60_000, { min: 10 }),
      maxAttempts: readInt(env, 'NOTIFICATIONS_MAX_ATTEMPTS', 10, { min: 1, max: 100 }),
    },
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-accounts'),
  };
}

/** The database settings alone: what `accounts migrate` needs, with the service's own default. */
export function loadDbConfig(env: Env): DbConfig {
  return readDbConfig(env, './data/accounts.sqlite');
}
