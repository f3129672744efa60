import { randomUUID } from 'node:crypto';
import { buildSchema } from 'graphql';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createEventTables,
  defineEventCatalog,
  eventFeedRoute,
  EVENT_ENTITIES,
  EVENTS_FEED_PATH,
  eventType,
  openDatabase,
  Outbox,
  startSubgraphServer,
  testing,
  type Database,
  type NewEvent,
  type RunningSubgraph,
} from '@portico/kit';
// Documents' own database and event catalog: the producer accounts follows.
import { openDocumentsDatabase } from '../../documents/src/db/database';
import {
  documentsEvents,
  type DocumentEventPayload,
} from '../../documents/src/events/documents-events';

/** An outbox's tables and nothing else, for a producer whose service is not in this repository yet. */
class MessagingEventTables1764400000001 implements MigrationInterface {
  name = 'MessagingEventTables1764400000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
  }
  async down(): Promise<void> {}
}

type Author = { kind: 'contact'; contactId: string } | { kind: 'staff'; staffUserId: string };

/** messaging's `comment.posted`, as its event contract defines it. */
export interface CommentPostedPayload {
  commentId: string;
  threadId: string;
  customerId: string;
  position: number;
  subject: {
    kind: 'general' | 'invoice' | 'quote' | 'purchase_order' | 'document';
    id: string | null;
    label: string | null;
  };
  kind: 'message' | 'internal_note' | 'system';
  author: Author | null;
  assigneeStaffUserId: string | null;
  systemType: string | null;
}

export const messagingEvents = defineEventCatalog('messaging', {
  'comment.posted': eventType<CommentPostedPayload>({ schemaVersion: 1, aggregateType: 'thread' }),
});

/** A producer's outbox served on its feed route over real HTTP (port 0). */
export interface Producer {
  db: Database;
  outbox: Outbox;
  feedUrl: string;
  /** Records the event in a transaction of the producer's, numbered once committed; its position. */
  publish(event: NewEvent): Promise<number>;
  close(): Promise<void>;
}

async function serve(db: Database, name: string, drop: () => Promise<void>): Promise<Producer> {
  const outbox = new Outbox(db, name, {
    pollMs: 50,
    maxWaitMs: 1_000,
    retainMs: 60 * 60_000,
    pruneEveryMs: 60 * 60_000,
    batchSize: 50,
  });
  outbox.start();
  let server: RunningSubgraph;
  try {
    server = await startSubgraphServer({
      name,
      schema: buildSchema('type Query { ok: Boolean }'),
      claimsSecret: testing.TEST_CLAIMS_SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => ({ ...meta }),
      internalRoutes: { [EVENTS_FEED_PATH]: eventFeedRoute(outbox) },
    });
  } catch (error) {
    await outbox.close();
    await db.dataSource.destroy();
    await drop();
    throw error;
  }
  return {
    db,
    outbox,
    feedUrl: server.url.replace(/\/graphql$/, EVENTS_FEED_PATH),
    publish: async (event) => {
      await outbox.transaction((_manager, emit) => emit(event));
      return outbox.head();
    },
    close: async () => {
      await server.close();
      await outbox.close();
      await db.dataSource.destroy();
      await drop();
    },
  };
}

export async function startMessagingProducer(target: testing.DatabaseTarget): Promise<Producer> {
  const database = await target.create('messaging');
  const db = await openDatabase(database.config, {
    entities: EVENT_ENTITIES,
    migrations: [MessagingEventTables1764400000001],
  });
  return serve(db, 'messaging', database.drop);
}

export async function startDocumentsProducer(target: testing.DatabaseTarget): Promise<Producer> {
  const database = await target.create('documents');
  const db = await openDocumentsDatabase(database.config);
  return serve(db, 'documents', database.drop);
}

/** A `comment.posted` event of messaging's contract; the rest of the payload defaults. */
export function commentPosted(
  input: Partial<CommentPostedPayload> & Pick<CommentPostedPayload, 'customerId' | 'author'>,
): NewEvent<CommentPostedPayload> {
  const threadId = input.threadId ?? randomUUID();
  return messagingEvents.create('comment.posted', {
    aggregateId: threadId,
    customerId: input.customerId,
    payload: {
      commentId: randomUUID(),
      threadId,
      position: 1,
      subject: { kind: 'general', id: null, label: null },
      kind: 'message',
      assigneeStaffUserId: null,
      systemType: null,
      ...input,
    },
  });
}

/** documents' `document.shared` for a document shared with `customerId`. */
export function documentShared(
  customerId: string,
  title: string,
  documentId = randomUUID(),
): NewEvent<DocumentEventPayload> {
  return documentsEvents.create('document.shared', {
    aggregateId: documentId,
    customerId,
    payload: {
      documentId,
      customerId,
      title,
      category: 'PRICE_LIST',
      version: 1,
      fileName: 'prices.pdf',
      actor: { kind: 'business' },
      attachedTo: null,
      acknowledgementRequired: false,
    },
  });
}
