import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
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
    await queryRunner.createTable(
      new Table({
        name: 'directory_customers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'companyName', type: 'varchar', length: '200' },
          { name: 'displayName', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'taxId', type: 'varchar', length: '64', isNullable: true },
          { name: 'locale', type: 'varchar', length: '16' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'billingAddress', type: 'text' },
          { name: 'archived', type: 'boolean' },
          { name: 'updatedAt', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'directory_organisation',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'profile', type: 'text' },
          { name: 'updatedAt', type: 'datetime', precision: 3 },
        ],
      }),
    );
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
    await useExactTokenCollation(queryRunner, 'directory_customers', [
      { name: 'id', type: 'varchar(36)', nullable: false },
      { name: 'email', type: 'varchar(320)', nullable: false },
      { name: 'taxId', type: 'varchar(64)', nullable: true },
      { name: 'locale', type: 'varchar(16)', nullable: false },
      { name: 'currency', type: 'varchar(3)', nullable: false },
      { name: 'billingAddress', type: 'text', nullable: false },
    ]);
    await useExactTokenCollation(queryRunner, 'directory_organisation', [
      { name: 'id', type: 'varchar(36)', nullable: false },
      { name: 'profile', type: 'text', nullable: false },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['credit_notes', 'invoices']) {
      await queryRunner.dropColumn(table, 'recipientParty');
      await queryRunner.dropColumn(table, 'issuerParty');
    }
    await queryRunner.dropTable('directory_organisation');
    await queryRunner.dropTable('directory_customers');
    await dropEventTables(queryRunner);
  }
}
