/** Repeats the skip notice at the end, where a reader of the run looks. */
module.exports = async function globalTeardown() {
  if (process.env.PORTICO_TEST_MYSQL_STATUS !== 'available') {
    process.stderr.write(
      '\nNOTE: the MariaDB run of the database tests was SKIPPED: no MariaDB/MySQL server was reachable.\n',
    );
  }
  if (process.env.PORTICO_TEST_REDIS_STATUS !== 'available') {
    process.stderr.write(
      '\nNOTE: the Redis runs of the tests were SKIPPED: no Redis server was reachable.\n',
    );
  }
};
