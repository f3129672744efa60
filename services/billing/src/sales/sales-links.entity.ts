import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/**
 * Billing's read model of sales' purchase orders, from `order.created` (and
 * `quote.converted`): just enough to check that an invoice linked to an order
 * by hand bills that order's customer.
 */
@Entity({ name: 'sales_orders' })
export class SalesOrder {
  /** The purchase order's id in sales. */
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_sales_orders_customer')
  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  /** The quote the order was converted from, if any. */
  @ExactTokenColumn({ length: 36, nullable: true })
  quoteId!: string | null;

  @ExactTokenColumn({ length: 32 })
  number!: string;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/** What became of an invoice sales asked for: issued, or failed (see `failureReason`). */
export type InvoiceRequestState = 'issued' | 'failed';

/**
 * Each invoice request carried by a `quote.converted` event, once: the
 * invoice it became, or why none was raised (staff raise it by hand then).
 * A request is never retried on its own: the event was applied.
 */
@Entity({ name: 'sales_invoice_requests' })
export class SalesInvoiceRequest {
  /** The `quote.converted` event's id. */
  @ExactTokenColumn({ length: 36, primary: true })
  eventId!: string;

  @Index('idx_sales_invoice_requests_quote')
  @ExactTokenColumn({ length: 36 })
  quoteId!: string;

  @ExactTokenColumn({ length: 36 })
  purchaseOrderId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @ExactTokenColumn({ length: 8 })
  state!: InvoiceRequestState;

  @ExactTokenColumn({ length: 36, nullable: true })
  invoiceId!: string | null;

  /** unknown-customer | customer-archived | invalid-request */
  @ExactTokenColumn({ length: 40, nullable: true })
  failureReason!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  failureMessage!: string | null;

  @Column({ type: 'datetime' })
  receivedAt!: Date;
}
