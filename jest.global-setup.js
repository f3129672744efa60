/**
 * Decides once per test run whether the database tests also run on
 * MariaDB/MySQL, and tells the workers through the environment. Under CI a
 * missing server fails the run instead of skipping it.
 */
const { createConnection } = require('mysql2/promise');

const DEFAULT_URL = 'mariadb://root@127.0.0.1:3306/test';

module.exports = async function globalSetup() {
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
