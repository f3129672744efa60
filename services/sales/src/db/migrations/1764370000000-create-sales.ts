import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDirectoryTables, dropDirectoryTables } from '@portico/commerce';
import { createEventTables, dropEventTables, useExactTokenCollation } from '@portico/kit';

/**
 * What sales stands on before its own documents: the events kit's tables
 * (its outbox; inboxes for accounts' and billing's events), the directory of
 * customers and the organisation, and the number series of its documents.
 */
export class CreateSales1764370000000 implements MigrationInterface {
  name = 'CreateSales1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
    await createDirectoryTables(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'number_sequences',
        columns: [
          { name: 'name', type: 'varchar', length: '32', isPrimary: true },
          { name: 'nextValue', type: 'integer' },
        ],
      }),
    );
    await useExactTokenCollation(queryRunner, 'number_sequences', [
      { name: 'name', type: 'varchar(32)', nullable: false },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('number_sequences');
    await dropDirectoryTables(queryRunner);
    await dropEventTables(queryRunner);
  }
}
