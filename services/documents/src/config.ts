import {
  readBool,
  readClaimsSecrets,
  type ClaimsSecrets,
  readDbConfig,
  readEventsConfig,
  readInt,
  readLogLevel,
  readString,
  SUBGRAPH_KEEP_ALIVE_MS,
  type DbConfig,
  type Env,
  type EventsConfig,
  type LogLevel,
  readTracingConfig,
  type TracingConfig,
} from '@portico/kit';
import { readStorageConfig, type StorageConfig } from './storage/storage.config';

const MIB = 1024 * 1024;

export interface DocumentsConfig {
  http: { host: string; port: number; keepAliveMs: number };
  db: DbConfig;
  auth: ClaimsSecrets;
  files: {
    /** Where clients reach the gateway; upload and download links start here. */
    publicBaseUrl: string;
    /** How long a download link works. */
    downloadTtlSeconds: number;
    /** How long an upload link works (the upload must start within it). */
    uploadTtlSeconds: number;
    /** The largest file accepted, in bytes. */
    maxFileBytes: number;
    /** What all of a customer's documents' versions may take, unless set per customer. */
    defaultQuotaBytes: number;
    /** A body that sends nothing for this long is cut off. */
    uploadIdleTimeoutMs: number;
  };
  storage: StorageConfig;
  /** How documents hears of accounts' customers and of billing's and sales' records. */
  events: EventsConfig;
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Traces from the standard OTEL_* variables; off unless an exporter is configured. */
  tracing: TracingConfig;
}

export function loadConfig(env: Env): DocumentsConfig {
  return {
    http: {
      host: readString(env, 'HTTP_HOST', '127.0.0.1'),
      port: readInt(env, 'HTTP_PORT', 4004, { min: 0, max: 65535 }),
      keepAliveMs: readInt(env, 'HTTP_KEEP_ALIVE_MS', SUBGRAPH_KEEP_ALIVE_MS, { min: 1_000 }),
    },
    db: loadDbConfig(env),
    auth: readClaimsSecrets(env),
    files: {
      publicBaseUrl: readString(env, 'PUBLIC_BASE_URL', 'http://127.0.0.1:4000'),
      downloadTtlSeconds: readInt(env, 'DOCUMENT_LINK_TTL_SECONDS', 300, { min: 10, max: 3600 }),
      uploadTtlSeconds: readInt(env, 'DOCUMENTS_UPLOAD_TTL_SECONDS', 900, { min: 30, max: 86_400 }),
      maxFileBytes: readInt(env, 'DOCUMENTS_MAX_FILE_MB', 512, { min: 1, max: 2047 }) * MIB,
      defaultQuotaBytes:
        readInt(env, 'DOCUMENTS_CUSTOMER_QUOTA_MB', 2048, { min: 1, max: 10_000_000 }) * MIB,
      uploadIdleTimeoutMs: readInt(env, 'DOCUMENTS_UPLOAD_IDLE_TIMEOUT_MS', 30_000, {
        min: 1_000,
      }),
    },
    storage: readStorageConfig(env),
    events: readEventsConfig(env, {
      accounts: 'http://127.0.0.1:4001/internal/events',
      billing: 'http://127.0.0.1:4002/internal/events',
      sales: 'http://127.0.0.1:4003/internal/events',
    }),
    seedDemo: readBool(env, 'SEED_DEMO', false),
    logLevel: readLogLevel(env),
    tracing: readTracingConfig(env, 'portico-documents'),
  };
}

/** The database settings alone: what `documents migrate` needs, with the service's own default. */
export function loadDbConfig(env: Env): DbConfig {
  return readDbConfig(env, './data/documents.sqlite');
}
