import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Hive Gateway, configuration (c) of the benchmark, has a folder of its own
 * (`scripts/bench/hive`, its own lockfile) that only the benchmark installs:
 * its packages want a newer Node than Portico supports, and as a root
 * dependency every clean `npm install` warned about them.
 */
export const HIVE_DIR = resolve(__dirname, '..', '..', 'bench', 'hive');

/** Installs the benchmark's Hive Gateway from its lockfile when it is not there yet. */
export function ensureHiveGateway(): void {
  if (existsSync(join(HIVE_DIR, 'node_modules', '@graphql-hive', 'gateway-runtime'))) return;
  process.stdout.write('installing Hive Gateway for the benchmark (scripts/bench/hive)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: HIVE_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci in ${HIVE_DIR} failed (${result.status})`);
}
