import { Table, type QueryRunner } from 'typeorm';
import { useExactTokenCollation } from '@portico/kit';

/**
 * The directory's two tables (customers and the organisation as accounts'
 * events describe them), for a service's migration; token columns compare
 * byte for byte on MariaDB as on SQLite.
 */
export async function createDirectoryTables(queryRunner: QueryRunner): Promise<void> {
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

export async function dropDirectoryTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.dropTable('directory_organisation');
  await queryRunner.dropTable('directory_customers');
}
