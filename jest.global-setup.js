/**
 * Decides once per test run whether the database and counter tests also run
 * on MariaDB/MySQL and Redis, and tells the workers through the environment.
 * Under CI a missing server fails the run instead of skipping it. The probes
 * are the kit's (jest transpiles the TypeScript it requires here).
 */
const {
  probeMysql,
  probeRedis,
  testMysqlUrl,
  testRedisUrl,
} = require('./packages/kit/src/testing/databases.ts');

function decide(name, url, problem, statusVariable) {
  if (problem && process.env.CI === 'true') {
    throw new Error(
      `CI=true and ${name} is not reachable at ${url} (${problem}): its test runs cannot be skipped under CI`,
    );
  }
  process.env[statusVariable] = problem ? 'missing' : 'available';
  if (problem) {
    process.stderr.write(
      `\n${name} not reachable at ${url}: the ${name} runs of the tests are SKIPPED.\n`,
    );
  }
}

module.exports = async function globalSetup() {
  const redisUrl = testRedisUrl(process.env);
  decide(
    'Redis',
    redisUrl,
    (await probeRedis(redisUrl)) ? null : 'no PONG',
    'PORTICO_TEST_REDIS_STATUS',
  );
  const mysqlUrl = testMysqlUrl(process.env);
  decide('MariaDB/MySQL', mysqlUrl, await probeMysql(mysqlUrl), 'PORTICO_TEST_MYSQL_STATUS');
};
