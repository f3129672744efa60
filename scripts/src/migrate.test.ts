import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { testing, type DbConfig } from '@portico/kit';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const SERVICES = ['accounts', 'billing', 'sales', 'documents', 'messaging'] as const;

// The built entry points, as the container image runs them (`<service> migrate`):
// CI builds before it tests.
async function migrate(service: string, config: DbConfig): Promise<string> {
  const env = {
    PATH: process.env.PATH,
    ...(config.driver === 'mysql' ? { DB_URL: config.url } : { DB_SQLITE_PATH: config.path }),
  };
  const { stdout } = await run(
    process.execPath,
    [resolve(ROOT, 'services', service, 'dist', 'migrate.js')],
    { env },
  );
  return stdout;
}

describe.each(testing.databaseTargets(process.env))('migrate entry points on $name', (t) => {
  it.each(SERVICES)(
    '%s migrate applies every migration once, then finds nothing to do',
    async (service) => {
      const { [`${service.toUpperCase()}_MIGRATIONS`]: migrations } = (await import(
        `../../services/${service}/src/db/database`
      )) as Record<string, { name: string }[]>;
      const database = await t.create(service);
      try {
        const first = await migrate(service, database.config);
        expect(first.trim().split('\n')).toEqual(
          (migrations ?? []).map((m) => `${service}: applied ${m.name}`),
        );
        expect(await migrate(service, database.config)).toBe(
          `${service}: database is up to date\n`,
        );
      } finally {
        await database.drop();
      }
    },
  );
});
