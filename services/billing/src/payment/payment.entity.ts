import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';

export type PaymentMethod = 'card' | 'bank_transfer' | 'cash' | 'check' | 'other';
export type PaymentState = 'pending' | 'succeeded' | 'failed';

/** Money received from a customer, allocated to one or more invoices. */
@ObjectType({ description: 'A payment received from a customer and how it was allocated.' })
@Directive('@key(fields: "id")')
// Partner data of payments:read, however reached (the rule follows the type).
@RequireScopes('payments:read')
@Entity({ name: 'payments' })
@Index('idx_payments_customer_received', ['customerId', 'receivedOn'])
@Index('uq_payments_customer_idempotency', ['customerId', 'idempotencyKey'], { unique: true })
export class Payment {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => String)
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @MinorUnitsColumn()
  amountMinor!: number;

  @ExactTokenColumn({ length: 16 })
  method!: PaymentMethod;

  @ExactTokenColumn({ length: 12 })
  state!: PaymentState;

  /** The payer's or bank's reference (transfer reference, check number, provider id). */
  @Field(() => String, {
    nullable: true,
    description: 'Transfer reference, check number or provider reference.',
  })
  @ExactTokenColumn({ length: 200, nullable: true })
  reference!: string | null;

  /** YYYY-MM-DD the money arrived. */
  @Field(() => String, { description: 'YYYY-MM-DD the money arrived.' })
  @ExactTokenColumn({ length: 10 })
  receivedOn!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  recordedBy!: string | null;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** sandbox | stripe for online payments; null when recorded by staff. */
  @ExactTokenColumn({ length: 16, nullable: true })
  provider!: string | null;

  @ExactTokenColumn({ length: 100, nullable: true })
  providerPaymentId!: string | null;

  @Field(() => String, { nullable: true, description: 'Why a payment failed, e.g. card_declined.' })
  @ExactTokenColumn({ length: 40, nullable: true })
  failureCode!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  failureMessage!: string | null;

  @ExactTokenColumn({ length: 100, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the request that first used the idempotency key. */
  @ExactTokenColumn({ length: 64, nullable: true })
  requestHash!: string | null;

  /** Who paid online: "contact:<id>" or "partner:<id>". */
  @ExactTokenColumn({ length: 80, nullable: true })
  paidBy!: string | null;
}

/**
 * Part of a payment applied to an invoice. A refund adds negative
 * allocations, so an invoice's paid amount is always the plain sum.
 */
@ObjectType({
  description: 'Part of a payment applied to an invoice; negative when a refund reversed it.',
})
// Partner data of payments:read, however reached (the rule follows the type).
@RequireScopes('payments:read')
@Entity({ name: 'payment_allocations' })
export class PaymentAllocation {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_payment_allocations_payment_id')
  @ExactTokenColumn({ length: 36 })
  paymentId!: string;

  @Index('idx_payment_allocations_invoice_id')
  @ExactTokenColumn({ length: 36 })
  invoiceId!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  refundId!: string | null;

  @MinorUnitsColumn()
  amountMinor!: number;

  /** YYYY-MM-DD, for statements as of a date. */
  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  effectiveOn!: string;
}

@ObjectType({ description: 'Money returned to the customer from a payment.' })
// Partner data of payments:read, however reached (the rule follows the type).
@RequireScopes('payments:read')
@Entity({ name: 'refunds' })
export class Refund {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_refunds_payment_id')
  @ExactTokenColumn({ length: 36 })
  paymentId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @MinorUnitsColumn()
  amountMinor!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  refundedOn!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  recordedBy!: string | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
