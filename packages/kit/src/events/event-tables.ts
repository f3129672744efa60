import { ExactTokenColumn, useExactTokenCollation } from '../db/columns';
import {
  Column,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Table,
  TableIndex,
  type QueryRunner,
  type ValueTransformer,
} from 'typeorm';

/** Positions are BIGINT: MySQL hands them back as strings, SQLite as numbers. */
const position: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) =>
    value === null || value === undefined ? value : Number(value),
};

/**
 * The producer's outbox: each row written in the transaction of the change it
 * describes. `position` stays null until the sequencer numbers committed rows
 * in commit order (MySQL hands out auto-increment values before commit, so
 * `serial` alone cannot be a cursor: a reader could pass a row still committing).
 */
@Entity({ name: 'event_outbox' })
@Index('idx_event_outbox_aggregate', ['aggregateType', 'aggregateId', 'position'])
export class OutboxRow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  serial!: number;

  @Index('idx_event_outbox_id', { unique: true })
  @ExactTokenColumn({ length: 36 })
  id!: string;

  @Index('idx_event_outbox_position')
  @Column({ type: 'bigint', nullable: true, transformer: position })
  position!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: position })
  previousPosition!: number | null;

  @ExactTokenColumn({ length: 100 })
  type!: string;

  @Column({ type: 'integer' })
  schemaVersion!: number;

  @ExactTokenColumn({ length: 64 })
  aggregateType!: string;

  @ExactTokenColumn({ length: 64 })
  aggregateId!: string;

  @ExactTokenColumn({ length: 64, nullable: true })
  customerId!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @ExactTokenColumn({ type: 'text' })
  payload!: string;

  @Index('idx_event_outbox_sequenced_at')
  @Column({ type: 'datetime', precision: 3, nullable: true })
  sequencedAt!: Date | null;
}

/** Named positions kept by the producer: the sequencer's last, each relay's cursor. */
@Entity({ name: 'event_outbox_state' })
export class OutboxState {
  @ExactTokenColumn({ primary: true, length: 64 })
  name!: string;

  @Column({ type: 'bigint', transformer: position })
  position!: number;
}

/** Consumers the producer has seen follow its feed, and how far they have applied. */
@Entity({ name: 'event_followers' })
export class OutboxFollower {
  @ExactTokenColumn({ primary: true, length: 100 })
  consumer!: string;

  @Column({ type: 'bigint', transformer: position })
  position!: number;

  @Column({ type: 'datetime', precision: 3 })
  seenAt!: Date;
}

/** The consumer's inbox: one row per applied event, written with its effect. */
@Entity({ name: 'event_inbox' })
export class InboxRow {
  @ExactTokenColumn({ primary: true, length: 100 })
  consumer!: string;

  @ExactTokenColumn({ primary: true, length: 36 })
  eventId!: string;

  @ExactTokenColumn({ length: 64 })
  producer!: string;

  @Column({ type: 'bigint', transformer: position })
  position!: number;

  @Index('idx_event_inbox_applied_at')
  @Column({ type: 'datetime', precision: 3 })
  appliedAt!: Date;
}

/**
 * How far a consumer has come in one producer's events: `position` is the
 * highest position applied with everything before it; `origin` the first
 * position it ever applied (events before it were never expected).
 */
@Entity({ name: 'event_cursors' })
export class ConsumerCursor {
  @ExactTokenColumn({ primary: true, length: 100 })
  consumer!: string;

  @ExactTokenColumn({ primary: true, length: 64 })
  producer!: string;

  @Column({ type: 'bigint', transformer: position })
  position!: number;

  @Column({ type: 'bigint', transformer: position })
  origin!: number;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** The last applied position per aggregate, for per-aggregate order. */
@Entity({ name: 'event_aggregate_positions' })
export class AggregatePosition {
  @ExactTokenColumn({ primary: true, length: 100 })
  consumer!: string;

  @ExactTokenColumn({ primary: true, length: 64 })
  producer!: string;

  @ExactTokenColumn({ primary: true, length: 64 })
  aggregateType!: string;

  @ExactTokenColumn({ primary: true, length: 64 })
  aggregateId!: string;

  @Column({ type: 'bigint', transformer: position })
  position!: number;
}

/** Every entity of the events kit; a service lists them with its own. */
export const EVENT_ENTITIES = [
  OutboxRow,
  OutboxState,
  OutboxFollower,
  InboxRow,
  ConsumerCursor,
  AggregatePosition,
];

/** Creates the events kit's tables; a service calls it from one of its migrations. */
export async function createEventTables(queryRunner: QueryRunner): Promise<void> {
  const ms = { type: 'datetime', precision: 3 } as const;
  await queryRunner.createTable(
    new Table({
      name: 'event_outbox',
      columns: [
        {
          name: 'serial',
          type: 'integer',
          isPrimary: true,
          isGenerated: true,
          generationStrategy: 'increment',
        },
        { name: 'id', type: 'varchar', length: '36' },
        { name: 'position', type: 'bigint', isNullable: true },
        { name: 'previousPosition', type: 'bigint', isNullable: true },
        { name: 'type', type: 'varchar', length: '100' },
        { name: 'schemaVersion', type: 'integer' },
        { name: 'aggregateType', type: 'varchar', length: '64' },
        { name: 'aggregateId', type: 'varchar', length: '64' },
        { name: 'customerId', type: 'varchar', length: '64', isNullable: true },
        { name: 'occurredAt', ...ms },
        { name: 'payload', type: 'text' },
        { name: 'sequencedAt', ...ms, isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'idx_event_outbox_id', columnNames: ['id'], isUnique: true }),
        // Not unique: the sequencer's lock already keeps positions apart, and a
        // unique secondary index adds InnoDB's duplicate-check locks to the
        // sequencer's updates while producers insert.
        new TableIndex({ name: 'idx_event_outbox_position', columnNames: ['position'] }),
        new TableIndex({
          name: 'idx_event_outbox_aggregate',
          columnNames: ['aggregateType', 'aggregateId', 'position'],
        }),
        new TableIndex({ name: 'idx_event_outbox_sequenced_at', columnNames: ['sequencedAt'] }),
      ],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: 'event_outbox_state',
      columns: [
        { name: 'name', type: 'varchar', length: '64', isPrimary: true },
        { name: 'position', type: 'bigint' },
      ],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: 'event_followers',
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'position', type: 'bigint' },
        { name: 'seenAt', ...ms },
      ],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: 'event_inbox',
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'eventId', type: 'varchar', length: '36', isPrimary: true },
        { name: 'producer', type: 'varchar', length: '64' },
        { name: 'position', type: 'bigint' },
        { name: 'appliedAt', ...ms },
      ],
      indices: [new TableIndex({ name: 'idx_event_inbox_applied_at', columnNames: ['appliedAt'] })],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: 'event_cursors',
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'producer', type: 'varchar', length: '64', isPrimary: true },
        { name: 'position', type: 'bigint' },
        { name: 'origin', type: 'bigint' },
        { name: 'updatedAt', ...ms },
      ],
    }),
  );
  await queryRunner.createTable(
    new Table({
      name: 'event_aggregate_positions',
      columns: [
        { name: 'consumer', type: 'varchar', length: '100', isPrimary: true },
        { name: 'producer', type: 'varchar', length: '64', isPrimary: true },
        { name: 'aggregateType', type: 'varchar', length: '64', isPrimary: true },
        { name: 'aggregateId', type: 'varchar', length: '64', isPrimary: true },
        { name: 'position', type: 'bigint' },
      ],
    }),
  );
  for (const [table, columns] of Object.entries(TOKEN_COLUMNS)) {
    await useExactTokenCollation(
      queryRunner,
      table,
      columns.map(([name, type, nullable]) => ({ name, type, nullable })),
    );
  }
}

/** Every string column of the events tables is a machine token (ids, names, JSON). */
const TOKEN_COLUMNS: Record<string, Array<[string, string, boolean]>> = {
  event_outbox: [
    ['id', 'varchar(36)', false],
    ['type', 'varchar(100)', false],
    ['aggregateType', 'varchar(64)', false],
    ['aggregateId', 'varchar(64)', false],
    ['customerId', 'varchar(64)', true],
    ['payload', 'text', false],
  ],
  event_outbox_state: [['name', 'varchar(64)', false]],
  event_followers: [['consumer', 'varchar(100)', false]],
  event_inbox: [
    ['consumer', 'varchar(100)', false],
    ['eventId', 'varchar(36)', false],
    ['producer', 'varchar(64)', false],
  ],
  event_cursors: [
    ['consumer', 'varchar(100)', false],
    ['producer', 'varchar(64)', false],
  ],
  event_aggregate_positions: [
    ['consumer', 'varchar(100)', false],
    ['producer', 'varchar(64)', false],
    ['aggregateType', 'varchar(64)', false],
    ['aggregateId', 'varchar(64)', false],
  ],
};

export async function dropEventTables(queryRunner: QueryRunner): Promise<void> {
  for (const name of [
    'event_aggregate_positions',
    'event_cursors',
    'event_inbox',
    'event_followers',
    'event_outbox_state',
    'event_outbox',
  ]) {
    await queryRunner.dropTable(name);
  }
}
