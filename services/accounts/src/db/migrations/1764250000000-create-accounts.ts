import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Customers, their portal contacts, and staff users. Written with TypeORM's
 * table API so the same migration runs on SQLite and MySQL/MariaDB. */
export class CreateAccounts1764250000000 implements MigrationInterface {
  name = 'CreateAccounts1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
    await queryRunner.createTable(
      new Table({
        name: 'customers',
        columns: [
          id,
          { name: 'companyName', type: 'varchar', length: '200' },
          { name: 'displayName', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'locale', type: 'varchar', length: '16' },
          { name: 'billingLine1', type: 'varchar', length: '200' },
          { name: 'billingLine2', type: 'varchar', length: '200', isNullable: true },
          { name: 'billingCity', type: 'varchar', length: '100' },
          { name: 'billingRegion', type: 'varchar', length: '100', isNullable: true },
          { name: 'billingPostalCode', type: 'varchar', length: '20' },
          { name: 'billingCountry', type: 'varchar', length: '2' },
          { name: 'portalEnabled', type: 'boolean' },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'idx_customers_company_name', columnNames: ['companyName'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contacts',
        columns: [
          id,
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'passwordHash', type: 'varchar', length: '255', isNullable: true },
          { name: 'portalAccess', type: 'boolean' },
          { name: 'lastSignInAt', type: 'datetime', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'idx_contacts_customer_id', columnNames: ['customerId'] }),
          new TableIndex({ name: 'uq_contacts_email', columnNames: ['email'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_users',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'passwordHash', type: 'varchar', length: '255' },
          { name: 'roleList', type: 'varchar', length: '200' },
          { name: 'lastSignInAt', type: 'datetime', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'uq_staff_users_email', columnNames: ['email'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('staff_users');
    await queryRunner.dropTable('contacts');
    await queryRunner.dropTable('customers');
  }
}
