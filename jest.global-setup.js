/**
 * Decides once per test run whether the database tests also run on
 * MariaDB/MySQL, and tells the workers through the environment. Under CI a
 * missing server fails the run instead of skipping it.
 */
const net = require('node:net');
const { createConnection } = require('mysql2/promise');

const DEFAULT_URL = 'mariadb://root@127.0.0.1:3306/test';

/** Sends PING over a plain socket; resolves true on +PONG. */
function pingRedis(url) {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect({ host: hostname, port: Number(port) || 6379 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function probeRedis() {
  const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const available = await pingRedis(url);
  if (!available && process.env.CI === 'true') {
    throw new Error(
      `CI=true and Redis is not reachable at ${url}: the Redis tests cannot be skipped under CI`,
    );
  }
  process.env.PORTICO_TEST_REDIS_STATUS = available ? 'available' : 'missing';
  if (!available) {
    process.stderr.write(
      `\nRedis not reachable at ${url}: the Redis runs of the tests are SKIPPED.\n`,
    );
  }
}

module.exports = async function globalSetup() {
  await probeRedis();
  const url = process.env.TEST_MYSQL_URL || DEFAULT_URL;
  let available = false;
  try {
    const server = new URL(url.replace(/^mariadb:/, 'mysql:'));
    server.pathname = '/';
    const connection = await createConnection({ uri: server.toString(), connectTimeout: 3000 });
    await connection.query('SELECT 1');
    await connection.end();
    available = true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(
        `CI=true and MariaDB/MySQL is not reachable at ${url} (${error.code || error.message}): ` +
          'the MariaDB run of the database tests cannot be skipped under CI',
      );
    }
  }
  process.env.PORTICO_TEST_MYSQL_STATUS = available ? 'available' : 'missing';
  if (!available) {
    process.stderr.write(
      `\nMariaDB/MySQL not reachable at ${url}: the MariaDB run of the database tests is SKIPPED (SQLite only).\n`,
    );
  }
};
