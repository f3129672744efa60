import { randomUUID } from 'node:crypto';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { useDefaultCollation, useExactTokenCollation } from '@portico/kit';

interface LegacyRow {
  id: string;
  type: string;
  payload: string;
  createdAt: Date | string;
}

function aggregateOf(payload: Record<string, unknown>): { type: string; id: string } {
  if (typeof payload.paymentId === 'string') return { type: 'payment', id: payload.paymentId };
  if (typeof payload.creditNoteId === 'string') {
    return { type: 'credit_note', id: payload.creditNoteId };
  }
  return { type: 'invoice', id: String(payload.invoiceId) };
}

/**
 * Billing's events move to the events kit's outbox (created by the
 * directory migration), where other services can follow them. Events the
 * old table held are carried over in their order, to be numbered like new
 * ones; the old table goes. Document-number series names are exact tokens.
 */
export class KitOutbox1764350000000 implements MigrationInterface {
  name = 'KitOutbox1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      'SELECT id, type, payload, createdAt FROM outbox ORDER BY createdAt, id',
    )) as LegacyRow[];
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      const aggregate = aggregateOf(payload);
      await queryRunner.query(
        'INSERT INTO event_outbox (id, position, previousPosition, type, schemaVersion, aggregateType, aggregateId, customerId, occurredAt, payload, sequencedAt) VALUES (?, NULL, NULL, ?, 1, ?, ?, ?, ?, ?, NULL)',
        [
          row.id,
          row.type,
          aggregate.type,
          aggregate.id,
          typeof payload.customerId === 'string' ? payload.customerId : null,
          new Date(row.createdAt),
          row.payload,
        ],
      );
    }
    await queryRunner.dropTable('outbox');
    await useExactTokenCollation(queryRunner, 'number_sequences', [
      { name: 'name', type: 'varchar(32)', nullable: false },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await useDefaultCollation(queryRunner, 'number_sequences', [
      { name: 'name', type: 'varchar(32)', nullable: false },
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'publishedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_outbox_created_at', columnNames: ['createdAt'] }),
          new TableIndex({ name: 'idx_outbox_published_at', columnNames: ['publishedAt'] }),
        ],
      }),
    );
    const rows = (await queryRunner.query(
      'SELECT id, type, payload, occurredAt FROM event_outbox ORDER BY serial',
    )) as Array<{ id: string; type: string; payload: string; occurredAt: Date | string }>;
    for (const row of rows) {
      await queryRunner.query(
        'INSERT INTO outbox (id, type, payload, createdAt, publishedAt) VALUES (?, ?, ?, ?, ?)',
        [row.id || randomUUID(), row.type, row.payload, new Date(row.occurredAt), new Date()],
      );
    }
    await queryRunner.query('DELETE FROM event_outbox');
  }
}
