import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import type { Database } from '@portico/kit';
import { OutboxEvent } from './outbox.entity';

export type BillingEventType =
  | 'invoice.issued'
  | 'invoice.voided'
  | 'payment.succeeded'
  | 'payment.failed'
  | 'payment.refunded'
  | 'credit.applied';

export interface BillingEvent {
  id: string;
  type: BillingEventType;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export type EventListener = (event: BillingEvent) => void | Promise<void>;

/** Records an event inside the caller's transaction. */
export async function recordEvent(
  manager: EntityManager,
  type: BillingEventType,
  payload: Record<string, unknown>,
): Promise<void> {
  await manager.getRepository(OutboxEvent).insert({
    id: randomUUID(),
    type,
    payload: JSON.stringify(payload),
    createdAt: new Date(),
    publishedAt: null,
  });
}

/**
 * In-process event bus fed from the outbox: after a commit, `flush()` hands
 * unpublished events to the listeners in order and marks them published. A
 * listener that throws leaves its event unpublished for the next flush.
 */
export class OutboxPublisher {
  private readonly listeners: EventListener[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.publishPending()).catch(() => undefined);
    return this.flushing;
  }

  private async publishPending(): Promise<void> {
    const repo = this.db.manager.getRepository(OutboxEvent);
    const pending = await repo.find({
      where: { publishedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 500,
    });
    for (const row of pending) {
      const event: BillingEvent = {
        id: row.id,
        type: row.type as BillingEventType,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        createdAt: row.createdAt,
      };
      for (const listener of this.listeners) await listener(event);
      await repo.update({ id: row.id }, { publishedAt: new Date() });
    }
  }
}
