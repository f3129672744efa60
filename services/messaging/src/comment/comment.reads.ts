import { In } from 'typeorm';
import type { Database, Principal } from '@portico/kit';
import { badInput } from '@portico/commerce';
import { checkPageSize } from '../thread/thread.reads';
import { scopeByCustomer, scopeCommentKinds } from '../thread/thread.rules';
import { CommentRevisionRow, CommentRow } from './comment.entity';
import type { Comment, CommentRevision } from './comment.types';

export const DEFAULT_COMMENT_PAGE = 20;

export function encodePositionCursor(position: number): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

export function decodePositionCursor(cursor: string, field: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^p:(\d{1,15})$/.exec(text);
  if (!match) throw badInput('Invalid cursor', field);
  return Number(match[1]);
}

export function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    kind: row.kind,
    body: row.deletedAt ? null : row.body,
    position: row.position,
    cursor: encodePositionCursor(row.position),
    systemType: row.systemType,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    threadId: row.threadId,
    customerId: row.customerId,
    authorId: row.authorId,
    attachmentIds: JSON.parse(row.attachmentIdList) as string[],
  };
}

export interface CommentWindow {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface CommentPageResult {
  nodes: Comment[];
  startCursor: string | null;
  endCursor: string | null;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** A window's direction, size and bounds; BAD_USER_INPUT when it is not one. */
export function checkWindow(window: CommentWindow): {
  forward: boolean;
  size: number;
  after: number | null;
  before: number | null;
} {
  const forward = window.first != null || window.after != null;
  const backward = window.last != null || window.before != null;
  if (forward && backward) {
    throw badInput('Use first/after or last/before, not both', 'first');
  }
  return {
    forward,
    size: forward
      ? checkPageSize(window.first ?? DEFAULT_COMMENT_PAGE, 'first')
      : checkPageSize(window.last ?? DEFAULT_COMMENT_PAGE, 'last'),
    after: window.after ? decodePositionCursor(window.after, 'after') : null,
    before: window.before ? decodePositionCursor(window.before, 'before') : null,
  };
}

export function emptyPage(): CommentPageResult {
  return {
    nodes: [],
    startCursor: null,
    endCursor: null,
    hasPreviousPage: false,
    hasNextPage: false,
  };
}

/** Reads of comments, each through the principal's row-level scope (customer and kind). */
export class CommentReads {
  constructor(private readonly db: Database) {}

  private scoped(principal: Principal) {
    const query = scopeByCustomer(
      this.db.manager.getRepository(CommentRow).createQueryBuilder('c'),
      principal,
      'c',
    );
    return query ? scopeCommentKinds(query, principal, 'c') : null;
  }

  /** Comments by id the principal may see (internal notes for staff only); the rest are absent. */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<Comment[]> {
    if (ids.length === 0 || principal.kind === 'anonymous') return [];
    const query = this.scoped(principal);
    if (!query) return [];
    const rows = await query.andWhere('c.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
    return rows.map(toComment);
  }

  /**
   * The same window of several threads' timelines, always oldest first
   * (`first`/`after` reads forward, `last`/`before` backward; with neither,
   * the latest DEFAULT_COMMENT_PAGE items), in two statements whatever their
   * number: the ids of each thread's window (ranked per thread in SQL), then
   * those comments. The threads are already in the principal's scope.
   */
  async pages(
    principal: Principal,
    threadIds: readonly string[],
    window: CommentWindow,
  ): Promise<Map<string, CommentPageResult>> {
    const { forward, size, after, before } = checkWindow(window);
    const result = new Map<string, CommentPageResult>();
    const query = this.scoped(principal);
    if (!query || threadIds.length === 0) return result;
    query
      .select('c.id', 'id')
      .addSelect(
        `ROW_NUMBER() OVER (PARTITION BY c.threadId ORDER BY c.position ${forward ? 'ASC' : 'DESC'})`,
        'rn',
      )
      .andWhere('c.threadId IN (:...threadIds)', { threadIds: [...new Set(threadIds)] });
    if (after !== null) query.andWhere('c.position > :after', { after });
    if (before !== null) query.andWhere('c.position < :before', { before });
    const ranked = await this.db.dataSource
      .createQueryBuilder()
      .select('w.id', 'id')
      .from(`(${query.getQuery()})`, 'w')
      .where('w.rn <= :limit', { limit: size + 1 })
      .setParameters({ ...query.getParameters(), limit: size + 1 })
      .getRawMany<{ id: string }>();
    const rows = ranked.length
      ? await this.db.manager.getRepository(CommentRow).findBy({ id: In(ranked.map((r) => r.id)) })
      : [];
    const byThread = new Map<string, CommentRow[]>();
    for (const row of rows) {
      const list = byThread.get(row.threadId);
      if (list) list.push(row);
      else byThread.set(row.threadId, [row]);
    }
    for (const threadId of threadIds) {
      const sorted = (byThread.get(threadId) ?? []).sort((a, b) =>
        forward ? a.position - b.position : b.position - a.position,
      );
      const more = sorted.length > size;
      const taken = sorted.slice(0, size);
      if (!forward) taken.reverse();
      const nodes = taken.map(toComment);
      result.set(threadId, {
        nodes,
        startCursor: nodes[0]?.cursor ?? null,
        endCursor: nodes[nodes.length - 1]?.cursor ?? null,
        // Whether items exist beyond the window on the side it was read
        // towards; the other side is known from the cursor given.
        hasNextPage: forward ? more : before !== null,
        hasPreviousPage: forward ? after !== null : more,
      });
    }
    return result;
  }

  /** How many items of each thread the principal can see (deleted ones included). */
  async counts(principal: Principal, threadIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (threadIds.length === 0) return result;
    const query = this.scoped(principal);
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

  /** Edit history of comments (staff), oldest first. */
  async revisions(
    commentIds: readonly string[],
  ): Promise<Array<CommentRevision & { commentId: string }>> {
    if (commentIds.length === 0) return [];
    const rows = await this.db.manager.getRepository(CommentRevisionRow).find({
      where: { commentId: In([...new Set(commentIds)]) },
      order: { revision: 'ASC' },
    });
    return rows.map((r) => ({
      commentId: r.commentId,
      revision: r.revision,
      body: r.body,
      replacedAt: r.replacedAt,
      change: r.change,
    }));
  }
}
