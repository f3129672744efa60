import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';

/** Credit given to a customer, applied to invoices until used up. */
@ObjectType({ description: 'Credit given to a customer, applied to invoices until used up.' })
@Directive('@key(fields: "id")')
// Partner data of invoices:read, however reached (the rule follows the type).
@RequireScopes('invoices:read')
@Entity({ name: 'credit_notes' })
@Index('idx_credit_notes_customer_issue', ['customerId', 'issueDate'])
export class CreditNote {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => String, { description: 'CN-YYYY-NNNNN.' })
  @Index('uq_credit_notes_number', { unique: true })
  @ExactTokenColumn({ length: 32 })
  number!: string;

  @Field(() => String)
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  issueDate!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @MinorUnitsColumn()
  subtotalMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  @MinorUnitsColumn()
  totalMinor!: number;

  /** Kept equal to the sum of its applications. */
  @MinorUnitsColumn()
  appliedMinor!: number;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  /** The issuing business as printed when issued (JSON, see PartyValue); null for notes issued before parties were recorded. */
  @ExactTokenColumn({ type: 'text', nullable: true })
  issuerParty!: string | null;

  /** The customer as printed when issued (JSON, see PartyValue); null for notes issued before parties were recorded. */
  @ExactTokenColumn({ type: 'text', nullable: true })
  recipientParty!: string | null;
}

@ObjectType({ description: 'A line of a credit note.' })
@Entity({ name: 'credit_note_lines' })
export class CreditNoteLine {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_credit_note_lines_credit_note_id')
  @ExactTokenColumn({ length: 36 })
  creditNoteId!: string;

  @Field(() => Int)
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
  taxBasisPoints!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  @MinorUnitsColumn()
  totalMinor!: number;
}

@ObjectType({ description: 'Credit from a credit note applied to an invoice.' })
// Partner data of invoices:read, however reached (the rule follows the type).
@RequireScopes('invoices:read')
@Entity({ name: 'credit_applications' })
export class CreditApplication {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_credit_applications_credit_note_id')
  @ExactTokenColumn({ length: 36 })
  creditNoteId!: string;

  @Index('idx_credit_applications_invoice_id')
  @ExactTokenColumn({ length: 36 })
  invoiceId!: string;

  @MinorUnitsColumn()
  amountMinor!: number;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  @ExactTokenColumn({ length: 10 })
  appliedOn!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}
