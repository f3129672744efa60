import {
  ConfigError,
  readClaimsSecret,
  readBool,
  readInt,
  readString,
  type Env,
} from '@portico/kit';

export interface GatewayConfig {
  http: { host: string; port: number; bodyLimitBytes: number };
  /** The checked-in composed supergraph; no runtime introspection of subgraphs. */
  supergraphPath: string;
  /** Routing URL per subgraph name (SUBGRAPH_<NAME>_URL); unset names keep the supergraph's URL. */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  auth: {
    claimsSecret: string;
    jwksUrl: string;
    issuer: string;
    audience: string;
  };
  shutdownGraceMs: number;
  telemetryDisabled: boolean;
}

export function loadConfig(env: Env): GatewayConfig {
  const claimsSecret = readClaimsSecret(env);
  const subgraphUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (match?.[1] && value) {
      if (!/^https?:\/\//.test(value)) throw new ConfigError(`${key} must be an http(s) URL`);
      subgraphUrls[match[1].toLowerCase()] = value;
    }
  }
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4000, { min: 0, max: 65535 }),
      bodyLimitBytes: readInt(env, 'HTTP_BODY_LIMIT_BYTES', 256 * 1024, { min: 1024 }),
    },
    supergraphPath: readString(env, 'GATEWAY_SUPERGRAPH_PATH', './schema/supergraph.graphql'),
    subgraphUrls,
    subgraphTimeoutMs: readInt(env, 'GATEWAY_SUBGRAPH_TIMEOUT_MS', 10_000, { min: 100 }),
    auth: {
      claimsSecret,
      jwksUrl: readString(env, 'AUTH_JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
      issuer: readString(env, 'AUTH_ISSUER', 'portico-accounts'),
      audience: readString(env, 'AUTH_AUDIENCE', 'portico'),
    },
    shutdownGraceMs: readInt(env, 'GATEWAY_SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
    telemetryDisabled: !readBool(env, 'APOLLO_TELEMETRY_ENABLED', false),
  };
}
