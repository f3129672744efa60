import type { Principal } from '@portico/kit';
import type { MessagingServices } from '../context';
import type { Comment } from './comment.types';

/*
 * What live updates (subscriptions) load for each event they pass on: never
 * the event's own data, always what the subscriber may see now.
 */

/**
 * The comment through the principal's scope: null when it is another
 * customer's, does not exist, or is an internal note and the principal is
 * not staff.
 */
export async function loadCommentInScope(
  services: Pick<MessagingServices, 'commentReads'>,
  principal: Principal,
  commentId: string,
): Promise<Comment | null> {
  const [comment] = await services.commentReads.findVisible(principal, [commentId]);
  return comment ?? null;
}

/** The viewer's unread items in one thread and over all their threads. */
export function unreadForViewer(
  services: Pick<MessagingServices, 'readStates'>,
  principal: Principal,
  threadId: string,
): Promise<{ unreadCount: number; totalUnread: number }> {
  return services.readStates.unreadFor(principal, threadId);
}
