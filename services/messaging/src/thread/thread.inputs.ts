import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Thread } from './thread.types';

@ObjectType({ description: 'Where a page of threads ends.' })
export class ThreadPageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'A page of threads.' })
export class ThreadPage {
  @Field(() => [Thread])
  nodes!: Thread[];

  @Field(() => ThreadPageInfo)
  pageInfo!: ThreadPageInfo;
}

@InputType()
export class MarkThreadReadInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => ID, {
    description:
      'The last comment read (one you can see in this thread): it and everything before it count as read.',
  })
  upToCommentId!: string;
}

@InputType()
export class AssignThreadInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => ID, { nullable: true, description: 'The staff user who answers it; null: nobody.' })
  staffUserId!: string | null;
}

@ObjectType()
export class ThreadPayload {
  @Field(() => Thread)
  thread!: Thread;
}

@ObjectType()
export class MarkThreadReadPayload {
  @Field(() => Thread)
  thread!: Thread;

  @Field(() => Int, {
    description: 'Your read position now: every item up to this position counts as read.',
  })
  readUpToPosition!: number;
}
