import { randomUUID } from 'node:crypto';
import { MoreThan, type EntityManager } from 'typeorm';
import type { Database } from '@portico/kit';
import { Revocation } from './revocation.entity';

export interface RevocationBatch {
  /** Pass back as `after` to read what follows. */
  cursor: number;
  /** Revoked subjects, in order: `session:<id>`, `contact:<id>`, `staff:<id>`, `partner:<id>`. */
  subjects: string[];
}

export interface RevocationLogOptions {
  /** Followers re-read the table this often, so revocations written by another accounts instance arrive too. */
  pollMs: number;
  /** Longest a reader is held waiting for a revocation. */
  maxWaitMs: number;
  /**
   * An id missing below a committed one is a transaction still committing
   * (MySQL hands out auto-increment ids before commit) or one rolled back;
   * readers wait this long for it before passing over it.
   */
  gapMs: number;
  /** Rows older than this are deleted. */
  retainMs: number;
  /** How long a revocation waits for a known follower that is between two polls. */
  handoffMs: number;
  batchSize: number;
}

export const DEFAULT_REVOCATION_LOG_OPTIONS: RevocationLogOptions = {
  pollMs: 1_000,
  maxWaitMs: 25_000,
  gapMs: 3_000,
  retainMs: 24 * 60 * 60_000,
  handoffMs: 250,
  batchSize: 500,
};

interface Waiter {
  follower: string;
  wake(pushed?: string[]): void;
}

/**
 * The log of revocations gateways follow by long polling, so they can
 * remember that a token's session is active and still learn of its end
 * before the next request: `revoke()` hands the subjects to every
 * waiting follower and returns once their answers are written, so a
 * sign-out's response leaves after the gateways heard of it. Followers of
 * another accounts instance read the table within `pollMs`.
 */
export class RevocationLog {
  private readonly waiters = new Set<Waiter>();
  /** Followers that name themselves: when their last read began and answered (performance.now()). */
  private readonly followers = new Map<string, { readAt: number; answeredAt: number }>();
  private closed = false;
  private lastPrunedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly options: RevocationLogOptions = DEFAULT_REVOCATION_LOG_OPTIONS,
  ) {}

  /**
   * Runs the revoking change in a transaction and, when it revoked anything
   * (true, or a count above 0), appends `subjects` in that same transaction
   * and hands them to the followers once it committed.
   */
  async revoke<T extends boolean | number>(
    subjects: string[],
    change: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const revoked = await this.db.transaction(async (manager) => {
      const result = await change(manager);
      if (result) await this.append(manager, subjects);
      return result;
    });
    if (revoked) await this.committed(subjects);
    return revoked;
  }

  private async append(manager: EntityManager, subjects: string[]): Promise<void> {
    if (subjects.length === 0) return;
    const createdAt = new Date();
    await manager
      .getRepository(Revocation)
      .insert(subjects.map((subject) => ({ subject, createdAt })));
  }

  /**
   * Hands the just-committed subjects to every follower of this instance
   * (waiting up to `handoffMs` for one that is between two polls) and
   * resolves once their answers are on the wire. Now and then deletes old rows.
   */
  private async committed(subjects: string[]): Promise<void> {
    this.prune();
    // Sub-millisecond clock: a read that began in the same millisecond as the
    // commit, but before it, has not seen the rows.
    const since = performance.now();
    const handed = new Set<string>();
    for (;;) {
      for (const waiter of [...this.waiters]) {
        if (handed.has(waiter.follower)) continue;
        handed.add(waiter.follower);
        waiter.wake(subjects);
      }
      const now = performance.now();
      const behind = [...this.followers].some(
        ([id, f]) =>
          !handed.has(id) &&
          // a read begun after the commit has seen the rows once it answered
          !(f.readAt > since && f.answeredAt >= f.readAt) &&
          now - f.readAt < this.options.maxWaitMs + 10_000,
      );
      if (!behind || this.closed || now - since >= this.options.handoffMs) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    // The woken reads answer in microtasks; by the next turn their responses are written.
    if (handed.size > 0) await new Promise((r) => setImmediate(r));
  }

  /** The cursor a new follower starts from: everything up to now is behind it. */
  async head(): Promise<number> {
    const row = await this.db.manager
      .getRepository(Revocation)
      .createQueryBuilder('r')
      .select('MAX(r.id)', 'head')
      .getRawOne<{ head: number | string | null }>();
    return Number(row?.head ?? 0);
  }

  /**
   * Revocations after `after`, waiting up to `waitMs` for one to arrive.
   * `after: null` answers the head at once. Subjects handed over by
   * `committed()` come back with the cursor unchanged: the next read
   * returns them again from the table, in order.
   */
  async read(after: number | null, waitMs: number, follower?: string): Promise<RevocationBatch> {
    const known = follower ? { readAt: performance.now(), answeredAt: 0 } : undefined;
    if (follower && known) {
      this.followers.set(follower, known);
      if (this.followers.size > 1_000) this.forgetIdleFollowers();
    }
    try {
      return await this.readAfter(after, waitMs, follower ?? randomUUID());
    } finally {
      if (known) known.answeredAt = performance.now();
    }
  }

  private async readAfter(
    after: number | null,
    waitMs: number,
    follower: string,
  ): Promise<RevocationBatch> {
    if (after === null) return { cursor: await this.head(), subjects: [] };
    const deadline = Date.now() + Math.min(Math.max(waitMs, 0), this.options.maxWaitMs);
    for (;;) {
      const rows = await this.db.manager.getRepository(Revocation).find({
        where: { id: MoreThan(after) },
        order: { id: 'ASC' },
        take: this.options.batchSize,
      });
      const settled = this.settledPrefix(after, rows);
      if (settled.length > 0) {
        return { cursor: settled[settled.length - 1].id, subjects: settled.map((r) => r.subject) };
      }
      const left = deadline - Date.now();
      if (this.closed || left <= 0) return { cursor: after, subjects: [] };
      const pushed = await this.nextChange(follower, Math.min(left, this.options.pollMs));
      if (pushed?.length) return { cursor: after, subjects: pushed };
    }
  }

  /** Ends every wait (shutdown): readers get what there is now. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.wake();
  }

  private prune(): void {
    const now = Date.now();
    if (now - this.lastPrunedAt < 60 * 60_000) return;
    this.lastPrunedAt = now;
    void this.db.manager
      .getRepository(Revocation)
      .createQueryBuilder()
      .delete()
      .where('createdAt < :before', { before: new Date(now - this.options.retainMs) })
      .execute()
      .catch(() => undefined);
  }

  private forgetIdleFollowers(): void {
    const now = performance.now();
    for (const [id, f] of this.followers) {
      if (now - f.readAt > this.options.maxWaitMs + 10_000) this.followers.delete(id);
    }
  }

  private settledPrefix(after: number, rows: Revocation[]): Revocation[] {
    const settled: Revocation[] = [];
    const now = Date.now();
    let expected = after + 1;
    for (const row of rows) {
      if (row.id !== expected && now - row.createdAt.getTime() < this.options.gapMs) break;
      settled.push(row);
      expected = row.id + 1;
    }
    return settled;
  }

  private nextChange(follower: string, timeoutMs: number): Promise<string[] | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        follower,
        wake: (pushed) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(pushed);
        },
      };
      const timer = setTimeout(() => waiter.wake(), timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
