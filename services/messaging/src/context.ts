import DataLoader from 'dataloader';
import {
  groupByKeys,
  type BaseContext,
  type Database,
  type LiveFeed,
  type Outbox,
  type RequestMeta,
} from '@portico/kit';
import type { CustomerDirectory } from '@portico/commerce';
import {
  emptyPage,
  type CommentPageResult,
  type CommentReads,
  type CommentWindow,
} from './comment/comment.reads';
import type { CommentService } from './comment/comment.service';
import type { Comment, CommentRevision } from './comment/comment.types';
import type { MessagingConfig } from './config';
import type { ReadStateService } from './read-state/read-state.service';
import type { Subjects } from './subjects/subjects';
import type { ThreadReads } from './thread/thread.reads';
import type { ThreadService } from './thread/thread.service';
import type { Thread } from './thread/thread.types';

export interface MessagingServices {
  db: Database;
  /** Messaging's outbox: events written with each change, numbered after commit. */
  outbox: Outbox;
  /** Live events of messaging's outbox, for subscriptions (comments, thread activity). */
  live: LiveFeed;
  /** Messaging's read model of accounts' customers. */
  directory: CustomerDirectory;
  /** Billing's invoices, sales' quotes and orders, documents' documents, and their system items. */
  subjects: Subjects;
  threads: ThreadService;
  threadReads: ThreadReads;
  comments: CommentService;
  commentReads: CommentReads;
  readStates: ReadStateService;
  limits: MessagingConfig['comments'];
}

/**
 * Per-request loaders, each through the principal's row-level scope: one
 * SQL statement per batch, whatever the list's length.
 */
export function createMessagingLoaders(services: MessagingServices, meta: RequestMeta) {
  const { principal } = meta;
  const counted = (read: (ids: readonly string[]) => Promise<Map<string, number>>) =>
    new DataLoader<string, number>(async (ids) => {
      const counts = await read(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    });
  return {
    thread: new DataLoader<string, Thread | null>(async (ids) => {
      const rows = await services.threadReads.findVisible(principal, ids);
      const byId = new Map(rows.map((t) => [t.id, t]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    comment: new DataLoader<string, Comment | null>(async (ids) => {
      const rows = await services.commentReads.findVisible(principal, ids);
      const byId = new Map(rows.map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    unreadCount: counted((ids) => services.readStates.unreadCounts(principal, ids)),
    commentCount: counted((ids) => services.commentReads.counts(principal, ids)),
    readPosition: counted((ids) => services.readStates.positions(principal, ids)),
    /** Timeline windows, keyed by thread and window: one batch per window asked for. */
    commentPage: new DataLoader<string, CommentPageResult>(async (keys) => {
      const groups = new Map<string, string[]>();
      for (const key of keys) {
        const [threadId, window] = splitPageKey(key);
        groups.set(window, [...(groups.get(window) ?? []), threadId]);
      }
      const pages = new Map<string, CommentPageResult>();
      for (const [window, threadIds] of groups) {
        const found = await services.commentReads.pages(
          principal,
          threadIds,
          JSON.parse(window) as CommentWindow,
        );
        for (const threadId of threadIds) {
          pages.set(`${threadId}\n${window}`, found.get(threadId) ?? emptyPage());
        }
      }
      return keys.map((key) => pages.get(key) ?? emptyPage());
    }),
    revisions: new DataLoader<string, CommentRevision[]>(async (ids) =>
      groupByKeys(await services.commentReads.revisions(ids), (r) => r.commentId, ids),
    ),
  };
}

/** A `commentPage` key: the thread and the window asked for. */
export function commentPageKey(threadId: string, window: CommentWindow): string {
  const { first = null, after = null, last = null, before = null } = window;
  return `${threadId}\n${JSON.stringify({ first, after, last, before })}`;
}

function splitPageKey(key: string): [string, string] {
  const at = key.indexOf('\n');
  return [key.slice(0, at), key.slice(at + 1)];
}

export type MessagingLoaders = ReturnType<typeof createMessagingLoaders>;

export interface MessagingContext extends BaseContext {
  services: MessagingServices;
  loaders: MessagingLoaders;
}

export function createMessagingContext(
  services: MessagingServices,
  meta: RequestMeta,
): MessagingContext {
  return { ...meta, services, loaders: createMessagingLoaders(services, meta) };
}
