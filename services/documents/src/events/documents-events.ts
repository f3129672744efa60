import type { EntityManager } from 'typeorm';
import { defineEventCatalog, eventType, recordEvents } from '@portico/kit';

/** Who did it: a contact of the customer or the business (never a staff member's own data). */
export type DocumentActor = { kind: 'contact'; contactId: string } | { kind: 'business' };

export interface DocumentEventPayload {
  documentId: string;
  customerId: string;
  title: string;
  category: string;
  /** The version the event is about. */
  version: number;
  fileName: string;
  actor: DocumentActor;
  attachedTo: { kind: string; id: string } | null;
  acknowledgementRequired: boolean;
}

export interface DocumentAcknowledgedPayload extends DocumentEventPayload {
  contactId: string;
  /** The name the contact signed with. */
  name: string;
  versionSha256: string;
}

/**
 * Every event documents publishes: messaging shows them in the customer's
 * timeline, notifications mail them. Only documents the customer can see
 * produce events (internal documents never do).
 */
export const documentsEvents = defineEventCatalog('documents', {
  /** A document the business shares became visible to the customer (its first file is stored). */
  'document.shared': eventType<DocumentEventPayload>({
    schemaVersion: 1,
    aggregateType: 'document',
  }),
  /** A new version of a visible document was stored. */
  'document.version_added': eventType<DocumentEventPayload>({
    schemaVersion: 1,
    aggregateType: 'document',
  }),
  /** A customer's contact sent the business a document. */
  'document.received': eventType<DocumentEventPayload>({
    schemaVersion: 1,
    aggregateType: 'document',
  }),
  'document.acknowledged': eventType<DocumentAcknowledgedPayload>({
    schemaVersion: 1,
    aggregateType: 'document',
  }),
});

type Definitions = (typeof documentsEvents)['definitions'];
export type DocumentsEventType = keyof Definitions & string;
type PayloadOf<T extends DocumentsEventType> = NonNullable<Definitions[T]['payload']>;

/** Records an event in the caller's transaction; the caller awaits `outbox.notify()` after commit. */
export function recordDocumentsEvent<T extends DocumentsEventType>(
  manager: EntityManager,
  type: T,
  payload: PayloadOf<T>,
): Promise<void> {
  return recordEvents(
    manager,
    documentsEvents.create(type, {
      aggregateId: payload.documentId,
      customerId: payload.customerId,
      payload,
    }),
  );
}
