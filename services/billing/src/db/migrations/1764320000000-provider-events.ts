import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Webhook events already processed, so a redelivered event is acknowledged and ignored. */
export class ProviderEvents1764320000000 implements MigrationInterface {
  name = 'ProviderEvents1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'provider_events',
        columns: [
          { name: 'id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '16' },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'receivedAt', type: 'datetime' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('provider_events');
  }
}
