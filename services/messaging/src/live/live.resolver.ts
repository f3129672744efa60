import { Arg, Ctx, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import {
  canSeeCustomer,
  encodeLiveCursor,
  liveSubscribe,
  RequireScopes,
  SignedIn,
  skipLiveEvent,
  type EventEnvelope,
  type Principal,
} from '@portico/kit';
import { loadCommentInScope, loadThreadInScope, unreadForViewer } from '../comment/comment.live';
import { personIdOf } from '../comment/comment.rules';
import { Comment } from '../comment/comment.types';
import type { MessagingContext } from '../context';
import type {
  CommentChangedPayload,
  CommentPostedPayload,
  EventAuthor,
  ThreadReadPayload,
} from '../events/messaging-events';
import { requireThread } from '../thread/thread.resolver';
import { Thread } from '../thread/thread.types';

const CURSOR_DESCRIPTION =
  'Where this event stands in the stream: subscribe again with it as `after` to receive exactly what came next, nothing missed and nothing twice.';
const AFTER_DESCRIPTION = 'The cursor of the last event you received.';

@ObjectType({ description: 'A comment added to a thread you follow.' })
export class CommentEvent {
  @Field(() => String, { description: CURSOR_DESCRIPTION })
  cursor!: string;

  @Field(() => Comment, {
    description:
      'The comment as it is when the event is delivered (a replayed one may since have been edited or deleted).',
  })
  comment!: Comment;
}

@ObjectType({
  description: 'Something happened in one of your threads; with your unread counts after it.',
})
export class ThreadActivity {
  @Field(() => String, { description: CURSOR_DESCRIPTION })
  cursor!: string;

  @Field(() => String, {
    description:
      'What happened: comment.posted, comment.edited, comment.deleted, thread.read (you read it, on any device) or thread.assigned (staff only).',
  })
  change!: string;

  @Field(() => Thread)
  thread!: Thread;

  @Field(() => Comment, {
    nullable: true,
    description: 'The comment posted, edited or deleted; null for thread.read and thread.assigned.',
  })
  comment!: Comment | null;

  @Field(() => Int, { description: 'Your unread items in this thread, now.' })
  unreadCount!: number;

  @Field(() => Int, { description: 'Your unread items over all your threads, now.' })
  totalUnread!: number;
}

type ThreadEventPayload = Partial<CommentPostedPayload & CommentChangedPayload & ThreadReadPayload>;

const COMMENT_CHANGES = new Set(['comment.posted', 'comment.edited', 'comment.deleted']);

function isStaff(principal: Principal): boolean {
  return principal.kind === 'staff';
}

function sameReader(principal: Principal, reader: EventAuthor | undefined): boolean {
  if (!reader) return false;
  const id = personIdOf(principal);
  return (
    id !== null &&
    id ===
      (reader.kind === 'contact' ? `contact:${reader.contactId}` : `staff:${reader.staffUserId}`)
  );
}

/**
 * The first cut on an envelope, before anything is loaded: the thread's
 * customer in the principal's scope, internal notes for staff only, another
 * person's reading never shown (only one's own, from another device), and
 * assignment for staff only. Whatever passes is then read through the
 * principal's scope again when it is resolved.
 */
function acceptsThreadEvent(principal: Principal, event: EventEnvelope): boolean {
  if (event.customerId === null || !canSeeCustomer(principal, event.customerId)) return false;
  const payload = event.payload as ThreadEventPayload;
  if (COMMENT_CHANGES.has(event.type))
    return payload.kind !== 'internal_note' || isStaff(principal);
  if (event.type === 'thread.read') return sameReader(principal, payload.reader);
  if (event.type === 'thread.assigned') return isStaff(principal);
  return false;
}

interface CommentAddedArgs {
  threadId: string;
  after?: string | null;
}

interface ThreadActivityArgs {
  threadId?: string | null;
  after?: string | null;
}

@Resolver()
export class MessagingLiveResolver {
  @Subscription(() => CommentEvent, {
    description:
      "Comments added to one thread, as they are posted: messages, system items and, for staff, internal notes. With `after` (an event's cursor) it first delivers what followed it, then live ones. A thread outside your scope is NOT_FOUND and nothing is subscribed. Edits, deletions and reads come with `threadActivity`.",
    subscribe: liveSubscribe<MessagingContext, CommentAddedArgs>(async ({ args, context }) => {
      // Refused when it is made: a thread the principal cannot see, existing or not.
      const thread = await requireThread(context, args.threadId);
      return {
        feed: context.services.live,
        after: args.after,
        match: (event) =>
          event.type === 'comment.posted' &&
          event.aggregateId === thread.id &&
          acceptsThreadEvent(context.principal, event),
      };
    }),
  })
  @SignedIn()
  @RequireScopes('messages:read')
  async commentAdded(
    @Root() event: EventEnvelope,
    @Ctx() ctx: MessagingContext,
    @Arg('threadId', () => ID) _threadId: string,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION })
    _after: string | null,
  ): Promise<CommentEvent> {
    const { commentId } = event.payload as CommentPostedPayload;
    const comment = await loadCommentInScope(
      ctx.services,
      ctx.principal,
      commentId,
      event.position,
    );
    if (!comment) return skipLiveEvent();
    ctx.loaders.comment.prime(comment.id, comment);
    return { cursor: encodeLiveCursor(event.position), comment };
  }

  @Subscription(() => ThreadActivity, {
    description:
      "Activity on any of your threads (with `threadId`, on that one only): comments posted, edited and deleted, your own reading from another device, and for staff assignments; each with your unread counts after it, for badges. Contacts follow their customer's threads, staff every thread. With `after` (an event's cursor) it first delivers what followed it, then live ones.",
    subscribe: liveSubscribe<MessagingContext, ThreadActivityArgs>(async ({ args, context }) => {
      const threadId = args.threadId ? (await requireThread(context, args.threadId)).id : null;
      return {
        feed: context.services.live,
        after: args.after,
        match: (event) =>
          event.aggregateType === 'thread' &&
          (threadId === null || event.aggregateId === threadId) &&
          acceptsThreadEvent(context.principal, event),
      };
    }),
  })
  @SignedIn()
  @RequireScopes('messages:read')
  async threadActivity(
    @Root() event: EventEnvelope,
    @Ctx() ctx: MessagingContext,
    @Arg('threadId', () => ID, { nullable: true }) _threadId: string | null,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION })
    _after: string | null,
  ): Promise<ThreadActivity> {
    const thread = await loadThreadInScope(
      ctx.services,
      ctx.principal,
      event.aggregateId,
      event.position,
    );
    if (!thread) return skipLiveEvent();
    ctx.loaders.thread.prime(thread.id, thread);
    let comment: Comment | null = null;
    if (COMMENT_CHANGES.has(event.type)) {
      const { commentId } = event.payload as CommentChangedPayload;
      comment = await loadCommentInScope(ctx.services, ctx.principal, commentId, event.position);
      if (!comment) return skipLiveEvent();
      ctx.loaders.comment.prime(comment.id, comment);
    }
    const { unreadCount, totalUnread } = await unreadForViewer(
      ctx.services,
      ctx.principal,
      thread.id,
      event.position,
    );
    return {
      cursor: encodeLiveCursor(event.position),
      change: event.type,
      thread,
      comment,
      unreadCount,
      totalUnread,
    };
  }
}
