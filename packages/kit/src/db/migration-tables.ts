import { Table, type QueryRunner, type TableColumnOptions, type TableIndex } from 'typeorm';
import { useExactTokenCollation } from './columns';

/** A column of a migration's table; `token` marks one compared byte for byte. */
export type MigrationColumn = TableColumnOptions & { token?: boolean };

/** The column builders a migration's table list is written with. */
export const migrationColumn = {
  /** An exact token (ids, codes, hashes, states): binary collation on MySQL/MariaDB. */
  token: (name: string, length: number | 'text', nullable = false): MigrationColumn => ({
    name,
    type: length === 'text' ? 'text' : 'varchar',
    ...(length === 'text' ? {} : { length: String(length) }),
    isNullable: nullable,
    token: true,
  }),
  /** Human text in the table's default collation. */
  text: (name: string, length: number | 'text', nullable = false): MigrationColumn => ({
    name,
    type: length === 'text' ? 'text' : 'varchar',
    ...(length === 'text' ? {} : { length: String(length) }),
    isNullable: nullable,
  }),
  bigint: (name: string, nullable = false): MigrationColumn => ({
    name,
    type: 'bigint',
    isNullable: nullable,
  }),
  integer: (name: string, nullable = false): MigrationColumn => ({
    name,
    type: 'integer',
    isNullable: nullable,
  }),
  boolean: (name: string): MigrationColumn => ({ name, type: 'boolean' }),
  datetime: (name: string, nullable = false): MigrationColumn => ({
    name,
    type: 'datetime',
    isNullable: nullable,
  }),
  /** A datetime to the millisecond on MySQL/MariaDB too (order of events within one second). */
  instant: (name: string, nullable = false): MigrationColumn => ({
    name,
    type: 'datetime',
    precision: 3,
    isNullable: nullable,
  }),
};

export interface MigrationTable {
  name: string;
  /** The first column is the primary key unless `primary` names others. */
  columns: MigrationColumn[];
  primary?: string[];
  indices?: TableIndex[];
}

/** Creates the tables in order, each token column with the exact-token collation. */
export async function createMigrationTables(
  queryRunner: QueryRunner,
  tables: MigrationTable[],
): Promise<void> {
  for (const table of tables) {
    const primary = table.primary ?? [table.columns[0]!.name];
    await queryRunner.createTable(
      new Table({
        name: table.name,
        columns: table.columns.map(({ token: _token, ...column }) => ({
          ...column,
          ...(primary.includes(column.name) ? { isPrimary: true } : {}),
        })),
        indices: table.indices ?? [],
      }),
    );
    await useExactTokenCollation(
      queryRunner,
      table.name,
      table.columns
        .filter((c) => c.token)
        .map((c) => ({
          name: c.name,
          type: c.type === 'text' ? 'text' : `varchar(${c.length})`,
          nullable: c.isNullable === true,
        })),
    );
  }
}

/** Drops what `createMigrationTables` created, last first. */
export async function dropMigrationTables(
  queryRunner: QueryRunner,
  tables: MigrationTable[],
): Promise<void> {
  for (const table of [...tables].reverse()) await queryRunner.dropTable(table.name);
}
