import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { EXACT_TOKEN_COLLATION, stringColumnKind, type StringColumnKind } from '../db/columns';

/**
 * Checks that every string column of a service compares as declared, on the
 * database the data source is open on. Each function returns the problems it
 * found (empty when all is well), so a failing test lists every column at
 * once. Columns are read from the entity metadata: a new column is checked
 * as soon as it exists.
 */

/** A column as `table.column`. */
export type ColumnKey = string;

export interface StringColumnReview {
  /** Columns reviewed as human text (names, descriptions): they keep the database's collation. */
  humanText: ColumnKey[];
  /** Columns left out of this review, with the reason. */
  exempt?: Record<ColumnKey, string>;
}

/** Names that say "compared as a token": such a column must be an exact token. */
const TOKEN_NAME = /^(id|number|subject|token)$|(Id|IdList|Key|Hash|Token|By)$/;
const EMAIL_NAME = /email/i;

export interface StringColumn {
  key: ColumnKey;
  entity: EntityMetadata;
  column: ColumnMetadata;
  kind: StringColumnKind | 'human-text' | 'exempt' | undefined;
}

function isString(column: ColumnMetadata): boolean {
  const type = column.type;
  return type === String || type === 'varchar' || type === 'text' || type === 'character varying';
}

/** Every string column of every entity, with how it was declared or reviewed. */
export function stringColumns(dataSource: DataSource, review: StringColumnReview): StringColumn[] {
  const result: StringColumn[] = [];
  for (const entity of dataSource.entityMetadatas) {
    for (const column of entity.columns) {
      if (!isString(column)) continue;
      const key = `${entity.tableName}.${column.databaseName}`;
      const declared = stringColumnKind(entity.target as object, column.propertyName);
      const kind =
        declared ??
        (review.exempt?.[key] !== undefined
          ? 'exempt'
          : review.humanText.includes(key)
            ? 'human-text'
            : undefined);
      result.push({ key, entity, column, kind });
    }
  }
  return result;
}

/** Every string column is declared (exact token, email) or reviewed (human text, exempt), once. */
export function stringColumnDeclarationProblems(
  dataSource: DataSource,
  review: StringColumnReview,
): string[] {
  const problems: string[] = [];
  const columns = stringColumns(dataSource, review);
  const keys = new Set(columns.map((c) => c.key));
  for (const listed of [...review.humanText, ...Object.keys(review.exempt ?? {})]) {
    if (!keys.has(listed)) problems.push(`${listed}: listed in the review but no such column`);
  }
  for (const { key, column, kind, entity } of columns) {
    const declared = stringColumnKind(entity.target as object, column.propertyName);
    if (!kind) {
      problems.push(
        `${key}: undeclared string column (ExactTokenColumn, EmailColumn, or review it as human text)`,
      );
      continue;
    }
    if (declared && (review.humanText.includes(key) || review.exempt?.[key] !== undefined))
      problems.push(`${key}: declared ${declared} and also listed in the review`);
    if (kind === 'human-text' && TOKEN_NAME.test(column.propertyName))
      problems.push(`${key}: named like a token but reviewed as human text`);
    if (kind === 'human-text' && EMAIL_NAME.test(column.propertyName))
      problems.push(`${key}: named like an email but reviewed as human text`);
    if (declared && column.collation !== EXACT_TOKEN_COLLATION)
      problems.push(`${key}: declared ${declared} but collation ${String(column.collation)}`);
  }
  return problems;
}

/**
 * MySQL/MariaDB: each column's collation in the database is the one its
 * declaration says (TypeORM's schema diff does not compare collations).
 * SQLite: nothing to compare, every column compares bytes (BINARY).
 */
export async function collationProblems(
  dataSource: DataSource,
  review: StringColumnReview,
): Promise<string[]> {
  if (dataSource.options.type === 'better-sqlite3') return [];
  const rows = (await dataSource.query(
    `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.COLLATION_NAME AS collation,
            s.DEFAULT_COLLATION_NAME AS schemaDefault
       FROM information_schema.COLUMNS c
       JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = c.TABLE_SCHEMA
      WHERE c.TABLE_SCHEMA = DATABASE()`,
  )) as Array<{ t: string; c: string; collation: string | null; schemaDefault: string }>;
  const actual = new Map(rows.map((r) => [`${r.t}.${r.c}`, r]));
  const problems: string[] = [];
  for (const { key, kind } of stringColumns(dataSource, review)) {
    const row = actual.get(key);
    if (!row) {
      problems.push(`${key}: not in the database`);
      continue;
    }
    const expected =
      kind === 'exact-token' || kind === 'email' ? EXACT_TOKEN_COLLATION : row.schemaDefault;
    if (row.collation !== expected)
      problems.push(`${key} (${String(kind)}): collation ${row.collation}, expected ${expected}`);
  }
  return problems;
}

let counter = 0;
/** A value for a column: distinct per call when `distinct`, the same otherwise. */
function valueFor(column: ColumnMetadata, distinct: boolean): unknown {
  const type = String(typeof column.type === 'function' ? column.type.name : column.type);
  if (isString(column)) {
    const length = column.length ? Number(column.length) : 64;
    if (!distinct) return 'v'.repeat(Math.min(length, 3));
    counter += 1;
    return counter.toString(36).padStart(length, '0').slice(-Math.min(length, 12));
  }
  if (/int|bigint|number/i.test(type)) return 0;
  if (/bool/i.test(type)) return false;
  if (/date|time/i.test(type)) return new Date();
  if (/blob|binary/i.test(type)) return column.isNullable ? null : Buffer.from('test');
  throw new Error(`no test value for ${column.databaseName} (${type})`);
}

/** Three spellings of one token that differ only in case, as long as the column allows. */
function caseVariants(column: ColumnMetadata): [string, string, string] {
  const length = column.length ? Number(column.length) : 64;
  counter += 1;
  const base = (length >= 12 ? `casekey-${counter.toString(36)}` : 'casekey').slice(0, length);
  const mixed = base
    .split('')
    .map((ch, i) => (i % 2 === 0 ? ch.toUpperCase() : ch))
    .join('');
  return [mixed, base, base.toUpperCase()];
}

/**
 * One row per value of `tested`; columns that share a unique index with it
 * hold the same value in every row (so the index itself is exercised),
 * other unique columns differ.
 */
function rowsFor(entity: EntityMetadata, tested: ColumnMetadata, values: string[]) {
  const uniqueWithTested = new Set<ColumnMetadata>();
  const uniqueElsewhere = new Set<ColumnMetadata>(entity.primaryColumns);
  for (const index of entity.indices.filter((i) => i.isUnique)) {
    const target = index.columns.includes(tested) ? uniqueWithTested : uniqueElsewhere;
    for (const c of index.columns) target.add(c);
  }
  if (entity.primaryColumns.includes(tested))
    for (const c of entity.primaryColumns) uniqueWithTested.add(c);
  const shared: Record<string, unknown> = {};
  for (const column of entity.columns) {
    if (column === tested || column.isGenerated) continue;
    if (!uniqueElsewhere.has(column) || uniqueWithTested.has(column))
      shared[column.propertyName] = valueFor(column, false);
  }
  return values.map((value) => {
    const row: Record<string, unknown> = { ...shared, [tested.propertyName]: value };
    for (const column of uniqueElsewhere) {
      if (column !== tested && !column.isGenerated && !uniqueWithTested.has(column))
        row[column.propertyName] = valueFor(column, true);
    }
    return row;
  });
}

/**
 * For every exact-token column: rows whose values differ only in case are
 * three rows (a unique index takes all three), and each spelling finds its
 * own row only. Leaves the tables as it found them.
 */
export async function caseVariantProblems(
  dataSource: DataSource,
  review: StringColumnReview,
): Promise<{ checked: ColumnKey[]; problems: string[] }> {
  const problems: string[] = [];
  const checked: ColumnKey[] = [];
  for (const { key, entity, column, kind } of stringColumns(dataSource, review)) {
    if (kind !== 'exact-token') continue;
    checked.push(key);
    const variants = caseVariants(column);
    const repo = dataSource.getRepository(entity.target);
    try {
      for (const row of rowsFor(entity, column, variants)) {
        await repo.createQueryBuilder().insert().values(row).execute();
      }
      const counts = await Promise.all(
        variants.map((v) => repo.countBy({ [column.propertyName]: v })),
      );
      if (counts.some((n) => n !== 1))
        problems.push(`${key}: ${variants.join(' / ')} found ${counts.join(' / ')} rows`);
    } catch (error) {
      problems.push(`${key}: ${variants.join(' / ')} refused: ${(error as Error).message}`);
    } finally {
      await repo
        .createQueryBuilder()
        .delete()
        .where(`${dataSource.driver.escape(column.databaseName)} IN (:...variants)`, { variants })
        .execute();
    }
  }
  return { checked, problems };
}

/**
 * For every email column: what is written is stored trimmed and in lower
 * case, any spelling finds it through the ORM, and where the column is unique
 * on its own a second spelling of the same address is refused.
 */
export async function emailColumnProblems(
  dataSource: DataSource,
  review: StringColumnReview,
): Promise<{ checked: ColumnKey[]; problems: string[] }> {
  const problems: string[] = [];
  const checked: ColumnKey[] = [];
  for (const { key, entity, column, kind } of stringColumns(dataSource, review)) {
    if (kind !== 'email') continue;
    checked.push(key);
    counter += 1;
    const stored = `case.mail${counter}@example.test`;
    const [first, second] = rowsFor(entity, column, [` Case.Mail${counter}@Example.TEST `, stored]);
    const unique = entity.indices.some(
      (i) => i.isUnique && i.columns.length === 1 && i.columns[0] === column,
    );
    const repo = dataSource.getRepository(entity.target);
    const table = dataSource.driver.escape(entity.tableName);
    const name = dataSource.driver.escape(column.databaseName);
    try {
      await repo.createQueryBuilder().insert().values(first!).execute();
      const raw = (await dataSource.query(`SELECT ${name} AS v FROM ${table}`)) as Array<{
        v: string;
      }>;
      if (raw.map((r) => r.v).join() !== stored)
        problems.push(`${key}: stored ${raw.map((r) => r.v).join()}, expected ${stored}`);
      const found = await repo.countBy({ [column.propertyName]: stored.toUpperCase() });
      if (found !== 1) problems.push(`${key}: an upper-case spelling found ${found} rows`);
      let refused = false;
      try {
        await repo.createQueryBuilder().insert().values(second!).execute();
      } catch {
        refused = true;
      }
      if (refused !== unique)
        problems.push(
          `${key}: a second spelling was ${refused ? 'refused' : 'accepted'} (unique: ${unique})`,
        );
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
    } finally {
      await dataSource.query(`DELETE FROM ${table} WHERE ${name} = ?`, [stored]);
    }
  }
  return { checked, problems };
}
