import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { useExactTokenCollation, type StringColumnDefinition } from '@portico/kit';

const id = (name: string, nullable = false) => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const token = (name: string, length: number, nullable = false) => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const bigint = (name: string) => ({ name, type: 'bigint' });

/** The exact-token columns of each table, restated for their collation on MySQL/MariaDB. */
const EXACT_TOKENS: Record<string, StringColumnDefinition[]> = {
  purchase_orders: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'customerId', type: 'varchar(36)', nullable: false },
    { name: 'number', type: 'varchar(32)', nullable: false },
    { name: 'orderDate', type: 'varchar(10)', nullable: false },
    { name: 'expectedDeliveryDate', type: 'varchar(10)', nullable: true },
    { name: 'status', type: 'varchar(20)', nullable: false },
    { name: 'heldFromStatus', type: 'varchar(20)', nullable: true },
    { name: 'subStatusId', type: 'varchar(36)', nullable: true },
    { name: 'quoteId', type: 'varchar(36)', nullable: true },
    { name: 'currency', type: 'varchar(3)', nullable: false },
  ],
  order_lines: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'orderId', type: 'varchar(36)', nullable: false },
  ],
  shipments: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'orderId', type: 'varchar(36)', nullable: false },
    { name: 'trackingNumber', type: 'varchar(100)', nullable: true },
    { name: 'trackingUrl', type: 'varchar(1000)', nullable: true },
    { name: 'shippedAt', type: 'varchar(10)', nullable: false },
    { name: 'deliveredAt', type: 'varchar(10)', nullable: true },
  ],
  shipment_lines: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'shipmentId', type: 'varchar(36)', nullable: false },
    { name: 'orderLineId', type: 'varchar(36)', nullable: false },
  ],
  order_sub_statuses: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'status', type: 'varchar(20)', nullable: false },
    { name: 'colour', type: 'varchar(7)', nullable: false },
  ],
  order_timeline: [
    { name: 'id', type: 'varchar(36)', nullable: false },
    { name: 'orderId', type: 'varchar(36)', nullable: false },
    { name: 'kind', type: 'varchar(32)', nullable: false },
    { name: 'actorKind', type: 'varchar(16)', nullable: false },
    { name: 'actorContactId', type: 'varchar(36)', nullable: true },
    { name: 'staffUserId', type: 'varchar(36)', nullable: true },
    { name: 'status', type: 'varchar(20)', nullable: false },
    { name: 'details', type: 'text', nullable: false },
  ],
  order_invoices: [
    { name: 'invoiceId', type: 'varchar(36)', nullable: false },
    { name: 'orderId', type: 'varchar(36)', nullable: false },
    { name: 'number', type: 'varchar(32)', nullable: true },
    { name: 'state', type: 'varchar(8)', nullable: false },
    { name: 'lines', type: 'text', nullable: false },
  ],
};

/**
 * Purchase orders with their lines, shipments (and what each carries), the
 * business's sub-statuses, each order's timeline and the invoices billing
 * raised against it. Table API so SQLite and MySQL/MariaDB run the same
 * migration.
 */
export class Orders1764372000000 implements MigrationInterface {
  name = 'Orders1764372000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'purchase_orders',
        columns: [
          { ...id('id'), isPrimary: true },
          id('customerId'),
          token('number', 32),
          { name: 'customerReference', type: 'varchar', length: '100', isNullable: true },
          token('orderDate', 10),
          token('expectedDeliveryDate', 10, true),
          token('status', 20),
          token('heldFromStatus', 20, true),
          id('subStatusId', true),
          id('quoteId', true),
          token('currency', 3),
          bigint('subtotalMinor'),
          bigint('discountMinor'),
          bigint('taxMinor'),
          bigint('totalMinor'),
          { name: 'timelineSequence', type: 'integer' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({
            name: 'uq_purchase_orders_number',
            columnNames: ['number'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'idx_purchase_orders_customer_date',
            columnNames: ['customerId', 'orderDate'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_lines',
        columns: [
          { ...id('id'), isPrimary: true },
          id('orderId'),
          { name: 'position', type: 'integer' },
          { name: 'description', type: 'varchar', length: '500' },
          bigint('quantityMilli'),
          bigint('shippedMilli'),
          bigint('deliveredMilli'),
          bigint('invoicedMilli'),
          bigint('unitPriceMinor'),
          { name: 'discountBasisPoints', type: 'integer' },
          { name: 'taxBasisPoints', type: 'integer' },
          bigint('discountMinor'),
          bigint('taxMinor'),
          bigint('totalMinor'),
        ],
        indices: [new TableIndex({ name: 'idx_order_lines_order_id', columnNames: ['orderId'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'shipments',
        columns: [
          { ...id('id'), isPrimary: true },
          id('orderId'),
          { name: 'sequence', type: 'integer' },
          { name: 'carrier', type: 'varchar', length: '100' },
          token('trackingNumber', 100, true),
          token('trackingUrl', 1000, true),
          token('shippedAt', 10),
          token('deliveredAt', 10, true),
          { name: 'createdAt', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'idx_shipments_order_id', columnNames: ['orderId'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'shipment_lines',
        columns: [
          { ...id('id'), isPrimary: true },
          id('shipmentId'),
          id('orderLineId'),
          bigint('quantityMilli'),
        ],
        indices: [
          new TableIndex({ name: 'idx_shipment_lines_shipment_id', columnNames: ['shipmentId'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_sub_statuses',
        columns: [
          { ...id('id'), isPrimary: true },
          token('status', 20),
          { name: 'label', type: 'varchar', length: '60' },
          token('colour', 7),
          { name: 'position', type: 'integer' },
          { name: 'archived', type: 'boolean' },
          { name: 'createdAt', type: 'datetime' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_order_sub_statuses_status',
            columnNames: ['status', 'position'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_timeline',
        columns: [
          { ...id('id'), isPrimary: true },
          id('orderId'),
          { name: 'sequence', type: 'integer' },
          { name: 'at', type: 'datetime' },
          token('kind', 32),
          token('actorKind', 16),
          id('actorContactId', true),
          id('staffUserId', true),
          token('status', 20),
          { name: 'details', type: 'text' },
        ],
        indices: [
          new TableIndex({
            name: 'uq_order_timeline_sequence',
            columnNames: ['orderId', 'sequence'],
            isUnique: true,
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'order_invoices',
        columns: [
          { ...id('invoiceId'), isPrimary: true },
          id('orderId'),
          token('number', 32, true),
          token('state', 8),
          { name: 'lines', type: 'text' },
          { name: 'updatedAt', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'idx_order_invoices_order_id', columnNames: ['orderId'] }),
        ],
      }),
    );
    for (const [table, columns] of Object.entries(EXACT_TOKENS)) {
      await useExactTokenCollation(queryRunner, table, columns);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.keys(EXACT_TOKENS).reverse()) await queryRunner.dropTable(table);
  }
}
