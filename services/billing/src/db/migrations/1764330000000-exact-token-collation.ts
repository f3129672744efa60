import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  useDefaultCollation,
  useExactTokenCollation,
  type StringColumnDefinition,
} from '@portico/kit';

/**
 * Exact tokens compare byte for byte on MySQL/MariaDB too, as on SQLite: ids,
 * keys, hashes, provider ids, numbers, codes and states get the binary
 * collation.
 * Human text (descriptions, notes, reasons, messages) keeps the database's
 * collation. The outbox and number sequences are left to the events work.
 */
const COLUMNS: Record<string, StringColumnDefinition[]> = {
  invoices: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'number', type: 'varchar(32)', nullable: true },
    { name: 'state', type: 'varchar(8)', nullable: false },
    { name: 'currency', type: 'varchar(3)', nullable: false },
    { name: 'issueDate', type: 'varchar(10)', nullable: true },
    { name: 'dueDate', type: 'varchar(10)', nullable: false },
    { name: 'firstViewedBy', type: 'varchar(36)', nullable: true },
  ],
  invoice_lines: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'invoiceId', type: 'varchar(36)', nullable: false },
  ],
  payments: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'currency', type: 'varchar(3)', nullable: false },
    { name: 'method', type: 'varchar(16)', nullable: false },
    { name: 'state', type: 'varchar(12)', nullable: false },
    { name: 'reference', type: 'varchar(200)', nullable: true },
    { name: 'receivedOn', type: 'varchar(10)', nullable: false },
    { name: 'recordedBy', type: 'varchar(36)', nullable: true },
    { name: 'provider', type: 'varchar(16)', nullable: true },
    { name: 'providerPaymentId', type: 'varchar(100)', nullable: true },
    { name: 'failureCode', type: 'varchar(40)', nullable: true },
    { name: 'idempotencyKey', type: 'varchar(100)', nullable: true },
    { name: 'requestHash', type: 'varchar(64)', nullable: true },
    { name: 'paidBy', type: 'varchar(80)', nullable: true },
  ],
  payment_allocations: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'paymentId', type: 'varchar(36)', nullable: false },
    { name: 'invoiceId', type: 'varchar(36)', nullable: false },
    { name: 'refundId', type: 'varchar(36)', nullable: true },
    { name: 'effectiveOn', type: 'varchar(10)', nullable: false },
  ],
  refunds: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'paymentId', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'refundedOn', type: 'varchar(10)', nullable: false },
    { name: 'recordedBy', type: 'varchar(36)', nullable: true },
  ],
  credit_notes: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'number', type: 'varchar(32)', nullable: false },
    { name: 'currency', type: 'varchar(3)', nullable: false },
    { name: 'issueDate', type: 'varchar(10)', nullable: false },
  ],
  credit_note_lines: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'creditNoteId', type: 'varchar(36)', nullable: false },
  ],
  credit_applications: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'creditNoteId', type: 'varchar(36)', nullable: false },
    { name: 'invoiceId', type: 'varchar(36)', nullable: false },
    { name: 'appliedOn', type: 'varchar(10)', nullable: false },
  ],
  sandbox_charges: [
    { name: 'paymentId', type: 'varchar(36)', nullable: false },
    { name: 'chargeId', type: 'varchar(40)', nullable: false },
    { name: 'status', type: 'varchar(12)', nullable: false },
    { name: 'failureCode', type: 'varchar(40)', nullable: true },
    { name: 'currency', type: 'varchar(3)', nullable: false },
  ],
  provider_events: [
    { name: 'id', type: 'varchar(100)', nullable: false },
    { name: 'provider', type: 'varchar(16)', nullable: false },
    { name: 'type', type: 'varchar(64)', nullable: false },
  ],
};

export class ExactTokenCollation1764330000000 implements MigrationInterface {
  name = 'ExactTokenCollation1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useExactTokenCollation(queryRunner, table, columns);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await useDefaultCollation(queryRunner, table, columns);
    }
  }
}
