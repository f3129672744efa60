import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { loadConfig, startAccounts } from '@portico/accounts';
import { splitMysqlUrl, testing, type DbConfig } from '@portico/kit';

const run = promisify(execFile);
const INFRA = resolve(__dirname, '..', '..', 'infra');

/** Every table's row count and content: what "the data answers the same" compares. */
async function snapshot(config: DbConfig): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  if (config.driver === 'mysql') {
    const { serverUrl, database } = splitMysqlUrl(config.url);
    const connection = await createConnection({ uri: serverUrl });
    try {
      const [tables] = await connection.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1',
        [database],
      );
      for (const { name } of tables as { name: string }[]) {
        const [[count]] = (await connection.query(
          `SELECT COUNT(*) AS n FROM \`${database}\`.\`${name}\``,
        )) as unknown as [{ n: number }[]];
        const [[sum]] = (await connection.query(
          `CHECKSUM TABLE \`${database}\`.\`${name}\``,
        )) as unknown as [{ Checksum: string }[]];
        result[name] = `${count?.n} rows, checksum ${sum?.Checksum}`;
      }
    } finally {
      await connection.end();
    }
  } else {
    const sqlite = async (sql: string) =>
      JSON.parse(
        (await run('sqlite3', ['-readonly', '-json', config.path, sql])).stdout || '[]',
      ) as Record<string, unknown>[];
    const tables = await sqlite("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1");
    for (const { name } of tables as { name: string }[]) {
      const rows = await sqlite(`SELECT * FROM "${name}" ORDER BY rowid`);
      result[name] = `${rows.length} rows, ${JSON.stringify(rows)}`;
    }
  }
  return result;
}

async function drop(config: DbConfig): Promise<void> {
  if (config.driver === 'mysql') {
    const { serverUrl, database } = splitMysqlUrl(config.url);
    const connection = await createConnection({ uri: serverUrl });
    await connection.query(`DROP DATABASE \`${database}\``);
    await connection.end();
  } else {
    rmSync(config.path, { force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(config.path + suffix, { force: true });
  }
}

const target = (config: DbConfig) =>
  config.driver === 'mysql' ? ['--url', config.url] : ['--sqlite', config.path];

describe.each(testing.databaseTargets(process.env))('infra backup and restore on $name', (t) => {
  it('dumps a seeded accounts database, drops it, restores it, and the data is the same', async () => {
    const database = await t.create('accounts');
    const work = mkdtempSync(join(tmpdir(), 'portico-backup-'));
    try {
      const env = {
        AUTH_CLAIMS_SECRET: testing.TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        AUTH_SIGNING_KEY_FILE: join(work, 'signing.pem'),
        MAIL_FOLDER: join(work, 'mail'),
        SEED_DEMO: 'true',
        NOTIFICATIONS_ENABLED: 'false',
        ...(database.config.driver === 'mysql'
          ? { DB_URL: database.config.url }
          : { DB_SQLITE_PATH: database.config.path }),
      };
      // The real service over a fresh database: migrations and demo data.
      const seeded = await startAccounts(loadConfig(env));
      const customers = await seeded.db.dataSource
        .query('SELECT COUNT(*) AS n FROM customers')
        .finally(() => seeded.close());
      expect(Number((customers as { n: number | string }[])[0]?.n)).toBeGreaterThan(0);
      const before = await snapshot(database.config);
      expect(Object.keys(before)).toEqual(
        expect.arrayContaining(['customers', 'contacts', 'schema_migrations']),
      );

      const file = join(
        work,
        database.config.driver === 'mysql' ? 'accounts.sql.gz' : 'accounts.sqlite',
      );
      await run(join(INFRA, 'backup.sh'), [...target(database.config), '--file', file]);
      await drop(database.config);
      if (database.config.driver === 'mysql') expect(await snapshot(database.config)).toEqual({});
      else expect(existsSync(database.config.path)).toBe(false);
      await run(join(INFRA, 'restore.sh'), [...target(database.config), '--file', file]);
      expect(await snapshot(database.config)).toEqual(before);

      // And the service starts over what was restored, finding its customers.
      const restored = await startAccounts(loadConfig({ ...env, SEED_DEMO: 'false' }));
      const after = await restored.db.dataSource
        .query('SELECT COUNT(*) AS n FROM customers')
        .finally(() => restored.close());
      expect(Number((after as { n: number | string }[])[0]?.n)).toBe(
        Number((customers as { n: number | string }[])[0]?.n),
      );
    } finally {
      await database.drop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
