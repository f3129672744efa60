import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  notFoundError,
  RequireScopes,
  requireStaffUserId,
  SignedIn,
  StaffOnly,
} from '@portico/kit';
import { CommentPage } from '../comment/comment.inputs';
import { checkWindow } from '../comment/comment.reads';
import { commentPageKey, type MessagingContext } from '../context';
import {
  Customer,
  Document,
  Invoice,
  PurchaseOrder,
  Quote,
  StaffUser,
} from '../federation/foreign.types';
import type { ThreadPageResult } from './thread.reads';
import {
  AssignThreadInput,
  MarkThreadReadInput,
  MarkThreadReadPayload,
  ThreadPage,
  ThreadPayload,
} from './thread.inputs';
import { Thread } from './thread.types';

/** A page of threads, primed into the per-request loader. */
export function threadPage(ctx: MessagingContext, page: ThreadPageResult): ThreadPage {
  for (const node of page.nodes) ctx.loaders.thread.prime(node.id, node);
  return {
    nodes: page.nodes,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

export async function requireThread(ctx: MessagingContext, id: string): Promise<Thread> {
  const thread = await ctx.loaders.thread.load(id);
  if (!thread) throw notFoundError('Thread');
  return thread;
}

const PAGE = { defaultValue: 20, description: '1 to 100.' } as const;

@Resolver(() => Thread)
export class ThreadResolver {
  @Query(() => Thread, {
    description: 'One thread. Anything outside your scope, existing or not, is NOT_FOUND.',
  })
  @SignedIn()
  @RequireScopes('messages:read')
  thread(@Arg('id', () => ID) id: string, @Ctx() ctx: MessagingContext): Promise<Thread> {
    return requireThread(ctx, id);
  }

  @Query(() => Int, {
    name: 'unreadCount',
    description:
      'How many items you have not read, over all your threads (not your own, not deleted; internal notes only for staff). Always 0 for partner clients, who keep no read state.',
  })
  @SignedIn()
  @RequireScopes('messages:read')
  totalUnreadCount(@Ctx() ctx: MessagingContext): Promise<number> {
    return ctx.services.readStates.totalUnread(ctx.principal);
  }

  @Query(() => ThreadPage, {
    description:
      "Staff: threads waiting for the business's reply (the last message is the customer's), the longest waiting first.",
  })
  @StaffOnly()
  async inbox(
    @Ctx() ctx: MessagingContext,
    @Arg('first', () => Int, PAGE) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('assignedTo', () => ID, {
      nullable: true,
      description: 'Only threads assigned to this staff user.',
    })
    assignedTo: string | null,
    @Arg('unassigned', () => Boolean, {
      defaultValue: false,
      description: 'Only threads nobody is assigned to (ignored with assignedTo).',
    })
    unassigned: boolean,
  ): Promise<ThreadPage> {
    return threadPage(
      ctx,
      await ctx.services.threadReads.inbox(ctx.principal, { first, after, assignedTo, unassigned }),
    );
  }

  @Mutation(() => MarkThreadReadPayload, {
    description:
      'Marks a thread read up to a comment, for you (contacts and staff). Your read position never moves backwards.',
  })
  @SignedIn()
  async markThreadRead(
    @Arg('input', () => MarkThreadReadInput) input: MarkThreadReadInput,
    @Ctx() ctx: MessagingContext,
  ): Promise<MarkThreadReadPayload> {
    const thread = await requireThread(ctx, input.threadId);
    const { upToPosition } = await ctx.services.readStates.markRead(
      ctx.principal,
      thread,
      input.upToCommentId,
    );
    ctx.loaders.unreadCount.clear(thread.id);
    return { thread, readUpToPosition: upToPosition };
  }

  @Mutation(() => ThreadPayload, {
    description: 'Staff: who answers a thread (staffUserId null: nobody).',
  })
  @StaffOnly()
  async assignThread(
    @Arg('input', () => AssignThreadInput) input: AssignThreadInput,
    @Ctx() ctx: MessagingContext,
  ): Promise<ThreadPayload> {
    requireStaffUserId(ctx);
    const target = await ctx.services.threads.assign(
      ctx.principal,
      input.threadId,
      input.staffUserId,
    );
    ctx.loaders.thread.clear(target.id);
    return { thread: await requireThread(ctx, target.id) };
  }

  @FieldResolver(() => Customer)
  customer(@Root() thread: Thread): Customer {
    return { id: thread.customerId };
  }

  @FieldResolver(() => Invoice, { nullable: true, description: 'The invoice it is about.' })
  invoice(@Root() thread: Thread): Invoice | null {
    return thread.subjectKind === 'invoice' && thread.subjectId ? { id: thread.subjectId } : null;
  }

  @FieldResolver(() => Quote, { nullable: true, description: 'The quote it is about.' })
  quote(@Root() thread: Thread): Quote | null {
    return thread.subjectKind === 'quote' && thread.subjectId ? { id: thread.subjectId } : null;
  }

  @FieldResolver(() => PurchaseOrder, {
    nullable: true,
    description: 'The purchase order it is about.',
  })
  purchaseOrder(@Root() thread: Thread): PurchaseOrder | null {
    return thread.subjectKind === 'purchase_order' && thread.subjectId
      ? { id: thread.subjectId }
      : null;
  }

  @FieldResolver(() => Document, { nullable: true, description: 'The document it is about.' })
  document(@Root() thread: Thread): Document | null {
    return thread.subjectKind === 'document' && thread.subjectId ? { id: thread.subjectId } : null;
  }

  @FieldResolver(() => CommentPage, {
    description:
      'The timeline, oldest first: `first`/`after` reads forward, `last`/`before` backward; with neither, the latest 20 items. Internal notes for staff only.',
  })
  async comments(
    @Root() thread: Thread,
    @Ctx() ctx: MessagingContext,
    @Arg('first', () => Int, { nullable: true, description: '1 to 100.' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('last', () => Int, { nullable: true, description: '1 to 100.' }) last: number | null,
    @Arg('before', () => String, { nullable: true }) before: string | null,
  ): Promise<CommentPage> {
    // Refused here, not inside the batch: one bad window must not fail its neighbours'.
    checkWindow({ first, after, last, before });
    if (thread.lastPosition === 0) {
      return {
        nodes: [],
        pageInfo: {
          startCursor: null,
          endCursor: null,
          hasNextPage: false,
          hasPreviousPage: false,
        },
      };
    }
    const page = await ctx.loaders.commentPage.load(
      commentPageKey(thread.id, { first, after, last, before }),
    );
    for (const node of page.nodes) ctx.loaders.comment.prime(node.id, node);
    const { nodes, ...pageInfo } = page;
    return { nodes, pageInfo };
  }

  @FieldResolver(() => Int, {
    description:
      'Items you have not read (not your own, not deleted). Always 0 for partner clients.',
  })
  unreadCount(@Root() thread: Thread, @Ctx() ctx: MessagingContext): Promise<number> {
    return ctx.loaders.unreadCount.load(thread.id);
  }

  @FieldResolver(() => Int, {
    description: 'Your read position: every item up to it counts as read (0: nothing read).',
  })
  readUpToPosition(@Root() thread: Thread, @Ctx() ctx: MessagingContext): Promise<number> {
    return ctx.loaders.readPosition.load(thread.id);
  }

  @FieldResolver(() => Int, { description: 'How many items you can see in the timeline.' })
  commentCount(@Root() thread: Thread, @Ctx() ctx: MessagingContext): Promise<number> {
    return ctx.loaders.commentCount.load(thread.id);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: "Staff: since when the customer has been waiting for the business's reply.",
  })
  @StaffOnly()
  waitingSince(@Root() thread: Thread): Date | null {
    return thread.waitingSince;
  }

  @FieldResolver(() => StaffUser, { nullable: true, description: 'Staff: who answers it.' })
  @StaffOnly()
  assignee(@Root() thread: Thread): StaffUser | null {
    return thread.assigneeStaffUserId ? { id: thread.assigneeStaffUserId } : null;
  }
}
