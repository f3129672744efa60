import {
  readClaimsSecret,
  readBool,
  readDbConfig,
  readInt,
  readOptionalString,
  readString,
  type DbConfig,
  type Env,
} from '@portico/kit';

export interface AccountsConfig {
  http: { host: string; port: number };
  db: DbConfig;
  auth: {
    /** Shared with the gateway: verifies the claims it forwards. */
    claimsSecret: string;
    /** PKCS#8 PEM of the ES256 signing key; when absent, read or created at `signingKeyFile`. */
    signingKeyPem?: string;
    signingKeyFile: string;
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
  };
  /** Seed the demo customers, contacts and staff admin into an empty database. */
  seedDemo: boolean;
}

export function loadConfig(env: Env): AccountsConfig {
  const claimsSecret = readClaimsSecret(env);
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4001, { min: 0, max: 65535 }),
    },
    db: readDbConfig(env, './data/accounts.sqlite'),
    auth: {
      claimsSecret,
      signingKeyPem: readOptionalString(env, 'AUTH_SIGNING_KEY'),
      signingKeyFile: readString(
        env,
        'AUTH_SIGNING_KEY_FILE',
        './data/keys/accounts-signing-key.pem',
      ),
      issuer: readString(env, 'AUTH_ISSUER', 'portico-accounts'),
      audience: readString(env, 'AUTH_AUDIENCE', 'portico'),
      accessTokenTtlSeconds: readInt(env, 'AUTH_ACCESS_TOKEN_TTL_SECONDS', 900, {
        min: 30,
        max: 3600,
      }),
    },
    seedDemo: readBool(env, 'SEED_DEMO', false),
  };
}
