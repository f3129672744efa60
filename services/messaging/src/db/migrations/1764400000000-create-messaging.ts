import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDirectoryTables, dropDirectoryTables } from '@portico/commerce';
import {
  createEventTables,
  createMigrationTables,
  dropEventTables,
  dropMigrationTables,
  migrationColumn as c,
  type MigrationTable,
} from '@portico/kit';

const TABLES: MigrationTable[] = [
  {
    name: 'threads',
    columns: [
      c.token('id', 80),
      c.token('customerId', 36),
      c.token('subjectKind', 20),
      c.token('subjectId', 36, true),
      c.integer('lastPosition'),
      c.instant('lastActivityAt', true),
      c.instant('lastPublicActivityAt', true),
      c.instant('waitingSince', true),
      c.token('assigneeStaffUserId', 36, true),
      c.instant('createdAt'),
      c.instant('updatedAt'),
    ],
    indices: [
      new TableIndex({
        name: 'idx_threads_customer_activity',
        columnNames: ['customerId', 'lastActivityAt'],
      }),
      new TableIndex({ name: 'idx_threads_waiting', columnNames: ['waitingSince'] }),
    ],
  },
  {
    name: 'comments',
    columns: [
      c.token('id', 36),
      c.token('threadId', 80),
      c.token('customerId', 36),
      c.integer('position'),
      c.token('kind', 16),
      c.token('authorId', 80, true),
      c.text('body', 'text'),
      c.token('attachmentIdList', 'text'),
      c.token('systemType', 40, true),
      c.token('sourceEventId', 36, true),
      c.token('idempotencyKey', 100, true),
      c.token('contentHash', 64, true),
      c.integer('revisionCount'),
      c.instant('createdAt'),
      c.instant('editedAt', true),
      c.instant('deletedAt', true),
    ],
    indices: [
      new TableIndex({
        name: 'uq_comments_position',
        columnNames: ['threadId', 'position'],
        isUnique: true,
      }),
      new TableIndex({
        name: 'uq_comments_idempotency',
        columnNames: ['authorId', 'idempotencyKey'],
        isUnique: true,
      }),
      new TableIndex({ name: 'idx_comments_customer', columnNames: ['customerId', 'threadId'] }),
    ],
  },
  {
    name: 'comment_revisions',
    columns: [
      c.token('id', 36),
      c.token('commentId', 36),
      c.token('threadId', 80),
      c.integer('revision'),
      c.text('body', 'text'),
      c.token('change', 10),
      c.instant('replacedAt'),
    ],
    indices: [
      new TableIndex({
        name: 'uq_comment_revisions',
        columnNames: ['commentId', 'revision'],
        isUnique: true,
      }),
    ],
  },
  {
    name: 'read_states',
    columns: [
      c.token('threadId', 80),
      c.token('readerId', 80),
      c.token('customerId', 36),
      c.integer('upToPosition'),
      c.instant('updatedAt'),
    ],
    primary: ['threadId', 'readerId'],
  },
  {
    name: 'subjects',
    columns: [
      c.token('kind', 20),
      c.token('id', 36),
      c.token('customerId', 36),
      c.text('label', 200, true),
      c.token('state', 20),
      c.instant('updatedAt'),
    ],
    primary: ['kind', 'id'],
  },
];

/**
 * Messaging: the events kit's tables and the customer directory (from
 * accounts), threads with their timelines (comments and what edits
 * replaced), each person's read position per thread, and the records of
 * billing, sales and documents a thread can be about.
 */
export class CreateMessaging1764400000000 implements MigrationInterface {
  name = 'CreateMessaging1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
    await createDirectoryTables(queryRunner);
    await createMigrationTables(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMigrationTables(queryRunner, TABLES);
    await dropDirectoryTables(queryRunner);
    await dropEventTables(queryRunner);
  }
}
