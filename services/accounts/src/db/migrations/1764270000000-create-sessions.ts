import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Sign-in sessions and their rotating refresh tokens (hashed). */
export class CreateSessions1764270000000 implements MigrationInterface {
  name = 'CreateSessions1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'subjectKind', type: 'varchar', length: '16' },
          { name: 'subjectId', type: 'varchar', length: '36' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'lastUsedAt', type: 'datetime' },
          { name: 'expiresAt', type: 'datetime' },
          { name: 'revokedAt', type: 'datetime', isNullable: true },
          { name: 'revokedReason', type: 'varchar', length: '40', isNullable: true },
          { name: 'clientAddress', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_sessions_subject',
            columnNames: ['subjectKind', 'subjectId'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sessionId', type: 'varchar', length: '36' },
          { name: 'tokenHash', type: 'varchar', length: '64' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'expiresAt', type: 'datetime' },
          { name: 'usedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_refresh_tokens_session_id', columnNames: ['sessionId'] }),
          new TableIndex({
            name: 'uq_refresh_tokens_token_hash',
            columnNames: ['tokenHash'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refresh_tokens');
    await queryRunner.dropTable('sessions');
  }
}
