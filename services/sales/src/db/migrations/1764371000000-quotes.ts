import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { useExactTokenCollation } from '@portico/kit';

type Column = TableColumnOptions & { token?: boolean };

const token = (name: string, length: number | 'text', nullable = false): Column => ({
  name,
  type: length === 'text' ? 'text' : 'varchar',
  ...(length === 'text' ? {} : { length: String(length) }),
  isNullable: nullable,
  ...(length === 36 && name === 'id' ? { isPrimary: true } : {}),
  token: true,
});
const bigint = (name: string): Column => ({ name, type: 'bigint' });
const integer = (name: string): Column => ({ name, type: 'integer' });
const datetime = (name: string, nullable = false): Column => ({
  name,
  type: 'datetime',
  isNullable: nullable,
});
const text = (name: string, nullable = true): Column => ({
  name,
  type: 'text',
  isNullable: nullable,
});

const TABLES: Array<{ name: string; columns: Column[]; indices: TableIndex[] }> = [
  {
    name: 'quotes',
    columns: [
      token('id', 36),
      token('customerId', 36),
      token('number', 32, true),
      token('state', 20),
      integer('currentRevision'),
      token('currency', 3),
      token('issueDate', 10, true),
      token('expiryDate', 10),
      datetime('firstViewedAt', true),
      token('firstViewedBy', 36, true),
      token('purchaseOrderId', 36, true),
      datetime('convertedAt', true),
      datetime('withdrawnAt', true),
      datetime('createdAt'),
      datetime('updatedAt'),
    ],
    indices: [
      new TableIndex({ name: 'uq_quotes_number', columnNames: ['number'], isUnique: true }),
      new TableIndex({
        name: 'idx_quotes_customer_issue',
        columnNames: ['customerId', 'issueDate'],
      }),
    ],
  },
  {
    name: 'quote_revisions',
    columns: [
      token('id', 36),
      token('quoteId', 36),
      integer('revision'),
      token('issueDate', 10, true),
      token('expiryDate', 10),
      text('terms'),
      text('notes'),
      bigint('subtotalMinor'),
      bigint('discountMinor'),
      bigint('taxMinor'),
      bigint('totalMinor'),
      bigint('optionalTotalMinor'),
      token('issuerParty', 'text', true),
      token('recipientParty', 'text', true),
      token('sha256', 64, true),
      datetime('sentAt', true),
      datetime('createdAt'),
    ],
    indices: [
      new TableIndex({
        name: 'uq_quote_revisions_quote_revision',
        columnNames: ['quoteId', 'revision'],
        isUnique: true,
      }),
    ],
  },
  {
    name: 'quote_lines',
    columns: [
      token('id', 36),
      token('revisionId', 36),
      integer('position'),
      { name: 'description', type: 'varchar', length: '500' },
      bigint('quantityMilli'),
      bigint('unitPriceMinor'),
      integer('discountBasisPoints'),
      integer('taxBasisPoints'),
      { name: 'optional', type: 'boolean' },
      bigint('grossMinor'),
      bigint('discountMinor'),
      bigint('taxMinor'),
      bigint('totalMinor'),
    ],
    indices: [new TableIndex({ name: 'idx_quote_lines_revision_id', columnNames: ['revisionId'] })],
  },
  {
    name: 'quote_decisions',
    columns: [
      token('id', 36),
      token('quoteId', 36),
      token('kind', 8),
      integer('revision'),
      token('actorKind', 8),
      token('actorId', 64),
      datetime('decidedAt'),
      token('clientAddress', 64, true),
      { name: 'signerName', type: 'varchar', length: '200', isNullable: true },
      { name: 'termsAccepted', type: 'boolean' },
      token('optionalLineIds', 'text'),
      text('comment'),
      token('customerReference', 100, true),
      token('reasonCode', 20, true),
      text('reasonText'),
      token('revisionSha256', 64),
    ],
    // The last guard that one decision is stored per quote, whatever arrives at once.
    indices: [
      new TableIndex({
        name: 'uq_quote_decisions_quote',
        columnNames: ['quoteId'],
        isUnique: true,
      }),
    ],
  },
  {
    name: 'quote_change_requests',
    columns: [
      token('id', 36),
      token('quoteId', 36),
      integer('revision'),
      token('actorKind', 8),
      token('actorId', 64),
      text('comment', false),
      datetime('requestedAt'),
    ],
    indices: [
      new TableIndex({ name: 'idx_quote_change_requests_quote', columnNames: ['quoteId'] }),
    ],
  },
];

/**
 * Quotes: the quote, its revisions and their lines, the one decision per
 * quote and the customer's change requests. Money columns are BIGINT minor
 * units; every token column compares byte for byte on MySQL/MariaDB.
 */
export class Quotes1764371000000 implements MigrationInterface {
  name = 'Quotes1764371000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.createTable(
        new Table({
          name: table.name,
          columns: table.columns.map(({ token: _token, ...column }) => column),
          indices: table.indices,
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

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name);
  }
}
