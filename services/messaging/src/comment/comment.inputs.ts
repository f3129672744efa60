import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Comment } from './comment.types';

export enum PostedCommentKind {
  MESSAGE = 'message',
  INTERNAL_NOTE = 'internal_note',
}
registerEnumType(PostedCommentKind, {
  name: 'PostedCommentKind',
  description: 'What can be posted: a MESSAGE, or (staff only) an INTERNAL_NOTE.',
});

@ObjectType({ description: 'Where a window of a timeline starts and ends.' })
export class CommentPageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `before` for earlier items.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for later items.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: "A window of a thread's timeline, oldest first." })
export class CommentPage {
  @Field(() => [Comment])
  nodes!: Comment[];

  @Field(() => CommentPageInfo)
  pageInfo!: CommentPageInfo;
}

@InputType()
export class PostCommentInput {
  @Field(() => ID, {
    description:
      'The thread (from `Customer.conversation`, `Invoice.thread`, …): written on first use.',
  })
  threadId!: string;

  @Field(() => String, {
    description:
      'Plain text, trimmed; at most MESSAGING_MAX_COMMENT_CHARS characters (10,000 by default); no control characters but newlines and tabs. Never interpreted as markup.',
  })
  body!: string;

  @Field(() => PostedCommentKind, { defaultValue: PostedCommentKind.MESSAGE })
  kind!: PostedCommentKind;

  @Field(() => [ID], {
    nullable: true,
    description: "Up to 10 documents to attach: the thread's customer's documents shared with it.",
  })
  attachmentIds!: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Your own id for this post (1 to 100 visible ASCII characters), so a retry never posts twice: the same id with the same content answers the comment first posted; with other content it is refused (BAD_USER_INPUT, reason idempotency-key-reused).',
  })
  clientMutationId!: string | null;
}

@InputType()
export class EditCommentInput {
  @Field(() => ID)
  commentId!: string;

  @Field(() => String, { description: 'The new text, under the same rules as when posting.' })
  body!: string;
}

@InputType()
export class DeleteCommentInput {
  @Field(() => ID)
  commentId!: string;
}

@ObjectType()
export class CommentPayload {
  @Field(() => Comment)
  comment!: Comment;
}
