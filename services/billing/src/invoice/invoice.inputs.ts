import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Invoice } from './invoice.entity';
import { InvoiceStatus } from './invoice.status';

@InputType({ description: 'One line of a draft invoice. Amounts are decimal strings.' })
export class InvoiceLineInput {
  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'Up to 3 decimals, e.g. "1.5" hours.' })
  quantity!: string;

  @Field(() => String, { description: 'In the invoice currency, e.g. "120.00".' })
  unitPrice!: string;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "10".' })
  discountPercent?: string | null;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "21".' })
  taxPercent?: string | null;
}

@InputType()
export class CreateInvoiceInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { description: 'ISO 4217, e.g. "EUR".' })
  currency!: string;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  dueDate!: string;

  @Field(() => [InvoiceLineInput])
  lines!: InvoiceLineInput[];

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String, { nullable: true })
  terms?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Let the customer pay part of the balance.',
  })
  allowPartialPayment?: boolean | null;

  @Field(() => ID, {
    nullable: true,
    description:
      "The customer's purchase order (the business's sales order) this invoice bills; it must be an order of the same customer. The invoice then also records the order's quote.",
  })
  purchaseOrderId?: string | null;
}

@InputType({ description: 'Replaces what is given; lines, when given, replace all lines.' })
export class UpdateDraftInvoiceInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  dueDate?: string | null;

  @Field(() => [InvoiceLineInput], { nullable: true })
  lines?: InvoiceLineInput[] | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String, { nullable: true })
  terms?: string | null;

  @Field(() => Boolean, { nullable: true })
  allowPartialPayment?: boolean | null;
}

@InputType()
export class InvoiceIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class VoidInvoiceInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType()
export class InvoicePayload {
  @Field(() => Invoice)
  invoice!: Invoice;
}

@ObjectType()
export class InvoicePageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'A page of invoices, newest issue date first.' })
export class InvoicePage {
  @Field(() => [Invoice])
  nodes!: Invoice[];

  @Field(() => InvoicePageInfo)
  pageInfo!: InvoicePageInfo;
}

export { InvoiceStatus };
