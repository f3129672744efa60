import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { useExactTokenCollation } from '@portico/kit';

/**
 * Invoices linked to sales: the quote and purchase order an invoice bills and
 * the order line each invoice line bills; billing's read model of sales'
 * orders; and the invoice requests of converted quotes with their outcome.
 */
export class SalesLinks1764380000000 implements MigrationInterface {
  name = 'SalesLinks1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('invoices', [
      new TableColumn({ name: 'quoteId', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'purchaseOrderId', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await useExactTokenCollation(queryRunner, 'invoices', [
      { name: 'quoteId', type: 'varchar(36)', nullable: true },
      { name: 'purchaseOrderId', type: 'varchar(36)', nullable: true },
    ]);
    await queryRunner.createIndices('invoices', [
      new TableIndex({ name: 'idx_invoices_quote', columnNames: ['quoteId'] }),
      new TableIndex({ name: 'idx_invoices_purchase_order', columnNames: ['purchaseOrderId'] }),
    ]);
    await queryRunner.addColumn(
      'invoice_lines',
      new TableColumn({ name: 'orderLineId', type: 'varchar', length: '36', isNullable: true }),
    );
    await useExactTokenCollation(queryRunner, 'invoice_lines', [
      { name: 'orderLineId', type: 'varchar(36)', nullable: true },
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'sales_orders',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'quoteId', type: 'varchar', length: '36', isNullable: true },
          { name: 'number', type: 'varchar', length: '32' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'idx_sales_orders_customer', columnNames: ['customerId'] }),
        ],
      }),
    );
    await useExactTokenCollation(queryRunner, 'sales_orders', [
      { name: 'id', type: 'varchar(36)', nullable: false },
      { name: 'customerId', type: 'varchar(36)', nullable: false },
      { name: 'quoteId', type: 'varchar(36)', nullable: true },
      { name: 'number', type: 'varchar(32)', nullable: false },
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'sales_invoice_requests',
        columns: [
          { name: 'eventId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'quoteId', type: 'varchar', length: '36' },
          { name: 'purchaseOrderId', type: 'varchar', length: '36' },
          { name: 'customerId', type: 'varchar', length: '36' },
          { name: 'state', type: 'varchar', length: '8' },
          { name: 'invoiceId', type: 'varchar', length: '36', isNullable: true },
          { name: 'failureReason', type: 'varchar', length: '40', isNullable: true },
          { name: 'failureMessage', type: 'varchar', length: '500', isNullable: true },
          { name: 'receivedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'idx_sales_invoice_requests_quote', columnNames: ['quoteId'] }),
        ],
      }),
    );
    await useExactTokenCollation(queryRunner, 'sales_invoice_requests', [
      { name: 'eventId', type: 'varchar(36)', nullable: false },
      { name: 'quoteId', type: 'varchar(36)', nullable: false },
      { name: 'purchaseOrderId', type: 'varchar(36)', nullable: false },
      { name: 'customerId', type: 'varchar(36)', nullable: false },
      { name: 'state', type: 'varchar(8)', nullable: false },
      { name: 'invoiceId', type: 'varchar(36)', nullable: true },
      { name: 'failureReason', type: 'varchar(40)', nullable: true },
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sales_invoice_requests');
    await queryRunner.dropTable('sales_orders');
    await queryRunner.dropColumn('invoice_lines', 'orderLineId');
    await queryRunner.dropIndex('invoices', 'idx_invoices_purchase_order');
    await queryRunner.dropIndex('invoices', 'idx_invoices_quote');
    await queryRunner.dropColumn('invoices', 'purchaseOrderId');
    await queryRunner.dropColumn('invoices', 'quoteId');
  }
}
