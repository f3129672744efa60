import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDirectoryTables, dropDirectoryTables } from '@portico/commerce';
import { createEventTables, dropEventTables, useExactTokenCollation } from '@portico/kit';

/**
 * The events kit's tables (billing consumes accounts' events), billing's
 * directory of customers and the organisation, and the parties frozen on
 * invoices and credit notes when they are issued.
 */
export class CustomerDirectory1764340000000 implements MigrationInterface {
  name = 'CustomerDirectory1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
    await createDirectoryTables(queryRunner);
    for (const table of ['invoices', 'credit_notes']) {
      await queryRunner.addColumns(table, [
        new TableColumn({ name: 'issuerParty', type: 'text', isNullable: true }),
        new TableColumn({ name: 'recipientParty', type: 'text', isNullable: true }),
      ]);
      await useExactTokenCollation(queryRunner, table, [
        { name: 'issuerParty', type: 'text', nullable: true },
        { name: 'recipientParty', type: 'text', nullable: true },
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['credit_notes', 'invoices']) {
      await queryRunner.dropColumn(table, 'recipientParty');
      await queryRunner.dropColumn(table, 'issuerParty');
    }
    await dropDirectoryTables(queryRunner);
    await dropEventTables(queryRunner);
  }
}
