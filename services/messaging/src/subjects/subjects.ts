import type { EntityManager } from 'typeorm';
import {
  EventConsumer,
  fetchFeedHead,
  type Database,
  type EventEnvelope,
  type EventFollow,
  type EventHandler,
  type EventTransport,
} from '@portico/kit';
import type { RecordKind, ThreadKey } from '../thread/thread-id';
import { appendItem, ensureThread, lockThread } from '../thread/timeline';
import { threadIdOf } from '../thread/thread-id';
import { SubjectRow } from './subject.entity';
import { isObj, str, systemText } from './system-items';

/** Consumer names, the same in every instance of messaging. */
export const BILLING_CONSUMER = 'messaging.billing';
export const SALES_CONSUMER = 'messaging.sales';
export const DOCUMENTS_CONSUMER = 'messaging.documents';

export type Producer = 'billing' | 'sales' | 'documents';

const PRODUCER_OF: Record<RecordKind, Producer> = {
  invoice: 'billing',
  quote: 'sales',
  purchase_order: 'sales',
  document: 'documents',
};

/**
 * Records `kind` named by the payload's `idField` (label from `labelField`),
 * in `state` (null: the payload's `status`). A record never changes
 * customer; an event saying otherwise is not believed (null returned).
 */
async function recordSubject(
  manager: EntityManager,
  event: EventEnvelope,
  kind: RecordKind,
  fields: { id: string; label: string },
  state: string | null,
): Promise<SubjectRow | null> {
  const p = isObj(event.payload) ? event.payload : {};
  const id = str(p[fields.id]);
  const customerId = str(p.customerId) ?? event.customerId ?? null;
  if (!id || !customerId) return null;
  const repo = manager.getRepository(SubjectRow);
  const known = await repo.findOneBy({ kind, id });
  if (known && known.customerId !== customerId) return null;
  const label = str(p[fields.label]);
  const row: SubjectRow = {
    kind,
    id,
    customerId,
    label: label ? [...label].slice(0, 200).join('') : (known?.label ?? null),
    state: state ?? str(p.status)?.slice(0, 20) ?? known?.state ?? 'known',
    updatedAt: new Date(),
  };
  if (known) await repo.update({ kind, id }, row);
  else await repo.insert(row);
  return row;
}

/** A system item for `event` in the thread of `key` (its row written on first use). */
async function postSystemItem(
  manager: EntityManager,
  event: EventEnvelope,
  key: ThreadKey,
  customerId: string,
  label: string | null,
): Promise<void> {
  const p = isObj(event.payload) ? event.payload : {};
  const body = systemText(event.type, p, label);
  if (!body) return;
  await ensureThread(manager, key, customerId);
  const thread = await lockThread(manager, threadIdOf(key));
  if (!thread || thread.customerId !== customerId) return;
  await appendItem(manager, thread, {
    kind: 'system',
    authorId: null,
    body,
    systemType: event.type,
    sourceEventId: event.id,
  });
}

/** The record is known (and kept); the event shows in its thread when `show`. */
function subject(
  kind: RecordKind,
  fields: { id: string; label: string },
  state: string | null,
  show: boolean,
): EventHandler {
  return async (manager, event) => {
    const row = await recordSubject(manager, event, kind, fields, state);
    if (row && show) {
      await postSystemItem(manager, event, { kind, id: row.id }, row.customerId, row.label);
    }
  };
}

/** A payment shows in the thread of each invoice it paid (the general one when it paid none known). */
const paymentSucceeded: EventHandler = async (manager, event) => {
  const p = isObj(event.payload) ? event.payload : {};
  const customerId = str(p.customerId) ?? event.customerId;
  if (!customerId) return;
  const invoiceIds = Array.isArray(p.invoiceIds)
    ? [...new Set(p.invoiceIds.filter((v): v is string => typeof v === 'string' && v !== ''))]
    : [];
  let shown = 0;
  for (const invoiceId of invoiceIds) {
    const invoice = await manager
      .getRepository(SubjectRow)
      .findOneBy({ kind: 'invoice', id: invoiceId });
    if (!invoice || invoice.customerId !== customerId) continue;
    await postSystemItem(
      manager,
      event,
      { kind: 'invoice', id: invoiceId },
      customerId,
      invoice.label,
    );
    shown += 1;
  }
  if (shown === 0) {
    await postSystemItem(manager, event, { kind: 'general', id: customerId }, customerId, null);
  }
};

/** Orders are first heard of when a quote converts, as well as from order events. */
const quoteConverted: EventHandler = async (manager, event) => {
  await recordSubject(manager, event, 'quote', QUOTE, 'converted');
  await recordSubject(manager, event, 'purchase_order', CONVERTED_ORDER, 'confirmed');
};

const INVOICE = { id: 'invoiceId', label: 'number' };
const QUOTE = { id: 'quoteId', label: 'number' };
const ORDER = { id: 'purchaseOrderId', label: 'number' };
const CONVERTED_ORDER = { id: 'purchaseOrderId', label: 'purchaseOrderNumber' };
const DOCUMENT = { id: 'documentId', label: 'title' };

/**
 * What messaging knows of the records threads are about, and the system
 * items their events put in those threads: one consumer per producer, each
 * event applied once (its inbox row, the read model, the system item and
 * its comment.posted event commit together).
 */
export class Subjects {
  readonly billing: EventConsumer;
  readonly sales: EventConsumer;
  readonly documents: EventConsumer;
  private readonly catchUps = new Map<Producer, () => Promise<boolean>>();

  constructor(private readonly db: Database) {
    this.billing = new EventConsumer(db, {
      name: BILLING_CONSUMER,
      handlers: {
        'invoice.issued': subject('invoice', INVOICE, 'issued', true),
        'invoice.voided': subject('invoice', INVOICE, 'void', false),
        'payment.succeeded': paymentSucceeded,
      },
    });
    const quote = (state: string, show: boolean) => subject('quote', QUOTE, state, show);
    const order = (show: boolean) => subject('purchase_order', ORDER, null, show);
    this.sales = new EventConsumer(db, {
      name: SALES_CONSUMER,
      handlers: {
        'quote.sent': quote('sent', true),
        'quote.revised': quote('sent', false),
        'quote.accepted': quote('accepted', true),
        'quote.declined': quote('declined', true),
        'quote.changes_requested': quote('changes_requested', true),
        'quote.withdrawn': quote('withdrawn', false),
        'quote.converted': quoteConverted,
        'order.created': order(false),
        'order.updated': order(false),
        'order.status_changed': order(true),
        'order.shipment_added': order(true),
        'order.shipment_delivered': order(true),
        'order.invoiced': order(false),
      },
    });
    const document = (state: string, show: boolean) => subject('document', DOCUMENT, state, show);
    this.documents = new EventConsumer(db, {
      name: DOCUMENTS_CONSUMER,
      handlers: {
        'document.shared': document('shared', true),
        'document.version_added': document('shared', false),
        'document.received': document('received', false),
        'document.acknowledged': document('shared', true),
      },
    });
  }

  consumer(producer: Producer): EventConsumer {
    return this[producer];
  }

  /** Follows the three producers' feeds; a miss catches up with the producer before refusing. */
  follow(
    transport: EventTransport,
    feeds: Record<Producer, string>,
    claimsSecret: string,
  ): EventFollow[] {
    const follows: EventFollow[] = [];
    for (const producer of ['billing', 'sales', 'documents'] as const) {
      const follow = transport.follow(producer, this.consumer(producer));
      this.catchUps.set(producer, async () =>
        follow.caughtUp(await fetchFeedHead(feeds[producer], claimsSecret, 2_000), 3_000),
      );
      follows.push(follow);
    }
    return follows;
  }

  find(
    kind: RecordKind,
    id: string,
    manager: EntityManager = this.db.manager,
  ): Promise<SubjectRow | null> {
    return manager.getRepository(SubjectRow).findOneBy({ kind, id });
  }

  /** The record, catching up with its producer once when it is not known yet. */
  async findFresh(kind: RecordKind, id: string): Promise<SubjectRow | null> {
    const found = await this.find(kind, id);
    if (found) return found;
    await this.catchUps
      .get(PRODUCER_OF[kind])?.()
      .catch(() => false);
    return this.find(kind, id);
  }
}
