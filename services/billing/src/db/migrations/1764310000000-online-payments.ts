import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Online payments: money reserved on invoices while a charge is pending,
 * idempotency keys, the provider's reference and failure, and the sandbox
 * provider's own record of charges.
 */
export class OnlinePayments1764310000000 implements MigrationInterface {
  name = 'OnlinePayments1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'invoices',
      new TableColumn({ name: 'pendingMinor', type: 'bigint', default: 0 }),
    );
    await queryRunner.addColumns('payments', [
      new TableColumn({ name: 'provider', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({
        name: 'providerPaymentId',
        type: 'varchar',
        length: '100',
        isNullable: true,
      }),
      new TableColumn({ name: 'failureCode', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'failureMessage', type: 'varchar', length: '300', isNullable: true }),
      new TableColumn({ name: 'idempotencyKey', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'requestHash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'paidBy', type: 'varchar', length: '80', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'payments',
      new TableIndex({
        name: 'uq_payments_customer_idempotency',
        columnNames: ['customerId', 'idempotencyKey'],
        isUnique: true,
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sandbox_charges',
        columns: [
          { name: 'paymentId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'chargeId', type: 'varchar', length: '40' },
          { name: 'status', type: 'varchar', length: '12' },
          { name: 'failureCode', type: 'varchar', length: '40', isNullable: true },
          { name: 'amountMinor', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'createdAt', type: 'datetime' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sandbox_charges');
    await queryRunner.dropIndex('payments', 'uq_payments_customer_idempotency');
    for (const column of [
      'provider',
      'providerPaymentId',
      'failureCode',
      'failureMessage',
      'idempotencyKey',
      'requestHash',
      'paidBy',
    ]) {
      await queryRunner.dropColumn('payments', column);
    }
    await queryRunner.dropColumn('invoices', 'pendingMinor');
  }
}
