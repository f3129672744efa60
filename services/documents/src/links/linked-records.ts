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
import type { AttachmentKind } from '../document/document.entity';
import { refused } from '../document/document.rules';
import { LinkedRecord } from './linked-record.entity';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** Consumer names, the same in every instance of documents. */
export const BILLING_CONSUMER = 'documents.billing';
export const SALES_CONSUMER = 'documents.sales';

/**
 * Records `kind` from an event naming it by `idField`, in the state the
 * event type implies (null: the payload's `status`, as order events carry it).
 */
function recordFrom(kind: AttachmentKind, idField: string, state: string | null): EventHandler {
  return async (manager: EntityManager, event: EventEnvelope) => {
    const p = isObj(event.payload) ? event.payload : {};
    const id = str(p[idField]);
    const customerId = str(p.customerId) ?? event.customerId ?? null;
    if (!id || !customerId) return;
    const repo = manager.getRepository(LinkedRecord);
    const known = await repo.findOneBy({ kind, id });
    // A record never changes customer; an event saying otherwise is not believed.
    if (known && known.customerId !== customerId) return;
    const row = {
      kind,
      id,
      customerId,
      number: str(p.number) ?? known?.number ?? null,
      state: state ?? str(p.status) ?? known?.state ?? 'known',
      updatedAt: new Date(),
    };
    if (known) await repo.update({ kind, id }, row);
    else await repo.insert(row);
  };
}

/** Orders arrive from quotes converting as well as from order events. */
function orderFromConversion(manager: EntityManager, event: EventEnvelope): Promise<void> {
  const p = isObj(event.payload) ? event.payload : {};
  return recordFrom(
    'purchase_order',
    'purchaseOrderId',
    'confirmed',
  )(manager, {
    ...event,
    payload: { ...p, number: p.purchaseOrderNumber },
  });
}

/**
 * What documents knows of the records a document can be attached to:
 * billing's issued invoices, sales' sent quotes and its orders, each with its
 * customer, kept from their events (applied once each). Drafts are not
 * published, so a document attaches to what the customer can see.
 */
export class LinkedRecords {
  readonly billing: EventConsumer;
  readonly sales: EventConsumer;
  private readonly catchUps = new Map<string, () => Promise<boolean>>();

  constructor(private readonly db: Database) {
    this.billing = new EventConsumer(db, {
      name: BILLING_CONSUMER,
      handlers: {
        'invoice.issued': recordFrom('invoice', 'invoiceId', 'issued'),
        'invoice.voided': recordFrom('invoice', 'invoiceId', 'void'),
      },
    });
    const quote = (state: string) => recordFrom('quote', 'quoteId', state);
    const order = (state: string | null) => recordFrom('purchase_order', 'purchaseOrderId', state);
    this.sales = new EventConsumer(db, {
      name: SALES_CONSUMER,
      handlers: {
        'quote.sent': quote('sent'),
        'quote.revised': quote('sent'),
        'quote.accepted': quote('accepted'),
        'quote.declined': quote('declined'),
        'quote.changes_requested': quote('changes_requested'),
        'quote.withdrawn': quote('withdrawn'),
        'quote.converted': async (manager, event) => {
          await quote('converted')(manager, event);
          await orderFromConversion(manager, event);
        },
        'order.created': order(null),
        'order.updated': order(null),
        'order.status_changed': order(null),
      },
    });
  }

  /** Follows billing's and sales' feeds; a miss catches up with the producer before refusing. */
  follow(
    transport: EventTransport,
    feeds: { billing: string; sales: string },
    claimsSecret: string,
  ): EventFollow[] {
    const follows: EventFollow[] = [];
    for (const [producer, consumer] of [
      ['billing', this.billing],
      ['sales', this.sales],
    ] as const) {
      const follow = transport.follow(producer, consumer);
      this.catchUps.set(producer, async () =>
        follow.caughtUp(await fetchFeedHead(feeds[producer], claimsSecret, 2_000), 3_000),
      );
      follows.push(follow);
    }
    return follows;
  }

  find(kind: AttachmentKind, id: string): Promise<LinkedRecord | null> {
    return this.db.manager.getRepository(LinkedRecord).findOneBy({ kind, id });
  }

  /**
   * The record a document is to be attached to, when it exists and is the
   * customer's; otherwise BAD_USER_INPUT (reason attachment-not-found: no
   * oracle of other customers' records).
   */
  async require(kind: AttachmentKind, id: string, customerId: string): Promise<LinkedRecord> {
    let record = await this.find(kind, id);
    if (!record) {
      const producer = kind === 'invoice' ? 'billing' : 'sales';
      // Something committed a moment ago (an invoice just issued) is applied first.
      await this.catchUps
        .get(producer)?.()
        .catch(() => false);
      record = await this.find(kind, id);
    }
    if (!record || record.customerId !== customerId) {
      throw refused(
        `No such ${kind.replace('_', ' ')} for this customer`,
        'attachment-not-found',
        'attachTo',
      );
    }
    return record;
  }
}
