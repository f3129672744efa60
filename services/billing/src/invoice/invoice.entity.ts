import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';

/**
 * An invoice. `paidMinor` and `creditedMinor` are kept equal to the sums of
 * its payment allocations and credit applications, in the same transaction
 * that writes those rows. Statuses other than draft/sent/void are derived.
 */
@ObjectType({ description: 'An invoice sent to a customer. Drafts are visible to staff only.' })
@Directive('@key(fields: "id")')
// Partner data of invoices:read, however reached (the rule follows the type).
@RequireScopes('invoices:read')
@Entity({ name: 'invoices' })
@Index('idx_invoices_customer_issue', ['customerId', 'issueDate'])
export class Invoice {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  /** Assigned when issued (INV-YYYY-NNNNN); null for drafts. */
  @Field(() => String, { nullable: true, description: 'INV-YYYY-NNNNN; null while a draft.' })
  @Index('uq_invoices_number', { unique: true })
  @ExactTokenColumn({ length: 32, nullable: true })
  number!: string | null;

  /** draft | sent | void */
  @ExactTokenColumn({ length: 8 })
  state!: 'draft' | 'sent' | 'void';

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null while a draft.' })
  @ExactTokenColumn({ length: 10, nullable: true })
  issueDate!: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  dueDate!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Field(() => String, { nullable: true, description: 'Payment terms as printed.' })
  @Column({ type: 'text', nullable: true })
  terms!: string | null;

  @Field(() => Boolean, { description: 'Whether the customer may pay less than the balance due.' })
  @BooleanColumn()
  allowPartialPayment!: boolean;

  @MinorUnitsColumn()
  subtotalMinor!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  @MinorUnitsColumn()
  totalMinor!: number;

  @MinorUnitsColumn()
  paidMinor!: number;

  @MinorUnitsColumn()
  creditedMinor!: number;

  /** Reserved by online payments whose charge is still pending; not payable meanwhile. */
  @MinorUnitsColumn({ default: 0 })
  pendingMinor!: number;

  @Column({ type: 'datetime', nullable: true })
  firstViewedAt!: Date | null;

  @ExactTokenColumn({ length: 36, nullable: true })
  firstViewedBy!: string | null;

  @Column({ type: 'datetime', nullable: true })
  voidedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  voidReason!: string | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  /** The issuing business as printed when issued (JSON, see PartyValue); null while a draft. */
  @ExactTokenColumn({ type: 'text', nullable: true })
  issuerParty!: string | null;

  /** The customer as printed when issued (JSON, see PartyValue); null while a draft. */
  @ExactTokenColumn({ type: 'text', nullable: true })
  recipientParty!: string | null;

  /** Sales' quote this invoice was raised from (converted quote), if any. */
  @Index('idx_invoices_quote')
  @ExactTokenColumn({ length: 36, nullable: true })
  quoteId!: string | null;

  /** Sales' purchase order this invoice bills, if any. */
  @Index('idx_invoices_purchase_order')
  @ExactTokenColumn({ length: 36, nullable: true })
  purchaseOrderId!: string | null;
}

/**
 * One line. Quantity in thousandths (1.5 hours = 1500); discount and tax as
 * basis points (12.5 % = 1250). Amounts are computed per line, rounded half-up.
 */
@ObjectType({ description: 'A line of an invoice, with its own rounded amounts.' })
@Entity({ name: 'invoice_lines' })
export class InvoiceLine {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_invoice_lines_invoice_id')
  @ExactTokenColumn({ length: 36 })
  invoiceId!: string;

  @Field(() => Int, { description: '1-based order on the invoice.' })
  @Column({ type: 'integer' })
  position!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 500 })
  description!: string;

  @MinorUnitsColumn()
  quantityMilli!: number;

  @MinorUnitsColumn()
  unitPriceMinor!: number;

  @Column({ type: 'integer' })
  discountBasisPoints!: number;

  @Column({ type: 'integer' })
  taxBasisPoints!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  /** quantity × unit price − discount + tax */
  @MinorUnitsColumn()
  totalMinor!: number;

  /** The purchase order line (sales) this line bills, so sales can count invoiced quantities. */
  @ExactTokenColumn({ length: 36, nullable: true })
  orderLineId!: string | null;
}
