import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import type { SubjectKind } from './thread-id';

export enum ThreadSubjectKind {
  GENERAL = 'general',
  INVOICE = 'invoice',
  QUOTE = 'quote',
  PURCHASE_ORDER = 'purchase_order',
  DOCUMENT = 'document',
}
registerEnumType(ThreadSubjectKind, {
  name: 'ThreadSubjectKind',
  description:
    "What a thread is about: the customer's general conversation with the business, or one invoice, quote, purchase order or document.",
});

/**
 * A thread as the API shows it, whether or not its row exists yet (a thread
 * is written on first use). Fields not exposed directly are read by the
 * thread's field resolvers.
 */
@ObjectType({
  description:
    "A conversation between one customer and the business: the customer's general conversation, or the one about an invoice, quote, purchase order or document. Its timeline holds messages, staff's internal notes (staff only) and system items from the records' events.",
})
@Directive('@key(fields: "id")')
@RequireScopes('messages:read')
export class Thread {
  @Field(() => ID, {
    description:
      'The same for one subject every time (`general:<customerId>`, `invoice:<invoiceId>`, …), so a thread can be named before anything was written in it. Treat it as opaque.',
  })
  id!: string;

  @Field(() => ThreadSubjectKind)
  subjectKind!: SubjectKind;

  @Field(() => ID, {
    nullable: true,
    description: "The record's id; null for the general conversation.",
  })
  subjectId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "How the record is named: the invoice's, quote's or order's number, the document's title.",
  })
  subjectLabel!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When something was last added that you can see; null while the thread is empty.',
  })
  lastActivityAt!: Date | null;

  customerId!: string;
  /** 0 while the thread has no row. */
  lastPosition!: number;
  waitingSince!: Date | null;
  assigneeStaffUserId!: string | null;
}
