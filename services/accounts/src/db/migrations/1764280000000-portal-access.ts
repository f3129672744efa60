import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Invitation and password-reset tokens (hashed), and disabling a contact. */
export class PortalAccess1764280000000 implements MigrationInterface {
  name = 'PortalAccess1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'contacts',
      new TableColumn({ name: 'disabledAt', type: 'datetime', isNullable: true }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'action_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'purpose', type: 'varchar', length: '20' },
          { name: 'subjectKind', type: 'varchar', length: '16' },
          { name: 'subjectId', type: 'varchar', length: '36' },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'expiresAt', type: 'datetime' },
          { name: 'usedAt', type: 'datetime', isNullable: true },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
          { name: 'createdBy', type: 'varchar', length: '36', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_action_tokens_subject',
            columnNames: ['subjectKind', 'subjectId', 'purpose'],
          }),
          new TableIndex({
            name: 'uq_action_tokens_token_hash',
            columnNames: ['tokenHash'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('action_tokens');
    await queryRunner.dropColumn('contacts', 'disabledAt');
  }
}
