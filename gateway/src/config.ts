import {
  ConfigError,
  readBool,
  readClaimsSecret,
  readLogLevel,
  type LogLevel,
  readInt,
  readOptionalString,
  readString,
  readTracingConfig,
  type Env,
  type Principal,
  type TracingConfig,
} from '@portico/kit';
import { readCorsOrigins } from './http/cors';
import type { DocumentLimits } from './limits/document-limits';
import type { RateLimits } from './limits/rate-limiter';

type PrincipalKind = Principal['kind'];
const KINDS: readonly PrincipalKind[] = ['anonymous', 'contact', 'staff', 'partner'];

export interface GatewayConfig {
  production: boolean;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    /**
     * How long a request body may make no progress before the connection is
     * cut (HTTP_BODY_IDLE_TIMEOUT_MS). Uploads through /files/ have no limit
     * as a whole, only this one; other requests must also arrive within 300 s.
     */
    bodyIdleTimeoutMs: number;
    /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
    trustProxy: boolean;
    /** Origins whose browser apps may call the gateway (HTTP_CORS_ORIGINS). */
    corsOrigins: ReadonlySet<string>;
  };
  /** GraphiQL at /graphql for browsers (GATEWAY_IDE; on by default outside production). */
  ide: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
  /** The checked-in composed supergraph; no runtime introspection of subgraphs. */
  supergraphPath: string;
  /**
   * Instance URLs per subgraph name (SUBGRAPH_<NAME>_URL, comma-separated for
   * several instances of one subgraph); unset names keep the supergraph's URL.
   */
  subgraphUrls: Record<string, string[]>;
  subgraphTimeoutMs: number;
  auth: {
    claimsSecret: string;
    jwksUrl: string;
    /** accounts' endpoint telling whether a token's session or partner client is still active. */
    principalStatusUrl: string;
    /** accounts' revocation log, followed so a session's status can be remembered. */
    revocationsUrl: string;
    /** How long an "active" answer is remembered while the log is followed; 0 asks every request. */
    principalStatusRememberMs: number;
    issuer: string;
    audience: string;
    /**
     * How long the fetched JWKS is used before it is fetched again: a key
     * removed from accounts' JWKS stops verifying within this time.
     */
    jwksCacheMs: number;
    /**
     * A token with a key id the cached JWKS lacks (a key added by a rotation)
     * fetches it again, at most once per this time, so forged key ids cannot
     * turn the gateway into a load on accounts.
     */
    jwksRefetchMs: number;
  };
  limits: {
    /** Signed-in contacts and staff: the business's own apps. */
    firstParty: DocumentLimits;
    partner: DocumentLimits;
    /** Callers without a token: the strictest. */
    anonymous: DocumentLimits;
    rate: RateLimits;
    introspectionFor: ReadonlySet<PrincipalKind>;
    suggestionsFor: ReadonlySet<PrincipalKind>;
  };
  /** Shared counters for rate limits across gateway instances; in memory when unset. */
  redisUrl?: string;
  /**
   * `/metrics` answers only with `Authorization: Bearer <this>` (METRICS_TOKEN);
   * unset, the gateway serves no metrics: its port is the public one.
   */
  metricsToken?: string;
  /** Prefix of every Redis key, so installations can share one Redis. */
  redisPrefix: string;
  shutdownGraceMs: number;
  telemetryDisabled: boolean;
  subscriptions: SubscriptionLimits;
}

/** graphql-ws and multipart subscriptions (GATEWAY_WS_*, GATEWAY_MULTIPART_*). */
export interface SubscriptionLimits {
  /** Subscriptions one socket may hold at once; one more is refused. */
  maxSubscriptionsPerSocket: number;
  /** Open sockets (and multipart streams) one principal may hold; one more is closed 4429. */
  maxSocketsPerPrincipal: number;
  /** Largest message a client may send; a larger one closes the socket (1009). */
  maxMessageBytes: number;
  /** Time from opening a socket to its `connection_init`; then closed 4408. */
  initTimeoutMs: number;
  /** Server-side ping interval; a peer that has not answered by the next ping is cut off. */
  keepAliveMs: number;
  /** How often every open socket's session is checked again (revocation), besides on each event. */
  statusCheckMs: number;
  /** Interval of the `{}` heartbeat parts on a multipart subscription. */
  multipartHeartbeatMs: number;
}

function readDocumentLimits(env: Env, prefix: string, defaults: DocumentLimits): DocumentLimits {
  const read = (name: string, fallback: number) =>
    readInt(env, `${prefix}${name}`, fallback, { min: 1 });
  return {
    depth: read('DEPTH', defaults.depth),
    aliases: read('ALIASES', defaults.aliases),
    directives: read('DIRECTIVES', defaults.directives),
    tokens: read('TOKENS', defaults.tokens),
    cost: read('COST', defaults.cost),
    defaultListSize: read('DEFAULT_LIST_SIZE', defaults.defaultListSize),
    maxPageSize: read('MAX_PAGE_SIZE', defaults.maxPageSize),
  };
}

function readKinds(env: Env, key: string, fallback: readonly PrincipalKind[]): Set<PrincipalKind> {
  const raw = readOptionalString(env, key);
  if (raw === undefined) return new Set(fallback);
  const kinds = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new ConfigError(`${key}: unknown principal kind "${kind}" (use ${KINDS.join(', ')})`);
    }
  }
  return new Set(kinds as PrincipalKind[]);
}

/** One subgraph's instances: a comma-separated list of distinct http(s) URLs. */
function readInstanceUrls(key: string, value: string): string[] {
  const urls = value.split(',').map((u) => u.trim());
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.host) {
      throw new ConfigError(
        `${key} must be an http(s) URL or a comma-separated list of them (got "${url}")`,
      );
    }
  }
  if (new Set(urls).size !== urls.length) {
    throw new ConfigError(`${key} names one instance twice`);
  }
  return urls;
}

export function loadConfig(env: Env): GatewayConfig {
  const claimsSecret = readClaimsSecret(env);
  const subgraphUrls: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match?.[1] && value) subgraphUrls[match[1].toLowerCase()] = readInstanceUrls(key, value);
  }
  const production = env.NODE_ENV === 'production';
  const minute = 60_000;
  const rate = (kind: string, requests: number): { requests: number; windowMs: number } => ({
    requests: readInt(env, `RATE_LIMIT_${kind}_PER_MINUTE`, requests, { min: 1 }),
    windowMs: minute,
  });
  return {
    production,
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4000, { min: 0, max: 65535 }),
      bodyLimitBytes: readInt(env, 'HTTP_BODY_LIMIT_BYTES', 256 * 1024, { min: 1024 }),
      bodyIdleTimeoutMs: readInt(env, 'HTTP_BODY_IDLE_TIMEOUT_MS', 60_000, { min: 1_000 }),
      trustProxy: readBool(env, 'HTTP_TRUST_PROXY', false),
      corsOrigins: readCorsOrigins(env),
    },
    ide: readBool(env, 'GATEWAY_IDE', !production),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-gateway'),
    supergraphPath: readString(env, 'GATEWAY_SUPERGRAPH_PATH', './schema/supergraph.graphql'),
    subgraphUrls,
    subgraphTimeoutMs: readInt(env, 'GATEWAY_SUBGRAPH_TIMEOUT_MS', 10_000, { min: 100 }),
    auth: {
      claimsSecret,
      jwksUrl: readString(env, 'AUTH_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
      principalStatusUrl: readString(
        env,
        'AUTH_PRINCIPAL_STATUS_URL',
        'http://127.0.0.1:4001/internal/principal-status',
      ),
      revocationsUrl: readString(
        env,
        'AUTH_REVOCATIONS_URL',
        'http://127.0.0.1:4001/internal/revocations',
      ),
      principalStatusRememberMs:
        readInt(env, 'AUTH_PRINCIPAL_STATUS_REMEMBER_SECONDS', 60, { min: 0, max: 3_600 }) * 1_000,
      issuer: readString(env, 'AUTH_ISSUER', 'portico-accounts'),
      audience: readString(env, 'AUTH_AUDIENCE', 'portico'),
      jwksCacheMs: readInt(env, 'AUTH_JWKS_CACHE_SECONDS', 600, { min: 1, max: 86_400 }) * 1_000,
      jwksRefetchMs: readInt(env, 'AUTH_JWKS_REFETCH_SECONDS', 30, { min: 1, max: 3_600 }) * 1_000,
    },
    limits: {
      firstParty: readDocumentLimits(env, 'LIMITS_', {
        depth: 12,
        aliases: 30,
        directives: 50,
        tokens: 3_000,
        // A portal dashboard (100 invoices with lines, payments, credits and
        // customer) prices at about 25,000 with lists assumed 10 long.
        cost: 100_000,
        defaultListSize: 10,
        maxPageSize: 100,
      }),
      partner: readDocumentLimits(env, 'LIMITS_PARTNER_', {
        depth: 8,
        aliases: 10,
        directives: 20,
        tokens: 1_500,
        cost: 25_000,
        defaultListSize: 10,
        maxPageSize: 100,
      }),
      // What a caller without a token needs is sign-in, refresh and the
      // other public mutations (and, outside production, introspection):
      // graphql-armor's default of 1,000 tokens, nothing deep.
      anonymous: readDocumentLimits(env, 'LIMITS_ANONYMOUS_', {
        depth: 8,
        aliases: 10,
        directives: 10,
        tokens: 1_000,
        cost: 5_000,
        defaultListSize: 10,
        maxPageSize: 100,
      }),
      rate: {
        anonymous: rate('ANONYMOUS', 120),
        contact: rate('CONTACT', 600),
        staff: rate('STAFF', 1_200),
        partner: rate('PARTNER', 300),
      },
      // In production customers get neither introspection nor field
      // suggestions; staff and partners build against the schema.
      introspectionFor: readKinds(
        env,
        'GATEWAY_INTROSPECTION_FOR',
        production ? ['staff', 'partner'] : KINDS,
      ),
      suggestionsFor: readKinds(
        env,
        'GATEWAY_SUGGESTIONS_FOR',
        production ? ['staff', 'partner'] : KINDS,
      ),
    },
    redisUrl: readOptionalString(env, 'REDIS_URL'),
    metricsToken: readOptionalString(env, 'METRICS_TOKEN'),
    redisPrefix: readString(env, 'REDIS_PREFIX', 'portico:'),
    shutdownGraceMs: readInt(env, 'GATEWAY_SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
    telemetryDisabled: !readBool(env, 'APOLLO_TELEMETRY_ENABLED', false),
    subscriptions: {
      maxSubscriptionsPerSocket: readInt(env, 'GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET', 25, {
        min: 1,
      }),
      maxSocketsPerPrincipal: readInt(env, 'GATEWAY_WS_MAX_SOCKETS_PER_PRINCIPAL', 20, { min: 1 }),
      maxMessageBytes: readInt(env, 'GATEWAY_WS_MAX_MESSAGE_BYTES', 64 * 1024, { min: 1024 }),
      initTimeoutMs: readInt(env, 'GATEWAY_WS_INIT_TIMEOUT_MS', 10_000, { min: 100 }),
      keepAliveMs: readInt(env, 'GATEWAY_WS_KEEPALIVE_MS', 25_000, { min: 100 }),
      statusCheckMs: readInt(env, 'GATEWAY_WS_STATUS_CHECK_MS', 5_000, { min: 100 }),
      multipartHeartbeatMs: readInt(env, 'GATEWAY_MULTIPART_HEARTBEAT_MS', 5_000, { min: 100 }),
    },
  };
}
