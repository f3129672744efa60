import type { Database, Outbox, Principal } from '@portico/kit';
import { notFoundError } from '@portico/kit';
import { CommentRow } from '../comment/comment.entity';
import { personIdOf } from '../comment/comment.rules';
import { eventAuthor, recordMessagingEvent, type EventAuthor } from '../events/messaging-events';
import { lockThread } from '../thread/timeline';
import { scopeByCustomer, scopeCommentKinds } from '../thread/thread.rules';
import { ReadStateRow } from './read-state.entity';

/**
 * Each person's read position per thread, and what is unread: items after
 * it that the person can see, not written by the person, not deleted.
 * Partners and the anonymous have no read state (their counts are 0).
 */
export class ReadStateService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  private unreadQuery(principal: Principal, reader: string) {
    const query = scopeByCustomer(
      this.db.manager.getRepository(CommentRow).createQueryBuilder('c'),
      principal,
      'c',
    );
    if (!query) return null;
    return scopeCommentKinds(query, principal, 'c')
      .leftJoin(ReadStateRow, 'r', 'r.threadId = c.threadId AND r.readerId = :reader', { reader })
      .andWhere('c.position > COALESCE(r.upToPosition, 0)')
      .andWhere('c.deletedAt IS NULL')
      .andWhere('(c.authorId IS NULL OR c.authorId <> :reader)', { reader });
  }

  /** Unread items per thread for the principal (threads without any are absent). */
  async unreadCounts(
    principal: Principal,
    threadIds: readonly string[],
  ): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const reader = personIdOf(principal);
    if (!reader || threadIds.length === 0) return result;
    const query = this.unreadQuery(principal, reader);
    if (!query) return result;
    const rows = await query
      .select('c.threadId', 'threadId')
      .addSelect('COUNT(*)', 'n')
      .andWhere('c.threadId IN (:...threadIds)', { threadIds: [...new Set(threadIds)] })
      .groupBy('c.threadId')
      .getRawMany<{ threadId: string; n: string | number }>();
    for (const row of rows) result.set(row.threadId, Number(row.n));
    return result;
  }

  /** Unread items over every thread in the principal's scope. */
  async totalUnread(principal: Principal): Promise<number> {
    const reader = personIdOf(principal);
    if (!reader) return 0;
    const query = this.unreadQuery(principal, reader);
    if (!query) return 0;
    const row = await query.select('COUNT(*)', 'n').getRawOne<{ n: string | number }>();
    return Number(row?.n ?? 0);
  }

  /** What a live update of one thread shows a viewer: its unread items, and all of theirs. */
  async unreadFor(
    principal: Principal,
    threadId: string,
  ): Promise<{ unreadCount: number; totalUnread: number }> {
    const [counts, totalUnread] = await Promise.all([
      this.unreadCounts(principal, [threadId]),
      this.totalUnread(principal),
    ]);
    return { unreadCount: counts.get(threadId) ?? 0, totalUnread };
  }

  /**
   * Marks the thread read up to (and including) a comment the principal can
   * see in it. The position never moves backwards; `thread.read` is
   * published only when it moved. The thread is already in scope.
   */
  async markRead(
    principal: Principal,
    thread: { id: string; customerId: string },
    upToCommentId: string,
  ): Promise<{ upToPosition: number; moved: boolean }> {
    const reader = personIdOf(principal);
    const author = eventAuthor(reader) as EventAuthor | null;
    if (!reader || !author) throw notFoundError('Comment');
    const result = await this.db.transaction(async (manager) => {
      const locked = await lockThread(manager, thread.id);
      const query = scopeByCustomer(
        manager.getRepository(CommentRow).createQueryBuilder('c'),
        principal,
        'c',
      );
      const comment = query
        ? await scopeCommentKinds(query, principal, 'c')
            .andWhere('c.id = :id AND c.threadId = :threadId', {
              id: upToCommentId,
              threadId: thread.id,
            })
            .getOne()
        : null;
      if (!locked || !comment) throw notFoundError('Comment');
      const repo = manager.getRepository(ReadStateRow);
      const current = await repo.findOneBy({ threadId: thread.id, readerId: reader });
      if (current && current.upToPosition >= comment.position) {
        return { upToPosition: current.upToPosition, moved: false };
      }
      const row = {
        threadId: thread.id,
        readerId: reader,
        customerId: locked.customerId,
        upToPosition: comment.position,
        updatedAt: new Date(),
      };
      if (current) await repo.update({ threadId: thread.id, readerId: reader }, row);
      else await repo.insert(row);
      await recordMessagingEvent(manager, 'thread.read', {
        threadId: thread.id,
        customerId: locked.customerId,
        reader: author,
        upToPosition: comment.position,
      });
      return { upToPosition: comment.position, moved: true };
    });
    if (result.moved) await this.outbox.notify();
    return result;
  }

  /** The principal's read position in threads (0 when never read). */
  async positions(
    principal: Principal,
    threadIds: readonly string[],
  ): Promise<Map<string, number>> {
    const reader = personIdOf(principal);
    const result = new Map<string, number>();
    if (!reader || threadIds.length === 0) return result;
    const rows = await this.db.manager
      .getRepository(ReadStateRow)
      .createQueryBuilder('r')
      .where('r.readerId = :reader', { reader })
      .andWhere('r.threadId IN (:...threadIds)', { threadIds: [...new Set(threadIds)] })
      .getMany();
    for (const row of rows) result.set(row.threadId, row.upToPosition);
    return result;
  }
}
