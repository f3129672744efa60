import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { notFoundError, SignedIn, StaffOnly } from '@portico/kit';
import type { MessagingContext } from '../context';
import { Author, Document } from '../federation/foreign.types';
import { Thread } from '../thread/thread.types';
import {
  CommentPayload,
  DeleteCommentInput,
  EditCommentInput,
  PostCommentInput,
} from './comment.inputs';
import { personIdOf } from './comment.rules';
import { Comment, CommentRevision } from './comment.types';

@Resolver(() => Comment)
export class CommentResolver {
  @Mutation(() => CommentPayload, {
    description:
      'Posts a message (contacts and staff) or an internal note (staff) into a thread you can see; the thread is written on first use. With clientMutationId a retry answers the first post instead of posting twice.',
  })
  @SignedIn()
  async postComment(
    @Arg('input', () => PostCommentInput) input: PostCommentInput,
    @Ctx() ctx: MessagingContext,
  ): Promise<CommentPayload> {
    const comment = await ctx.services.comments.post(ctx.principal, {
      threadId: input.threadId,
      body: input.body,
      kind: input.kind,
      attachmentIds: input.attachmentIds,
      clientMutationId: input.clientMutationId,
    });
    ctx.loaders.thread.clear(comment.threadId);
    return { comment };
  }

  @Mutation(() => CommentPayload, {
    description:
      'Its author changes a message or note, within MESSAGING_EDIT_WINDOW_SECONDS of posting (15 minutes by default); staff keep seeing the earlier text.',
  })
  @SignedIn()
  async editComment(
    @Arg('input', () => EditCommentInput) input: EditCommentInput,
    @Ctx() ctx: MessagingContext,
  ): Promise<CommentPayload> {
    return {
      comment: await ctx.services.comments.edit(ctx.principal, input.commentId, input.body),
    };
  }

  @Mutation(() => CommentPayload, {
    description:
      'Its author deletes a message or note within the edit window: it stays in the timeline without its text; staff keep seeing what it said.',
  })
  @SignedIn()
  async deleteComment(
    @Arg('input', () => DeleteCommentInput) input: DeleteCommentInput,
    @Ctx() ctx: MessagingContext,
  ): Promise<CommentPayload> {
    return { comment: await ctx.services.comments.delete(ctx.principal, input.commentId) };
  }

  @FieldResolver(() => Thread)
  async thread(@Root() comment: Comment, @Ctx() ctx: MessagingContext): Promise<Thread> {
    const thread = await ctx.loaders.thread.load(comment.threadId);
    if (!thread) throw notFoundError('Thread');
    return thread;
  }

  @FieldResolver(() => Author, {
    nullable: true,
    description: 'Who wrote it (name only); null for SYSTEM items.',
  })
  author(@Root() comment: Comment): Author | null {
    return comment.authorId ? { id: comment.authorId } : null;
  }

  @FieldResolver(() => [Document], {
    nullable: 'items',
    description:
      "The documents attached. One the customer can no longer see (expired, say) is null for the customer's side.",
  })
  attachments(@Root() comment: Comment): Array<Document | null> {
    return comment.deletedAt ? [] : comment.attachmentIds.map((id) => ({ id }));
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'Until when you can still edit or delete it; null unless you wrote it.',
  })
  editableUntil(@Root() comment: Comment, @Ctx() ctx: MessagingContext): Date | null {
    if (comment.deletedAt || !comment.authorId || comment.authorId !== personIdOf(ctx.principal)) {
      return null;
    }
    return new Date(comment.createdAt.getTime() + ctx.services.limits.editWindowSeconds * 1000);
  }

  @FieldResolver(() => [CommentRevision], {
    description: 'Staff: what it said before each edit and before its deletion, oldest first.',
  })
  @StaffOnly()
  revisions(@Root() comment: Comment, @Ctx() ctx: MessagingContext): Promise<CommentRevision[]> {
    return ctx.loaders.revisions.load(comment.id);
  }
}
