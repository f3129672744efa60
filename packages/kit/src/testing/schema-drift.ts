import type { DataSource } from 'typeorm';

/**
 * How a migrated database differs from its entities: the statements
 * TypeORM's schema diff would still run (none when migrations and entities
 * agree), and the tables that exist against the tables the entities name
 * (both sorted; the migrations' own table left out).
 */
export async function schemaDrift(
  dataSource: DataSource,
): Promise<{ pending: string[]; tables: string[]; entities: string[] }> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  const sql =
    dataSource.options.type === 'better-sqlite3'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';
  const tables = ((await dataSource.query(sql)) as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((n) => n !== 'schema_migrations')
    .sort();
  return {
    pending: log.upQueries.map((q) => q.query),
    tables,
    entities: dataSource.entityMetadatas.map((m) => m.tableName).sort(),
  };
}
