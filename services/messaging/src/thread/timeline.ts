import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { forUpdate } from '@portico/kit';
import { CommentRow, type CommentKindValue } from '../comment/comment.entity';
import { eventAuthor, recordMessagingEvent, type EventSubject } from '../events/messaging-events';
import { SubjectRow } from '../subjects/subject.entity';
import { threadIdOf, type ThreadKey } from './thread-id';
import { ThreadRow } from './thread.entity';

export interface NewItem {
  kind: CommentKindValue;
  authorId: string | null;
  body: string;
  attachmentIds?: string[];
  systemType?: string | null;
  sourceEventId?: string | null;
  idempotencyKey?: string | null;
  contentHash?: string | null;
  at?: Date;
}

/** Writes the thread's row unless it exists (a plain statement, safe to race). */
export async function ensureThread(
  manager: EntityManager,
  key: ThreadKey,
  customerId: string,
): Promise<void> {
  const now = new Date();
  await manager
    .getRepository(ThreadRow)
    .createQueryBuilder()
    .insert()
    .values({
      id: threadIdOf(key),
      customerId,
      subjectKind: key.kind,
      subjectId: key.kind === 'general' ? null : key.id,
      lastPosition: 0,
      lastActivityAt: null,
      lastPublicActivityAt: null,
      waitingSince: null,
      assigneeStaffUserId: null,
      createdAt: now,
      updatedAt: now,
    })
    .orIgnore()
    .execute();
}

/** The thread's row under its lock: every change to a timeline goes through it. */
export function lockThread(manager: EntityManager, threadId: string): Promise<ThreadRow | null> {
  return manager
    .getRepository(ThreadRow)
    .findOne({ where: { id: threadId }, ...forUpdate(manager) });
}

/** How events name a thread's subject. */
export async function eventSubject(
  manager: EntityManager,
  thread: ThreadRow,
): Promise<EventSubject> {
  if (thread.subjectKind === 'general' || !thread.subjectId) {
    return { kind: 'general', id: null, label: null };
  }
  const subject = await manager
    .getRepository(SubjectRow)
    .findOneBy({ kind: thread.subjectKind, id: thread.subjectId });
  return { kind: thread.subjectKind, id: thread.subjectId, label: subject?.label ?? null };
}

/**
 * Since when the customer has been waiting for a reply: the first of the
 * customer's messages after the business's last one (deleted ones do not
 * count); null when the business spoke last.
 */
export async function waitingSinceOf(
  manager: EntityManager,
  threadId: string,
): Promise<Date | null> {
  const messages = await manager
    .getRepository(CommentRow)
    .createQueryBuilder('c')
    .select(['c.position', 'c.authorId', 'c.createdAt'])
    .where('c.threadId = :threadId', { threadId })
    .andWhere("c.kind = 'message'")
    .andWhere('c.deletedAt IS NULL')
    .orderBy('c.position', 'DESC')
    .getMany();
  let since: Date | null = null;
  for (const message of messages) {
    if (!message.authorId?.startsWith('contact:')) break;
    since = message.createdAt;
  }
  return since;
}

/**
 * Appends one item to a locked thread's timeline: the next position, the
 * thread's activity times and waiting state, and `comment.posted` in the
 * same transaction.
 */
export async function appendItem(
  manager: EntityManager,
  thread: ThreadRow,
  item: NewItem,
): Promise<CommentRow> {
  const at = item.at ?? new Date();
  const comment: CommentRow = {
    id: randomUUID(),
    threadId: thread.id,
    customerId: thread.customerId,
    position: thread.lastPosition + 1,
    kind: item.kind,
    authorId: item.authorId,
    body: item.body,
    attachmentIdList: JSON.stringify(item.attachmentIds ?? []),
    systemType: item.systemType ?? null,
    sourceEventId: item.sourceEventId ?? null,
    idempotencyKey: item.idempotencyKey ?? null,
    contentHash: item.contentHash ?? null,
    revisionCount: 1,
    createdAt: at,
    editedAt: null,
    deletedAt: null,
  };
  await manager.getRepository(CommentRow).insert(comment);
  let waitingSince = thread.waitingSince;
  if (item.kind === 'message') {
    waitingSince = item.authorId?.startsWith('contact:') ? (waitingSince ?? at) : null;
  }
  const changes: Partial<ThreadRow> = {
    lastPosition: comment.position,
    lastActivityAt: at,
    waitingSince,
    updatedAt: at,
    ...(item.kind !== 'internal_note' ? { lastPublicActivityAt: at } : {}),
  };
  await manager.getRepository(ThreadRow).update({ id: thread.id }, changes);
  Object.assign(thread, changes);
  await recordMessagingEvent(manager, 'comment.posted', {
    commentId: comment.id,
    threadId: thread.id,
    customerId: thread.customerId,
    position: comment.position,
    subject: await eventSubject(manager, thread),
    kind: comment.kind,
    author: eventAuthor(comment.authorId),
    assigneeStaffUserId: thread.assigneeStaffUserId,
    systemType: comment.systemType,
  });
  return comment;
}
