import type { EntityManager } from 'typeorm';
import { forUpdate, type Database } from '../db/data-source';
import type { EventEnvelope } from './envelope';
import { AggregatePosition, ConsumerCursor, InboxRow } from './event-tables';

/** Applies one event's effect inside the consumer's transaction. */
export type EventHandler = (manager: EntityManager, event: EventEnvelope) => Promise<void>;

/**
 * What became of a delivery: applied now, applied before (a redelivery), or
 * deferred because an earlier event of the same aggregate has not been applied
 * yet (another instance of this consumer holds it); a deferred event is
 * delivered again later.
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'deferred';

export interface EventConsumerOptions {
  /** The consumer's name, the same in every instance (e.g. `billing.customer-directory`). */
  name: string;
  /** Effects per event type; events of other types are recorded and otherwise ignored. */
  handlers: Record<string, EventHandler>;
}

function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e.code === 'ER_DUP_ENTRY' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.errno === 1062
  );
}

/**
 * Applies each event once: its effect, its inbox row, the consumer's
 * per-aggregate position and (for transports that deliver in order) its
 * cursor are written in one transaction, so a redelivery changes nothing and
 * a crash in between leaves no half-applied event.
 */
export class EventConsumer {
  constructor(
    private readonly db: Database,
    readonly options: EventConsumerOptions,
  ) {}

  get name(): string {
    return this.options.name;
  }

  /** Everything up to this position of `producer` has been applied (0 before the first). */
  async cursor(producer: string): Promise<number> {
    const row = await this.db.manager
      .getRepository(ConsumerCursor)
      .findOne({ where: { consumer: this.name, producer } });
    return row?.position ?? 0;
  }

  /**
   * Applies `event`. `inOrder` says the transport delivers this producer's
   * events one by one in position order (the HTTP feed): the cursor then
   * moves to the event's position.
   */
  async apply(event: EventEnvelope, inOrder = false): Promise<ApplyOutcome> {
    try {
      return await this.db.transaction((manager) => this.applyIn(manager, event, inOrder));
    } catch (error) {
      // Another instance applied it at the same moment; its transaction won.
      if (isDuplicateKey(error)) return 'duplicate';
      throw error;
    }
  }

  private async applyIn(
    manager: EntityManager,
    event: EventEnvelope,
    inOrder: boolean,
  ): Promise<ApplyOutcome> {
    const cursors = manager.getRepository(ConsumerCursor);
    const key = { consumer: this.name, producer: event.producer };
    await cursors
      .createQueryBuilder()
      .insert()
      .values({ ...key, position: 0, origin: event.position, updatedAt: new Date() })
      .orIgnore()
      .execute();
    // One lock per consumer and producer: instances sharing the work apply
    // one event at a time, which keeps the order checks below exact.
    const cursor = await cursors.findOneOrFail({ where: key, ...forUpdate(manager) });
    const seen = await manager
      .getRepository(InboxRow)
      .findOne({ where: { consumer: this.name, eventId: event.id } });
    if (seen) {
      if (inOrder) await this.advance(manager, cursor, event.position);
      return 'duplicate';
    }
    const aggregates = manager.getRepository(AggregatePosition);
    const aggregateKey = {
      consumer: this.name,
      producer: event.producer,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
    };
    const last = await aggregates.findOne({ where: aggregateKey });
    const previous = event.previousPosition;
    // Events before the consumer's first one were never expected, so an
    // aggregate whose history starts earlier is not waited for.
    if (previous !== null && previous >= cursor.origin && (last?.position ?? 0) < previous) {
      return 'deferred';
    }
    if (last && last.position >= event.position) {
      // Already past it for this aggregate (redelivery after the inbox was pruned).
      if (inOrder) await this.advance(manager, cursor, event.position);
      return 'duplicate';
    }
    const handler = this.options.handlers[event.type];
    if (handler) await handler(manager, event);
    await manager.getRepository(InboxRow).insert({
      consumer: this.name,
      eventId: event.id,
      producer: event.producer,
      position: event.position,
      appliedAt: new Date(),
    });
    await aggregates.upsert({ ...aggregateKey, position: event.position }, [
      'consumer',
      'producer',
      'aggregateType',
      'aggregateId',
    ]);
    if (inOrder) await this.advance(manager, cursor, event.position);
    return 'applied';
  }

  private async advance(
    manager: EntityManager,
    cursor: ConsumerCursor,
    position: number,
  ): Promise<void> {
    if (position <= cursor.position) return;
    await manager
      .getRepository(ConsumerCursor)
      .update(
        { consumer: cursor.consumer, producer: cursor.producer },
        { position, updatedAt: new Date() },
      );
  }
}
