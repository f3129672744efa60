import {
  LiveFeed,
  Outbox,
  buildFederatedSchema,
  canSeeCustomer,
  throttledLog,
  type Database,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { CustomerDirectory } from '@portico/commerce';
import { CommentReads } from './comment/comment.reads';
import { CommentResolver } from './comment/comment.resolver';
import { CommentService } from './comment/comment.service';
import type { Comment } from './comment/comment.types';
import type { MessagingConfig } from './config';
import { createMessagingContext, type MessagingContext, type MessagingServices } from './context';
import {
  CustomerThreadsResolver,
  DocumentThreadResolver,
  InvoiceThreadResolver,
  PurchaseOrderThreadResolver,
  QuoteThreadResolver,
} from './federation/contributions.resolver';
import { MessagingLiveResolver } from './live/live.resolver';
import { ReadStateService } from './read-state/read-state.service';
import { Subjects } from './subjects/subjects';
import { ThreadReads } from './thread/thread.reads';
import { ThreadResolver } from './thread/thread.resolver';
import { ThreadService } from './thread/thread.service';
import type { Thread } from './thread/thread.types';

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'messaging';

/**
 * `_entities` for the stubs of other subgraphs' records: the reference
 * resolves to the bare key, and what messaging adds to it goes through the
 * principal's scope.
 */
function bareReference(reference: { id: string }): { id: string } {
  return { id: reference.id };
}

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [
      ThreadResolver,
      CommentResolver,
      MessagingLiveResolver,
      CustomerThreadsResolver,
      InvoiceThreadResolver,
      QuoteThreadResolver,
      PurchaseOrderThreadResolver,
      DocumentThreadResolver,
    ],
    referenceResolvers: {
      Customer: {
        __resolveReference: (ref: { id: string }, ctx: MessagingContext) =>
          canSeeCustomer(ctx.principal, ref.id) ? { id: ref.id } : null,
      },
      Invoice: { __resolveReference: bareReference },
      Quote: { __resolveReference: bareReference },
      PurchaseOrder: { __resolveReference: bareReference },
      Document: { __resolveReference: bareReference },
      Author: { __resolveReference: bareReference },
      StaffUser: { __resolveReference: bareReference },
      // Through the principal's row-level scope: out of scope is null.
      Thread: {
        __resolveReference: (ref: { id: string }, ctx: MessagingContext): Promise<Thread | null> =>
          ctx.loaders.thread.load(ref.id),
      },
      Comment: {
        __resolveReference: (ref: { id: string }, ctx: MessagingContext): Promise<Comment | null> =>
          ctx.loaders.comment.load(ref.id),
      },
    } as never,
  });
}

export function createServices(
  db: Database,
  config: Pick<MessagingConfig, 'comments'> & Partial<Pick<MessagingConfig, 'live'>>,
): MessagingServices {
  const outbox = new Outbox(db, name);
  const live = new LiveFeed(outbox, {
    ...config.live,
    onError: throttledLog('messaging: live events'),
  });
  const directory = new CustomerDirectory(db, 'messaging.directory');
  const subjects = new Subjects(db);
  const threadReads = new ThreadReads(db);
  const threads = new ThreadService(db, outbox, directory, subjects, threadReads);
  return {
    db,
    outbox,
    live,
    directory,
    subjects,
    threads,
    threadReads,
    comments: new CommentService(db, outbox, subjects, threads, config.comments),
    commentReads: new CommentReads(db),
    readStates: new ReadStateService(db, outbox),
    limits: config.comments,
  };
}

export function createContext(services: MessagingServices, meta: RequestMeta): MessagingContext {
  return createMessagingContext(services, meta);
}

export { loadConfig, type MessagingConfig } from './config';
export { openMessagingDatabase } from './db/database';
export { startMessaging, type RunningMessaging } from './server';
export {
  messagingEvents,
  type MessagingEventType,
  type CommentPostedPayload,
} from './events/messaging-events';
export { loadCommentInScope, unreadForViewer } from './comment/comment.live';
export { threadIdOf, parseThreadId } from './thread/thread-id';
export type { MessagingServices } from './context';
