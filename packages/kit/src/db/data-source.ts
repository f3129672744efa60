import { createConnection } from 'mysql2/promise';
import { DataSource, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';
import { traceQueries } from '../tracing/sql-spans';
import type { Tracing } from '../tracing/tracing';

/**
 * SQLite file by default (embedded), MySQL/MariaDB in production. One database
 * per service. The URL scheme (`mysql://` or `mariadb://`) picks TypeORM's
 * driver flavour: they read column metadata differently (MariaDB reports a
 * nullable column's default as the string 'NULL').
 */
export type DbConfig = { driver: 'sqlite'; path: string } | { driver: 'mysql'; url: string };

export function mysqlFlavor(url: string): 'mysql' | 'mariadb' {
  return url.startsWith('mariadb:') ? 'mariadb' : 'mysql';
}

export interface DataSourceParts {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Called with every SQL statement the driver runs (statement counting in tests and benches). */
  onQuery?: (sql: string) => void;
  /** A span per statement run inside a traced request. */
  tracing?: Tracing;
}

export function createDataSource(config: DbConfig, parts: DataSourceParts): DataSource {
  const logger = parts.onQuery
    ? {
        logQuery: (sql: string) => parts.onQuery?.(sql),
        logQueryError: () => undefined,
        logQuerySlow: () => undefined,
        logSchemaBuild: () => undefined,
        logMigration: () => undefined,
        log: () => undefined,
      }
    : undefined;
  const common = {
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: 'schema_migrations',
    // Never synchronize: the schema only changes through migrations.
    synchronize: false,
    logging: parts.onQuery ? (['query'] as const) : false,
    ...(logger ? { logger } : {}),
  };
  const dataSource = createDriverDataSource(config, common);
  if (parts.tracing?.enabled) traceQueries(dataSource, parts.tracing.tracer);
  return dataSource;
}

function createDriverDataSource(config: DbConfig, common: object): DataSource {
  if (config.driver === 'sqlite') {
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: config.path,
      enableWAL: true,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
      },
    } as never);
  }
  return new DataSource({
    ...common,
    type: mysqlFlavor(config.url),
    connectorPackage: 'mysql2',
    url: config.url.replace(/^mariadb:/, 'mysql:'),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 10 },
  } as never);
}

/** Splits a MySQL URL into the server URL and the database name. */
export function splitMysqlUrl(url: string): { serverUrl: string; database: string } {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) {
    throw new Error(`database name must be letters, digits and underscores: "${database}"`);
  }
  parsed.pathname = '/';
  return { serverUrl: parsed.toString(), database };
}

/** Creates the service's own database when it does not exist yet (MySQL/MariaDB). */
export async function ensureMysqlDatabase(url: string): Promise<void> {
  const { serverUrl, database } = splitMysqlUrl(url);
  const connection = await createConnection({ uri: serverUrl });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

/**
 * A data source plus a transaction runner that is safe on both drivers.
 * SQLite shares one connection, so concurrent TypeORM transactions collide
 * ("cannot start a transaction within a transaction") and may leave a row
 * written behind an error: on SQLite transactions run one at a time, in
 * arrival order. MySQL/MariaDB runs them concurrently; services use row locks
 * or conditional updates there.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  readonly serializesTransactions: boolean;

  constructor(readonly dataSource: DataSource) {
    this.serializesTransactions = dataSource.options.type === 'better-sqlite3';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Transactions waiting for SQLite's one connection (always 0 on MySQL/MariaDB). */
  get waitingTransactions(): number {
    return this.queued;
  }

  /**
   * Runs `work` in a transaction. On MySQL/MariaDB a transaction that InnoDB
   * rolled back as a deadlock victim is run again from the start (up to
   * `DEADLOCK_RETRIES` times): two transactions that each lock a row that does
   * not exist yet (`SELECT … FOR UPDATE` takes compatible gap locks) and then
   * insert it deadlock by design, and the one rolled back finds the row on
   * its second run. `work` must therefore keep its effects inside the
   * transaction (events go through the outbox, never out directly).
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.serializesTransactions) {
      this.queued += 1;
      const run = this.queue.then(() => {
        this.queued -= 1;
        return this.dataSource.transaction(work);
      });
      this.queue = run.catch(() => undefined);
      return run;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (!isDeadlock(error) || attempt > DEADLOCK_RETRIES) throw error;
        // A little jitter, so that two victims do not collide again in step.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
      }
    }
  }
}

/** How often a deadlock victim is run again before its error reaches the caller. */
export const DEADLOCK_RETRIES = 5;

/** ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back, so it may run again. */
function isDeadlock(error: unknown): boolean {
  const e = error as { errno?: unknown; code?: unknown; driverError?: { errno?: unknown } };
  return e.errno === 1213 || e.code === 'ER_LOCK_DEADLOCK' || e.driverError?.errno === 1213;
}

/** Initializes the data source (creating a MySQL database if needed) and applies migrations. */
export async function openDatabase(config: DbConfig, parts: DataSourceParts): Promise<Database> {
  if (config.driver === 'mysql') await ensureMysqlDatabase(config.url);
  const dataSource = createDataSource(config, parts);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return new Database(dataSource);
}

/**
 * Applies the service's pending migrations and closes the connection: what a
 * deployment runs once before a new version starts (a Kubernetes Job, or
 * `<service> migrate` in the container image). Returns the names applied, in order.
 */
export async function migrateDatabase(config: DbConfig, parts: DataSourceParts): Promise<string[]> {
  if (config.driver === 'mysql') await ensureMysqlDatabase(config.url);
  const dataSource = createDataSource(config, parts);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Reads rows for update: a pessimistic write lock (SELECT … FOR UPDATE) on
 * MySQL/MariaDB; on SQLite the transaction already runs alone (see Database).
 */
export function forUpdate(manager: EntityManager): { lock?: { mode: 'pessimistic_write' } } {
  return manager.connection.options.type === 'better-sqlite3'
    ? {}
    : { lock: { mode: 'pessimistic_write' } };
}

/** A readiness probe for a service: its database answers a trivial query. */
export function databaseReady(db: Database): () => Promise<boolean> {
  return async () => {
    await db.dataSource.query('SELECT 1');
    return true;
  };
}
