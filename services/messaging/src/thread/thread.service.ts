import { notFoundError, type Database, type Outbox, type Principal } from '@portico/kit';
import type { CustomerDirectory } from '@portico/commerce';
import { refused } from '../comment/comment.rules';
import { recordMessagingEvent } from '../events/messaging-events';
import type { Subjects } from '../subjects/subjects';
import { parseThreadId, threadIdOf, type ThreadKey } from './thread-id';
import type { ThreadReads } from './thread.reads';
import { ThreadRow } from './thread.entity';
import { ensureThread, lockThread } from './timeline';

export interface WritableThread {
  id: string;
  key: ThreadKey;
  customerId: string;
}

const STAFF_ID = /^[A-Za-z0-9-]{1,36}$/;

/** Which thread a write goes to, and staff's assignment of threads. */
export class ThreadService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
    private readonly subjects: Subjects,
    readonly reads: ThreadReads,
  ) {}

  /**
   * The thread `threadId` names, when the principal may see it; a record or
   * customer heard of a moment ago is caught up with first. Anything else
   * is NOT_FOUND, whether it exists or not.
   */
  async writable(principal: Principal, threadId: string): Promise<WritableThread> {
    const key = parseThreadId(threadId);
    if (!key) throw notFoundError('Thread');
    let [thread] = await this.reads.findVisible(principal, [threadId]);
    if (!thread) {
      if (key.kind === 'general') {
        if (principal.kind === 'staff') {
          await this.directory.requireActive(key.id).catch(() => null);
        }
      } else {
        await this.subjects.findFresh(key.kind, key.id);
      }
      [thread] = await this.reads.findVisible(principal, [threadId]);
    }
    if (!thread) throw notFoundError('Thread');
    return { id: threadIdOf(key), key, customerId: thread.customerId };
  }

  /** Staff: who answers a thread (null: nobody). Publishes `thread.assigned` when it changed. */
  async assign(
    principal: Principal,
    threadId: string,
    staffUserId: string | null,
  ): Promise<WritableThread> {
    if (staffUserId !== null && !STAFF_ID.test(staffUserId)) {
      throw refused('staffUserId is not a staff user id', 'invalid', 'staffUserId');
    }
    const target = await this.writable(principal, threadId);
    await ensureThread(this.db.manager, target.key, target.customerId);
    const changed = await this.db.transaction(async (manager) => {
      const thread = await lockThread(manager, target.id);
      if (!thread) throw notFoundError('Thread');
      if (thread.assigneeStaffUserId === staffUserId) return false;
      await manager
        .getRepository(ThreadRow)
        .update({ id: thread.id }, { assigneeStaffUserId: staffUserId, updatedAt: new Date() });
      await recordMessagingEvent(manager, 'thread.assigned', {
        threadId: thread.id,
        customerId: thread.customerId,
        assigneeStaffUserId: staffUserId,
      });
      return true;
    });
    if (changed) await this.outbox.notify();
    return target;
  }
}
