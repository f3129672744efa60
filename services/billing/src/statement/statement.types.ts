import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '@portico/commerce';

export enum StatementEntryKindEnum {
  INVOICE = 'invoice',
  PAYMENT = 'payment',
  CREDIT_NOTE = 'credit_note',
  REFUND = 'refund',
}
registerEnumType(StatementEntryKindEnum, { name: 'StatementEntryKind' });

export enum StatementFormat {
  PDF = 'pdf',
  CSV = 'csv',
}
registerEnumType(StatementFormat, { name: 'StatementFormat' });

@ObjectType({ description: 'One document on a statement, with the balance after it.' })
export class StatementEntry {
  @Field(() => String, { description: 'YYYY-MM-DD.' })
  date!: string;

  @Field(() => StatementEntryKindEnum)
  kind!: StatementEntryKindEnum;

  @Field(() => String, { description: 'Invoice or credit note number, payment reference.' })
  reference!: string;

  @Field(() => String)
  documentId!: string;

  @Field(() => Money, {
    description: 'Positive raises the balance (invoice, refund); negative lowers it.',
  })
  amount!: Money;

  @Field(() => Money)
  balance!: Money;
}

@ObjectType({ description: 'What was still open at the end date, by days past due.' })
export class AgingBuckets {
  @Field(() => Money, { description: 'Not yet due.' })
  current!: Money;

  @Field(() => Money)
  days1to30!: Money;

  @Field(() => Money)
  days31to60!: Money;

  @Field(() => Money)
  days61to90!: Money;

  @Field(() => Money)
  over90!: Money;
}

@ObjectType({
  description:
    'Statement of account for one currency: closing balance = opening balance + invoiced − paid − credited + refunded.',
})
export class Statement {
  @Field(() => String)
  currency!: string;

  @Field(() => String)
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => Money)
  openingBalance!: Money;

  @Field(() => [StatementEntry])
  entries!: StatementEntry[];

  @Field(() => Money)
  closingBalance!: Money;

  @Field(() => Money)
  invoiced!: Money;

  @Field(() => Money)
  paid!: Money;

  @Field(() => Money)
  credited!: Money;

  @Field(() => Money)
  refunded!: Money;

  @Field(() => AgingBuckets)
  aging!: AgingBuckets;
}

@ObjectType({ description: "A customer's position in one currency." })
export class CurrencyBalance {
  @Field(() => String)
  currency!: string;

  @Field(() => Money, { description: 'Balance due on open invoices.' })
  outstanding!: Money;

  @Field(() => Money, { description: 'Part of outstanding past its due date.' })
  overdue!: Money;

  @Field(() => Money, { description: 'Credit notes not yet applied.' })
  unusedCredits!: Money;

  @Field(() => Money, { description: 'Payments received but not allocated to an invoice.' })
  unappliedPayments!: Money;
}
