import type { EntityManager } from 'typeorm';
import { defineEventCatalog, eventType, recordEvents } from '@portico/kit';

/** A person who wrote or read something: a contact of the customer or a staff member (ids only). */
export type EventAuthor =
  { kind: 'contact'; contactId: string } | { kind: 'staff'; staffUserId: string };

export interface EventSubject {
  kind: 'general' | 'invoice' | 'quote' | 'purchase_order' | 'document';
  /** The record's id; null for the general conversation. */
  id: string | null;
  /** The invoice, quote or order number, the document's title; null when unknown. */
  label: string | null;
}

export type EventCommentKind = 'message' | 'internal_note' | 'system';

/** Never a body: consumers load the comment through the reader's scope. */
export interface CommentPostedPayload {
  commentId: string;
  threadId: string;
  customerId: string;
  position: number;
  subject: EventSubject;
  kind: EventCommentKind;
  author: EventAuthor | null;
  assigneeStaffUserId: string | null;
  /** For system items: the event type shown (invoice.issued, quote.accepted, …). */
  systemType: string | null;
}

export interface CommentChangedPayload {
  commentId: string;
  threadId: string;
  customerId: string;
  kind: EventCommentKind;
  author: EventAuthor | null;
}

export interface ThreadReadPayload {
  threadId: string;
  customerId: string;
  reader: EventAuthor;
  upToPosition: number;
}

export interface ThreadAssignedPayload {
  threadId: string;
  customerId: string;
  assigneeStaffUserId: string | null;
}

/**
 * Every event messaging publishes, about threads (aggregate `thread`, id the
 * thread's). None carries a message's text: notifications and live updates
 * load what they show through the reader's own scope, so an internal note's
 * text can reach no customer by way of an event.
 */
export const messagingEvents = defineEventCatalog('messaging', {
  /** A message, internal note or system item was added to a thread's timeline. */
  'comment.posted': eventType<CommentPostedPayload>({ schemaVersion: 1, aggregateType: 'thread' }),
  'comment.edited': eventType<CommentChangedPayload>({ schemaVersion: 1, aggregateType: 'thread' }),
  'comment.deleted': eventType<CommentChangedPayload>({
    schemaVersion: 1,
    aggregateType: 'thread',
  }),
  /** A person's read position in a thread moved forward. */
  'thread.read': eventType<ThreadReadPayload>({ schemaVersion: 1, aggregateType: 'thread' }),
  'thread.assigned': eventType<ThreadAssignedPayload>({
    schemaVersion: 1,
    aggregateType: 'thread',
  }),
});

type Definitions = (typeof messagingEvents)['definitions'];
export type MessagingEventType = keyof Definitions & string;
type PayloadOf<T extends MessagingEventType> = NonNullable<Definitions[T]['payload']>;

/**
 * Records an event in the caller's transaction, which must hold the
 * thread's row lock (events of one thread keep their order); the caller
 * awaits `outbox.notify()` after commit.
 */
export function recordMessagingEvent<T extends MessagingEventType>(
  manager: EntityManager,
  type: T,
  payload: PayloadOf<T>,
): Promise<void> {
  return recordEvents(
    manager,
    messagingEvents.create(type, {
      aggregateId: payload.threadId,
      customerId: payload.customerId,
      payload,
    }),
  );
}

/** `contact:<id>` / `staff:<id>` as the event shape. */
export function eventAuthor(authorId: string | null): EventAuthor | null {
  const at = authorId?.indexOf(':') ?? -1;
  if (!authorId || at < 0) return null;
  const kind = authorId.slice(0, at);
  const id = authorId.slice(at + 1);
  if (kind === 'contact') return { kind: 'contact', contactId: id };
  if (kind === 'staff') return { kind: 'staff', staffUserId: id };
  return null;
}
