import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  createMigrationTables,
  dropMigrationTables,
  migrationColumn as c,
  type MigrationTable,
} from '@portico/kit';

const TABLES: MigrationTable[] = [
  {
    name: 'notification_deliveries',
    columns: [
      c.token('id', 36),
      c.token('eventId', 36),
      c.token('producer', 40),
      c.token('eventType', 64),
      c.token('customerId', 36, true),
      c.token('recipient', 80),
      c.token('email', 320),
      c.text('mailSubject', 300),
      c.text('text', 'text'),
      c.token('messageId', 200),
      c.token('status', 10),
      c.integer('attempts'),
      c.instant('nextAttemptAt'),
      c.text('lastError', 'text', true),
      c.instant('createdAt'),
      c.instant('sentAt', true),
    ],
    indices: [
      new TableIndex({
        name: 'uq_notification_deliveries_event_recipient',
        columnNames: ['eventId', 'recipient'],
        isUnique: true,
      }),
      new TableIndex({
        name: 'idx_notification_deliveries_due',
        columnNames: ['status', 'nextAttemptAt'],
      }),
    ],
  },
];

/**
 * Email notifications: the mails accounts owes for other services' events
 * (one row per event and recipient), and each contact's opt-out, on for
 * every contact that exists already.
 */
export class Notifications1764410000000 implements MigrationInterface {
  name = 'Notifications1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'contacts',
      new TableColumn({ name: 'emailNotifications', type: 'boolean', default: 1 }),
    );
    await createMigrationTables(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMigrationTables(queryRunner, TABLES);
    await queryRunner.dropColumn('contacts', 'emailNotifications');
  }
}
