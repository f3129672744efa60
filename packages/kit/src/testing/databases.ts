import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { splitMysqlUrl, type DbConfig } from '../db/data-source';
import type { Env } from '../config';

/**
 * Database targets for tests. Every database test runs on SQLite, and again on
 * MariaDB/MySQL when the test run's global setup found one. The global setup
 * records its finding in PORTICO_TEST_MYSQL_STATUS so each worker agrees.
 */
export const DEFAULT_TEST_MYSQL_URL = 'mariadb://root@127.0.0.1:3306/test';

export interface DatabaseTarget {
  name: 'sqlite' | 'mariadb';
  /** A fresh, empty database for one test file; `drop()` removes it. */
  create(service: string): Promise<{ config: DbConfig; drop(): Promise<void> }>;
}

export function testMysqlUrl(env: Env): string {
  return env.TEST_MYSQL_URL || DEFAULT_TEST_MYSQL_URL;
}

/** Connects once to the MySQL server; resolves null when it answers, else why not. */
export async function probeMysql(url: string, timeoutMs = 3000): Promise<string | null> {
  try {
    const { serverUrl } = splitMysqlUrl(url);
    const connection = await createConnection({ uri: serverUrl, connectTimeout: timeoutMs });
    await connection.query('SELECT 1');
    await connection.end();
    return null;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return e.code ?? e.message ?? 'unreachable';
  }
}

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export function testRedisUrl(env: Env): string {
  return env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
}

/** Sends PING over a plain socket; resolves true on +PONG. */
export function probeRedis(url: string, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) || 6379 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => done(data.toString().startsWith('+PONG')));
  });
}

const sqliteTarget: DatabaseTarget = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'portico-test-'));
    return {
      config: { driver: 'sqlite', path: join(dir, 'db.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function mysqlTarget(baseUrl: string): DatabaseTarget {
  return {
    name: 'mariadb',
    async create(service: string) {
      const { serverUrl } = splitMysqlUrl(baseUrl);
      const database = `portico_t_${service}_${randomBytes(4).toString('hex')}`;
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      const scheme = baseUrl.startsWith('mariadb:') ? 'mariadb:' : 'mysql:';
      return {
        config: { driver: 'mysql', url: url.toString().replace(/^mysql:/, scheme) },
        drop: async () => {
          const connection = await createConnection({ uri: serverUrl });
          try {
            await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
          } finally {
            await connection.end();
          }
        },
      };
    },
  };
}

/** SQLite always; MariaDB when the global setup found it reachable. */
export function databaseTargets(env: Env): DatabaseTarget[] {
  const targets = [sqliteTarget];
  if (env.PORTICO_TEST_MYSQL_STATUS === 'available') targets.push(mysqlTarget(testMysqlUrl(env)));
  return targets;
}

/** Counter-store targets: memory always, Redis when the global setup found it. */
export function redisUrlForTests(env: Env): string | null {
  return env.PORTICO_TEST_REDIS_STATUS === 'available' ? testRedisUrl(env) : null;
}

/** Deletes every Redis key under a test run's own prefix. */
export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
