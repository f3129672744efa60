import { visibleCustomerIds, type Principal } from '@portico/kit';
import type { MessagingServices } from '../context';
import { InFlight } from '../live/in-flight';
import type { Thread } from '../thread/thread.types';
import { seesInternal } from '../thread/thread.rules';
import type { Comment } from './comment.types';

/*
 * What live updates (subscriptions) load for each event they pass on: never
 * the event's own data, always what the subscriber may see now.
 */

/**
 * The comment through the principal's scope: null when it is another
 * customer's, does not exist, or is an internal note and the principal is
 * not staff. With `forEvent` (the position of the event being delivered),
 * subscribers of that one event with the same scope share one read: it
 * starts after the event was stored, so it is as fresh as each of their own.
 */
export async function loadCommentInScope(
  services: Pick<MessagingServices, 'commentReads'>,
  principal: Principal,
  commentId: string,
  forEvent?: number,
): Promise<Comment | null> {
  const load = async () => {
    const [comment] = await services.commentReads.findVisible(principal, [commentId]);
    return comment ?? null;
  };
  if (forEvent === undefined) return load();
  // What `findVisible` reads depends on the customers in scope and on
  // internal notes, nothing else of the principal: every contact of one
  // customer shares the read one event starts for each of them.
  const key = JSON.stringify([
    forEvent,
    visibleCustomerIds(principal)?.slice().sort() ?? null,
    seesInternal(principal),
    commentId,
  ]);
  return sharedOf(services).comments.run(key, load);
}

/** The thread through the principal's scope (null when it may not see it), for one event. */
export function loadThreadInScope(
  services: Pick<MessagingServices, 'threadReads'>,
  principal: Principal,
  threadId: string,
  forEvent: number,
): Promise<Thread | null> {
  // A thread is made for its viewer: keyed by the whole principal.
  const key = JSON.stringify([forEvent, principal, threadId]);
  return sharedOf(services).threads.run(key, async () => {
    const [thread] = await services.threadReads.findVisible(principal, [threadId]);
    return thread ?? null;
  });
}

/**
 * The viewer's unread items in one thread and over all their threads; with
 * `forEvent`, one person's several sockets (devices, tabs) share the count
 * that one event asks for.
 */
export function unreadForViewer(
  services: Pick<MessagingServices, 'readStates'>,
  principal: Principal,
  threadId: string,
  forEvent?: number,
): Promise<{ unreadCount: number; totalUnread: number }> {
  const load = () => services.readStates.unreadFor(principal, threadId);
  if (forEvent === undefined) return load();
  return sharedOf(services).unread.run(JSON.stringify([forEvent, principal, threadId]), load);
}

interface SharedReads {
  comments: InFlight<Comment | null>;
  threads: InFlight<Thread | null>;
  unread: InFlight<{ unreadCount: number; totalUnread: number }>;
}

const shared = new WeakMap<object, SharedReads>();

/** One set of shared reads per messaging instance (its services). */
function sharedOf(services: object): SharedReads {
  let reads = shared.get(services);
  if (!reads) {
    reads = { comments: new InFlight(), threads: new InFlight(), unread: new InFlight() };
    shared.set(services, reads);
  }
  return reads;
}
