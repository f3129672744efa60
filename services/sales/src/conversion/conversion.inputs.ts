import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { PurchaseOrder } from '../order/order.entity';
import { Quote } from '../quote/quote.entity';

@InputType({ description: 'Staff: turn an accepted quote into a purchase order (and an invoice).' })
export class ConvertQuoteInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Also raise and issue an invoice for the order in billing.',
  })
  createInvoice!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The invoice's due date, YYYY-MM-DD, today or later (with createInvoice).",
  })
  invoiceDueDate?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD.' })
  expectedDeliveryDate?: string | null;
}

@ObjectType()
export class ConvertQuotePayload {
  @Field(() => Quote)
  quote!: Quote;

  @Field(() => PurchaseOrder, {
    description: "The purchase order (a sales order on the business's side) it became.",
  })
  purchaseOrder!: PurchaseOrder;

  @Field(() => Boolean, {
    description:
      'Whether billing was asked for an invoice: it appears on the order and the quote within moments.',
  })
  invoiceRequested!: boolean;
}
