import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** API clients of partners; secrets stored as SHA-256 only. */
export class CreatePartnerClients1764260000000 implements MigrationInterface {
  name = 'CreatePartnerClients1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'partner_clients',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'secretHash', type: 'varchar', length: '64' },
          { name: 'scopeList', type: 'varchar', length: '1000' },
          { name: 'customerIdList', type: 'text', isNullable: true },
          { name: 'createdBy', type: 'varchar', length: '36' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'secretIssuedAt', type: 'datetime' },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
          { name: 'lastTokenAt', type: 'datetime', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('partner_clients');
  }
}
