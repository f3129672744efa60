import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { forUpdate, notFoundError, type Database, type Outbox, type Principal } from '@portico/kit';
import type { MessagingConfig } from '../config';
import { eventAuthor, recordMessagingEvent } from '../events/messaging-events';
import type { Subjects } from '../subjects/subjects';
import type { ThreadService } from '../thread/thread.service';
import { appendItem, ensureThread, lockThread, waitingSinceOf } from '../thread/timeline';
import { ThreadRow } from '../thread/thread.entity';
import { CommentRevisionRow, CommentRow, type CommentKindValue } from './comment.entity';
import { toComment } from './comment.reads';
import {
  contentHash,
  forbidden,
  parseAttachmentIds,
  parseBody,
  parseIdempotencyKey,
  personIdOf,
  refused,
} from './comment.rules';
import type { Comment } from './comment.types';

export interface PostSpec {
  threadId: string;
  body: string;
  kind: Exclude<CommentKindValue, 'system'>;
  attachmentIds?: readonly string[] | null;
  /** The client's id for this post: a retry with the same id and content answers the first. */
  clientMutationId?: string | null;
}

function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.errno === 1062
  );
}

/** Posting, editing and deleting comments: the rules, each change with its event. */
export class CommentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly subjects: Subjects,
    private readonly threads: ThreadService,
    private readonly limits: MessagingConfig['comments'],
  ) {}

  /**
   * Posts a message (contacts and staff) or an internal note (staff) into a
   * thread in the principal's scope, written on first use.
   */
  async post(principal: Principal, spec: PostSpec): Promise<Comment> {
    const authorId = personIdOf(principal);
    if (!authorId) throw forbidden('Only contacts and staff can post comments');
    if (spec.kind === 'internal_note' && principal.kind !== 'staff') {
      throw forbidden('Only staff can write internal notes');
    }
    const body = parseBody(spec.body, this.limits.maxChars);
    const idempotencyKey = parseIdempotencyKey(spec.clientMutationId);
    const attachmentIds = parseAttachmentIds(spec.attachmentIds);
    const target = await this.threads.writable(principal, spec.threadId);
    const hash = contentHash({ threadId: target.id, kind: spec.kind, body, attachmentIds });
    if (idempotencyKey) {
      const earlier = await this.replay(authorId, idempotencyKey, hash);
      if (earlier) return earlier;
    }
    await this.requireAttachments(attachmentIds, target.customerId);
    await ensureThread(this.db.manager, target.key, target.customerId);
    let comment: CommentRow;
    try {
      comment = await this.db.transaction(async (manager) => {
        const thread = await lockThread(manager, target.id);
        if (!thread) throw notFoundError('Thread');
        if (idempotencyKey) {
          // Under the thread's lock: a retry that waited for it sees the first post.
          const earlier = await manager.getRepository(CommentRow).findOne({
            where: { authorId, idempotencyKey },
            ...forUpdate(manager),
          });
          if (earlier) return earlier;
        }
        return appendItem(manager, thread, {
          kind: spec.kind,
          authorId,
          body,
          attachmentIds,
          idempotencyKey,
          contentHash: idempotencyKey ? hash : null,
        });
      });
    } catch (error) {
      // The same key used at once in another thread: the unique key decided.
      if (idempotencyKey && isDuplicateKey(error)) {
        const earlier = await this.replay(authorId, idempotencyKey, hash);
        if (earlier) return earlier;
      }
      throw error;
    }
    if (idempotencyKey && comment.contentHash !== hash) throw this.keyReused();
    await this.outbox.notify();
    return toComment(comment);
  }

  private keyReused() {
    return refused(
      'This clientMutationId was already used for a different comment',
      'idempotency-key-reused',
      'clientMutationId',
    );
  }

  /** The comment first posted under the key, when the content matches; refused when it differs. */
  private async replay(authorId: string, key: string, hash: string): Promise<Comment | null> {
    const earlier = await this.db.manager
      .getRepository(CommentRow)
      .findOneBy({ authorId, idempotencyKey: key });
    if (!earlier) return null;
    if (earlier.contentHash !== hash) throw this.keyReused();
    return toComment(earlier);
  }

  /** Attachments are documents messaging knows, visible to the thread's customer. */
  private async requireAttachments(ids: string[], customerId: string): Promise<void> {
    for (const id of ids) {
      const document = await this.subjects.findFresh('document', id);
      if (!document || document.customerId !== customerId) {
        throw refused(
          'No such document for this customer',
          'attachment-not-found',
          'attachmentIds',
        );
      }
    }
  }

  /** The author edits a message or note within the edit window; the old text is kept. */
  async edit(principal: Principal, commentId: string, text: string): Promise<Comment> {
    const body = parseBody(text, this.limits.maxChars);
    return this.change(principal, commentId, 'edited', async (manager, comment, now) => {
      if (comment.body === body) return comment;
      await this.keepRevision(manager, comment, 'edited', now);
      const changes = { body, editedAt: now, revisionCount: comment.revisionCount + 1 };
      await manager.getRepository(CommentRow).update({ id: comment.id }, changes);
      return { ...comment, ...changes };
    });
  }

  /** The author deletes a message or note within the edit window; staff still see what it said. */
  async delete(principal: Principal, commentId: string): Promise<Comment> {
    return this.change(principal, commentId, 'deleted', async (manager, comment, now) => {
      await this.keepRevision(manager, comment, 'deleted', now);
      const changes = { body: '', deletedAt: now };
      await manager.getRepository(CommentRow).update({ id: comment.id }, changes);
      if (comment.kind === 'message') {
        await manager
          .getRepository(ThreadRow)
          .update(
            { id: comment.threadId },
            { waitingSince: await waitingSinceOf(manager, comment.threadId), updatedAt: now },
          );
      }
      return { ...comment, ...changes };
    });
  }

  private async keepRevision(
    manager: EntityManager,
    comment: CommentRow,
    change: 'edited' | 'deleted',
    now: Date,
  ): Promise<void> {
    await manager.getRepository(CommentRevisionRow).insert({
      id: randomUUID(),
      commentId: comment.id,
      threadId: comment.threadId,
      revision: comment.revisionCount,
      body: comment.body,
      change,
      replacedAt: now,
    });
  }

  private async change(
    principal: Principal,
    commentId: string,
    change: 'edited' | 'deleted',
    apply: (manager: EntityManager, comment: CommentRow, now: Date) => Promise<CommentRow>,
  ): Promise<Comment> {
    const authorId = personIdOf(principal);
    const visible = await this.visibleRow(principal, commentId);
    if (!visible) throw notFoundError('Comment');
    if (!authorId || visible.authorId !== authorId) {
      throw forbidden(`Only its author can ${change === 'edited' ? 'edit' : 'delete'} a comment`);
    }
    const { result, changed } = await this.db.transaction(async (manager) => {
      await lockThread(manager, visible.threadId);
      const comment = await manager.getRepository(CommentRow).findOneByOrFail({ id: commentId });
      if (comment.deletedAt) throw refused('The comment was deleted', 'comment-deleted', 'id');
      const now = new Date();
      const closes = comment.createdAt.getTime() + this.limits.editWindowSeconds * 1000;
      if (now.getTime() > closes) {
        throw refused(
          `A comment can be ${change} only within ${this.limits.editWindowSeconds} seconds of posting`,
          'edit-window-closed',
          'id',
        );
      }
      const updated = await apply(manager, comment, now);
      if (updated === comment) return { result: updated, changed: false };
      await recordMessagingEvent(
        manager,
        change === 'edited' ? 'comment.edited' : 'comment.deleted',
        {
          commentId: comment.id,
          threadId: comment.threadId,
          customerId: comment.customerId,
          kind: comment.kind,
          author: eventAuthor(comment.authorId),
        },
      );
      return { result: updated, changed: true };
    });
    if (changed) await this.outbox.notify();
    return toComment(result);
  }

  /** The comment's row when the principal may see it (internal notes: staff only). */
  private async visibleRow(principal: Principal, commentId: string): Promise<CommentRow | null> {
    const row = await this.db.manager.getRepository(CommentRow).findOneBy({ id: commentId });
    if (!row) return null;
    if (row.kind === 'internal_note' && principal.kind !== 'staff') return null;
    const threads = await this.threads.reads.findVisible(principal, [row.threadId]);
    return threads.length ? row : null;
  }
}
