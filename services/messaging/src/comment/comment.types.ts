import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import type { CommentKindValue } from './comment.entity';

export enum CommentKind {
  MESSAGE = 'message',
  INTERNAL_NOTE = 'internal_note',
  SYSTEM = 'system',
}
registerEnumType(CommentKind, {
  name: 'CommentKind',
  description:
    "MESSAGE: written by a contact or staff. INTERNAL_NOTE: staff's note, never shown to the customer's side. SYSTEM: an event of the record (invoice issued, payment received, quote accepted, …), with no author.",
});

/** A comment as the API shows it. */
@ObjectType({
  description:
    "One item of a thread's timeline. Its text is plain text: show it as text, never as markup.",
})
@Directive('@key(fields: "id")')
@RequireScopes('messages:read')
export class Comment {
  @Field(() => ID)
  id!: string;

  @Field(() => CommentKind)
  kind!: CommentKindValue;

  @Field(() => String, {
    nullable: true,
    description:
      'Plain text as written (trimmed; lines separated by \\n). Null once deleted. System items carry an English line; `systemType` names the event for clients that write their own.',
  })
  body!: string | null;

  @Field(() => Int, {
    description: "Its place in the thread's timeline: 1, 2, 3, … in the order items were added.",
  })
  position!: number;

  @Field(() => String, {
    description: 'Where this item is in its thread, for `after` / `before` in `Thread.comments`.',
  })
  cursor!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'For SYSTEM items: the event shown (invoice.issued, payment.succeeded, quote.sent, quote.accepted, quote.declined, quote.changes_requested, order.status_changed, order.shipment_added, order.shipment_delivered, document.shared, document.acknowledged).',
  })
  systemType!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its author last edited it.' })
  editedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When its author deleted it.' })
  deletedAt!: Date | null;

  threadId!: string;
  customerId!: string;
  authorId!: string | null;
  attachmentIds!: string[];
}

@ObjectType({ description: 'What a comment said before an edit or its deletion.' })
export class CommentRevision {
  @Field(() => Int, { description: '1 for the text as first posted, then one more per edit.' })
  revision!: number;

  @Field(() => String)
  body!: string;

  @Field(() => Date, { description: 'When this text was replaced (edited) or removed (deleted).' })
  replacedAt!: Date;

  @Field(() => String, { description: 'edited or deleted.' })
  change!: string;
}
