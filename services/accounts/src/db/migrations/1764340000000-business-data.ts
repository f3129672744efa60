import { randomUUID } from 'node:crypto';
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Data staff manage: the organisation profile, customers' tax id, notes and
 * archiving, removed contacts, invited and disabled staff users, and the
 * audit log of every change. Customers that exist already get their
 * customer.created event, so that a consumer starting now learns them.
 */
export class BusinessData1764340000000 implements MigrationInterface {
  name = 'BusinessData1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('customers', [
      new TableColumn({ name: 'taxId', type: 'varchar', length: '50', isNullable: true }),
      new TableColumn({ name: 'notes', type: 'text', isNullable: true }),
      new TableColumn({ name: 'archivedAt', type: 'datetime', isNullable: true }),
      new TableColumn({ name: 'updatedAt', type: 'datetime', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'customers',
      new TableIndex({ name: 'idx_customers_tax_id', columnNames: ['taxId'] }),
    );
    await queryRunner.addColumn(
      'contacts',
      new TableColumn({ name: 'removedAt', type: 'datetime', isNullable: true }),
    );
    await queryRunner.changeColumn(
      'staff_users',
      'passwordHash',
      new TableColumn({ name: 'passwordHash', type: 'varchar', length: '255', isNullable: true }),
    );
    await queryRunner.addColumns('staff_users', [
      new TableColumn({ name: 'disabledAt', type: 'datetime', isNullable: true }),
      new TableColumn({ name: 'invitedBy', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'organisation_profile',
        columns: [
          { name: 'id', type: 'varchar', length: '16', isPrimary: true },
          { name: 'legalName', type: 'varchar', length: '200' },
          { name: 'tradingName', type: 'varchar', length: '200', isNullable: true },
          { name: 'addressLine1', type: 'varchar', length: '200' },
          { name: 'addressLine2', type: 'varchar', length: '200', isNullable: true },
          { name: 'addressCity', type: 'varchar', length: '100' },
          { name: 'addressRegion', type: 'varchar', length: '100', isNullable: true },
          { name: 'addressPostalCode', type: 'varchar', length: '20' },
          { name: 'addressCountry', type: 'varchar', length: '2' },
          { name: 'taxId', type: 'varchar', length: '50', isNullable: true },
          { name: 'supportEmail', type: 'varchar', length: '320' },
          { name: 'defaultCurrency', type: 'varchar', length: '3' },
          { name: 'defaultLocale', type: 'varchar', length: '16' },
          { name: 'portalUrl', type: 'varchar', length: '500' },
          { name: 'logo', type: 'blob', isNullable: true },
          { name: 'logoType', type: 'varchar', length: '20', isNullable: true },
          { name: 'logoSha256', type: 'varchar', length: '64', isNullable: true },
          { name: 'updatedAt', type: 'datetime' },
          { name: 'updatedByKind', type: 'varchar', length: '16' },
          { name: 'updatedById', type: 'varchar', length: '36', isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurredAt', type: 'datetime', precision: 3 },
          { name: 'actorKind', type: 'varchar', length: '16' },
          { name: 'actorId', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'entityType', type: 'varchar', length: '32' },
          { name: 'entityId', type: 'varchar', length: '36' },
          { name: 'changes', type: 'text' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_audit_entries_occurred_at',
            columnNames: ['occurredAt', 'id'],
          }),
          new TableIndex({
            name: 'idx_audit_entries_entity',
            columnNames: ['entityType', 'entityId'],
          }),
        ],
      }),
    );
    await this.publishExistingCustomers(queryRunner);
  }

  /** customer.created (schema version 1) for every customer, as the outbox would record it. */
  private async publishExistingCustomers(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query(
      'SELECT * FROM customers ORDER BY createdAt, id',
    )) as Array<Record<string, string | null>>;
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const row of rows) {
      const payload = {
        id: row.id,
        companyName: row.companyName,
        displayName: row.displayName,
        email: row.email,
        billingAddress: {
          line1: row.billingLine1,
          line2: row.billingLine2,
          city: row.billingCity,
          region: row.billingRegion,
          postalCode: row.billingPostalCode,
          country: row.billingCountry,
        },
        taxId: null,
        locale: row.locale,
        currency: row.currency,
        archived: false,
        archivedAt: null,
      };
      await queryRunner.query(
        'INSERT INTO event_outbox (id, position, previousPosition, type, schemaVersion, aggregateType, aggregateId, customerId, occurredAt, payload, sequencedAt) VALUES (?, NULL, NULL, ?, 1, ?, ?, ?, ?, ?, NULL)',
        [
          randomUUID(),
          'customer.created',
          'customer',
          row.id,
          row.id,
          now,
          JSON.stringify(payload),
        ],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_entries');
    await queryRunner.dropTable('organisation_profile');
    await queryRunner.dropColumn('staff_users', 'invitedBy');
    await queryRunner.dropColumn('staff_users', 'disabledAt');
    await queryRunner.changeColumn(
      'staff_users',
      'passwordHash',
      new TableColumn({ name: 'passwordHash', type: 'varchar', length: '255' }),
    );
    await queryRunner.dropColumn('contacts', 'removedAt');
    await queryRunner.dropIndex('customers', 'idx_customers_tax_id');
    await queryRunner.dropColumns('customers', ['updatedAt', 'archivedAt', 'notes', 'taxId']);
  }
}
