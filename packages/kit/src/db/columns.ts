import { Column, type QueryRunner, type ValueTransformer } from 'typeorm';

/**
 * A boolean column that round-trips on both drivers. MariaDB stores BOOLEAN as
 * tinyint(1) and TypeORM's schema diff then sees a width the entity lacks,
 * reporting a pending change after every migration; declaring width 1 keeps
 * entities and migrations equal. SQLite ignores the width.
 */
export function BooleanColumn(): PropertyDecorator {
  return Column({ type: 'boolean', width: 1 });
}

/**
 * Integer minor units in a BIGINT column. MySQL hands BIGINT back as a string
 * (bigNumberStrings), SQLite as a number; both become a safe JS integer here.
 */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return value;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`minor-unit value out of range: ${value}`);
    return n;
  },
};

export function MinorUnitsColumn(
  options: { nullable?: boolean; default?: number } = {},
): PropertyDecorator {
  return Column({ type: 'bigint', transformer: minorUnits, ...options });
}

/**
 * The collation of every column compared as an exact token on MySQL/MariaDB.
 * Their default collations ignore case (and accents), so keys `CaseKey-x` and
 * `casekey-x` were one key there and two on SQLite, whose default (BINARY)
 * compares bytes. `utf8mb4_bin` compares code points on MySQL 8 and MariaDB
 * alike. It is a PAD SPACE collation: trailing spaces do not count, so token
 * formats leave out spaces. SQLite needs nothing (its schema diff neither
 * reads nor compares collations; migrations set this on MySQL only).
 */
export const EXACT_TOKEN_COLLATION = 'utf8mb4_bin';

/** How a string column compares; columns declared through the helpers below carry one. */
export type StringColumnKind = 'exact-token' | 'email';

const declaredKinds = new Map<object, Map<string, StringColumnKind>>();

function declare(target: object, property: string | symbol, kind: StringColumnKind): void {
  const owner = target.constructor;
  const kinds = declaredKinds.get(owner) ?? new Map<string, StringColumnKind>();
  kinds.set(String(property), kind);
  declaredKinds.set(owner, kinds);
}

/** The kind a column was declared with (walking up entity inheritance), or undefined. */
export function stringColumnKind(entity: object, property: string): StringColumnKind | undefined {
  for (
    let owner: unknown = entity;
    typeof owner === 'function';
    owner = Object.getPrototypeOf(owner)
  ) {
    const kind = declaredKinds.get(owner)?.get(property);
    if (kind) return kind;
  }
  return undefined;
}

export interface ExactTokenColumnOptions {
  length?: number;
  nullable?: boolean;
  primary?: boolean;
  /** `text` for long machine values (e.g. a JSON list of ids); varchar otherwise. */
  type?: 'varchar' | 'text';
}

/**
 * A string compared byte for byte on every database: ids, foreign ids,
 * idempotency keys, hashes, provider ids, document numbers, codes and states
 * written by code. Declare every such column through this helper; a test per
 * service checks that the databases agree on it.
 */
export function ExactTokenColumn(options: ExactTokenColumnOptions): PropertyDecorator {
  const { type = 'varchar', ...rest } = options;
  const column = Column({ type, collation: EXACT_TOKEN_COLLATION, ...rest });
  return (target, property) => {
    declare(target, property, 'exact-token');
    column(target, property);
  };
}

/** What Portico stores and looks up for an email address: trimmed, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailTransformer: ValueTransformer = {
  to: (value: unknown) => (typeof value === 'string' ? normalizeEmail(value) : value),
  from: (value: unknown) => value,
};

/**
 * An email address. Portico treats addresses without case: they are stored
 * normalized (trimmed, lower case) on every write and every find through the
 * ORM, and then compared byte for byte like a token, so SQLite and MariaDB
 * agree (a case-insensitive collation would also fold accents on MariaDB only).
 */
export function EmailColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  const column = Column({
    type: 'varchar',
    length: 320,
    collation: EXACT_TOKEN_COLLATION,
    transformer: emailTransformer,
    ...options,
  });
  return (target, property) => {
    declare(target, property, 'email');
    column(target, property);
  };
}

/** A string column as a migration restates it: `varchar(36)` or `text`, and whether NULL is allowed. */
export interface StringColumnDefinition {
  name: string;
  type: string;
  nullable: boolean;
}

function isMysql(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type !== 'better-sqlite3';
}

/**
 * Migration step: gives columns of one table the exact-token collation on
 * MySQL/MariaDB (indexes on them are rebuilt with it). On SQLite it does
 * nothing: its default collation already compares bytes.
 */
export async function useExactTokenCollation(
  queryRunner: QueryRunner,
  table: string,
  columns: StringColumnDefinition[],
): Promise<void> {
  await modifyColumns(queryRunner, table, columns, `COLLATE ${EXACT_TOKEN_COLLATION}`);
}

/** Reverts `useExactTokenCollation`: the columns take the table's default collation again. */
export async function useDefaultCollation(
  queryRunner: QueryRunner,
  table: string,
  columns: StringColumnDefinition[],
): Promise<void> {
  await modifyColumns(queryRunner, table, columns, '');
}

async function modifyColumns(
  queryRunner: QueryRunner,
  table: string,
  columns: StringColumnDefinition[],
  collate: string,
): Promise<void> {
  if (!isMysql(queryRunner) || columns.length === 0) return;
  const charset = collate ? ' CHARACTER SET utf8mb4 ' + collate : '';
  const clauses = columns.map(
    (c) => `MODIFY \`${c.name}\` ${c.type}${charset} ${c.nullable ? 'NULL' : 'NOT NULL'}`,
  );
  await queryRunner.query(`ALTER TABLE \`${table}\` ${clauses.join(', ')}`);
}
