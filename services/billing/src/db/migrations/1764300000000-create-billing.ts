import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Invoices and lines, payments with their allocations and refunds, credit
 * notes with lines and applications, the event outbox and number sequences.
 * Money columns are BIGINT minor units. Table API so SQLite and MySQL/MariaDB
 * run the same migration.
 */
export class CreateBilling1764300000000 implements MigrationInterface {
  name = 'CreateBilling1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'invoices',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'number', type: 'varchar', length: '32', isNullable: true },
          { name: 'state', type: 'varchar', length: '8' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'issueDate', type: 'varchar', length: '10', isNullable: true },
          { name: 'dueDate', type: 'varchar', length: '10' },
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'terms', type: 'text', isNullable: true },
          { name: 'allowPartialPayment', type: 'boolean' },
          { name: 'subtotalMinor', type: 'bigint' },
          { name: 'discountMinor', type: 'bigint' },
          { name: 'taxMinor', type: 'bigint' },
          { name: 'totalMinor', type: 'bigint' },
          { name: 'paidMinor', type: 'bigint' },
          { name: 'creditedMinor', type: 'bigint' },
          { name: 'firstViewedAt', type: 'datetime', isNullable: true },
          { name: 'firstViewedBy', type: 'varchar', length: '36', isNullable: true },
          { name: 'voidedAt', type: 'datetime', isNullable: true },
          { name: 'voidReason', type: 'varchar', length: '500', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'uq_invoices_number', columnNames: ['number'], isUnique: true }),
          new TableIndex({
            name: 'idx_invoices_customer_issue',
            columnNames: ['customerId', 'issueDate'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'invoice_lines',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'invoiceId', type: 'varchar', length: '36' },
          { name: 'position', type: 'integer' },
          { name: 'description', type: 'varchar', length: '500' },
          { name: 'quantityMilli', type: 'bigint' },
          { name: 'unitPriceMinor', type: 'bigint' },
          { name: 'discountBasisPoints', type: 'integer' },
          { name: 'taxBasisPoints', type: 'integer' },
          { name: 'discountMinor', type: 'bigint' },
          { name: 'taxMinor', type: 'bigint' },
          { name: 'totalMinor', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'idx_invoice_lines_invoice_id', columnNames: ['invoiceId'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'amountMinor', type: 'bigint' },
          { name: 'method', type: 'varchar', length: '16' },
          { name: 'state', type: 'varchar', length: '12' },
          { name: 'reference', type: 'varchar', length: '200', isNullable: true },
          { name: 'receivedOn', type: 'varchar', length: '10' },
          { name: 'recordedBy', type: 'varchar', length: '36', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_payments_customer_received',
            columnNames: ['customerId', 'receivedOn'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payment_allocations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'paymentId', type: 'varchar', length: '36' },
          { name: 'invoiceId', type: 'varchar', length: '36' },
          { name: 'refundId', type: 'varchar', length: '36', isNullable: true },
          { name: 'amountMinor', type: 'bigint' },
          { name: 'effectiveOn', type: 'varchar', length: '10' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_payment_allocations_payment_id',
            columnNames: ['paymentId'],
          }),
          new TableIndex({
            name: 'idx_payment_allocations_invoice_id',
            columnNames: ['invoiceId'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refunds',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'paymentId', type: 'varchar', length: '36' },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'amountMinor', type: 'bigint' },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'refundedOn', type: 'varchar', length: '10' },
          { name: 'recordedBy', type: 'varchar', length: '36', isNullable: true },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'idx_refunds_payment_id', columnNames: ['paymentId'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'credit_notes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'number', type: 'varchar', length: '32' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'issueDate', type: 'varchar', length: '10' },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'subtotalMinor', type: 'bigint' },
          { name: 'taxMinor', type: 'bigint' },
          { name: 'totalMinor', type: 'bigint' },
          { name: 'appliedMinor', type: 'bigint' },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({
            name: 'uq_credit_notes_number',
            columnNames: ['number'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'idx_credit_notes_customer_issue',
            columnNames: ['customerId', 'issueDate'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'credit_note_lines',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'creditNoteId', type: 'varchar', length: '36' },
          { name: 'position', type: 'integer' },
          { name: 'description', type: 'varchar', length: '500' },
          { name: 'quantityMilli', type: 'bigint' },
          { name: 'unitPriceMinor', type: 'bigint' },
          { name: 'taxBasisPoints', type: 'integer' },
          { name: 'taxMinor', type: 'bigint' },
          { name: 'totalMinor', type: 'bigint' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_credit_note_lines_credit_note_id',
            columnNames: ['creditNoteId'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'credit_applications',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'creditNoteId', type: 'varchar', length: '36' },
          { name: 'invoiceId', type: 'varchar', length: '36' },
          { name: 'amountMinor', type: 'bigint' },
          { name: 'appliedOn', type: 'varchar', length: '10' },
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_credit_applications_credit_note_id',
            columnNames: ['creditNoteId'],
          }),
          new TableIndex({
            name: 'idx_credit_applications_invoice_id',
            columnNames: ['invoiceId'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'publishedAt', type: 'datetime', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_outbox_created_at', columnNames: ['createdAt'] }),
          new TableIndex({ name: 'idx_outbox_published_at', columnNames: ['publishedAt'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'number_sequences',
        columns: [
          { name: 'name', type: 'varchar', length: '32', isPrimary: true },
          { name: 'nextValue', type: 'integer' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'number_sequences',
      'outbox',
      'credit_applications',
      'credit_note_lines',
      'credit_notes',
      'refunds',
      'payment_allocations',
      'payments',
      'invoice_lines',
      'invoices',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
