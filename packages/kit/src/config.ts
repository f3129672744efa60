/**
 * Helpers for the pure `loadConfig(env)` functions of each service. They only
 * read the record they are given; nothing here touches `process.env`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function readString(env: Env, key: string, fallback?: string): string {
  const value = env[key];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`${key} is required`);
}

export function readOptionalString(env: Env, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

export function readInt(
  env: Env,
  key: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (range.min !== undefined && value < range.min) {
    throw new ConfigError(`${key} must be at least ${range.min}, got ${value}`);
  }
  if (range.max !== undefined && value > range.max) {
    throw new ConfigError(`${key} must be at most ${range.max}, got ${value}`);
  }
  return value;
}

export function readBool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const normalized = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

export function readEnum<T extends string>(
  env: Env,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/**
 * The database of one service: `DB_URL=mysql://…` or `mariadb://…` selects that server,
 * otherwise an embedded SQLite file (`DB_SQLITE_PATH`, default under ./data).
 */
export function readDbConfig(
  env: Env,
  defaultSqlitePath: string,
): { driver: 'sqlite'; path: string } | { driver: 'mysql'; url: string } {
  const url = readOptionalString(env, 'DB_URL');
  if (url) {
    if (!/^(mysql|mariadb):\/\//.test(url)) {
      throw new ConfigError('DB_URL must be a mysql:// or mariadb:// URL');
    }
    return { driver: 'mysql', url };
  }
  return { driver: 'sqlite', path: readString(env, 'DB_SQLITE_PATH', defaultSqlitePath) };
}

/** Shorter secrets make the gateway-claims HMAC guessable offline. */
export const MIN_CLAIMS_SECRET_LENGTH = 32;

/** AUTH_CLAIMS_SECRET, shared by the gateway and every subgraph. */
export function readClaimsSecret(env: Env): string {
  const secret = readString(env, 'AUTH_CLAIMS_SECRET');
  if (secret.length < MIN_CLAIMS_SECRET_LENGTH) {
    throw new ConfigError(
      `AUTH_CLAIMS_SECRET must be at least ${MIN_CLAIMS_SECRET_LENGTH} characters`,
    );
  }
  return secret;
}

/**
 * Each extra value costs one HMAC per verified request; a rotation needs one
 * (the next secret, then the previous one).
 */
export const MAX_ACCEPTED_SECRETS = 4;

/**
 * `<key>_ACCEPTED`: secrets that still verify, never sign, during a rotation of
 * `<key>`. Separated by commas or whitespace, so a mounted file may hold one a
 * line. Giving the current secret again is refused: it is the usual slip in the
 * swap step (the new secret set as current but not the old one as accepted),
 * which would leave the processes still signing with the old one refused.
 */
export function readAcceptedSecrets(
  env: Env,
  key: string,
  current: string | undefined,
  minLength = 1,
): string[] {
  const raw = readOptionalString(env, `${key}_ACCEPTED`);
  if (!raw) return [];
  const values = [...new Set(raw.split(/[\s,]+/).filter((value) => value !== ''))];
  if (values.length > MAX_ACCEPTED_SECRETS) {
    throw new ConfigError(`${key}_ACCEPTED holds at most ${MAX_ACCEPTED_SECRETS} secrets`);
  }
  for (const [index, value] of values.entries()) {
    if (value.length < minLength) {
      throw new ConfigError(
        `${key}_ACCEPTED entry ${index + 1} must be at least ${minLength} characters`,
      );
    }
    if (value === current) {
      throw new ConfigError(
        `${key}_ACCEPTED repeats ${key}: accept the previous secret, not the current one`,
      );
    }
  }
  return values;
}

/** AUTH_CLAIMS_SECRET_ACCEPTED: what subgraphs also verify with, besides the current secret. */
export function readAcceptedClaimsSecrets(env: Env, current: string): string[] {
  return readAcceptedSecrets(env, 'AUTH_CLAIMS_SECRET', current, MIN_CLAIMS_SECRET_LENGTH);
}

/** What a subgraph verifies gateway claims with: `claimsSecret` signs, the others only verify. */
export interface ClaimsSecrets {
  claimsSecret: string;
  acceptedClaimsSecrets: string[];
}

export function readClaimsSecrets(env: Env): ClaimsSecrets {
  const claimsSecret = readClaimsSecret(env);
  return { claimsSecret, acceptedClaimsSecrets: readAcceptedClaimsSecrets(env, claimsSecret) };
}
