import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The revocation log gateways follow (see Revocation). */
export class CreateRevocations1764290000000 implements MigrationInterface {
  name = 'CreateRevocations1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'revocations',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'subject', type: 'varchar', length: '80' },
          { name: 'createdAt', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({ name: 'idx_revocations_created_at', columnNames: ['createdAt'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('revocations');
  }
}
