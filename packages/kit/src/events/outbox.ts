import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import { forUpdate, type Database } from '../db/data-source';
import type { EventEnvelope, NewEvent } from './envelope';
import { OutboxFollower, OutboxRow, OutboxState } from './event-tables';

export interface OutboxOptions {
  /** How often the sequencer and waiting readers look at the table (rows committed by another instance). */
  pollMs: number;
  /** Longest a reader is held waiting for an event. */
  maxWaitMs: number;
  /** Rows stay at least this long after every known consumer has passed them. */
  retainMs: number;
  /** How often old rows are looked for. */
  pruneEveryMs: number;
  batchSize: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  pollMs: 500,
  maxWaitMs: 25_000,
  retainMs: 7 * 24 * 60 * 60_000,
  pruneEveryMs: 60_000,
  batchSize: 500,
};

const SEQUENCE = 'sequence';

/** Where a consumer stands, as the producer learns it: everything up to `position` applied. */
export type ProgressSource = () => Promise<number[]>;

export function toEnvelope(producer: string, row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    producer,
    type: row.type,
    schemaVersion: row.schemaVersion,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    customerId: row.customerId,
    occurredAt: row.occurredAt.toISOString(),
    payload: JSON.parse(row.payload) as unknown,
    position: row.position as number,
    previousPosition: row.previousPosition,
  };
}

/**
 * Writes events into the outbox in the caller's transaction (what
 * `Outbox.record` does, for code that holds only the transaction); the
 * process's outbox numbers them after commit.
 */
export async function recordEvents(
  manager: EntityManager,
  events: NewEvent | NewEvent[],
): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  await manager.getRepository(OutboxRow).insert(
    list.map((event) => ({
      id: event.id ?? randomUUID(),
      position: null,
      previousPosition: null,
      type: event.type,
      schemaVersion: event.schemaVersion,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      customerId: event.customerId,
      occurredAt: event.occurredAt ?? new Date(),
      payload: JSON.stringify(event.payload ?? null),
      sequencedAt: null,
    })),
  );
}

/**
 * A producer's outbox. `record()` writes events inside the caller's
 * transaction, so an event exists exactly when its change does. After commit
 * a sequencer gives committed rows their positions, one batch at a time under
 * a row lock, so positions follow commit order with no gaps and a reader never
 * passes a row that is still committing. Events of one aggregate keep their
 * order as long as they are written under that aggregate's row lock (an
 * UPDATE of the aggregate takes it). A producer that dies after commit loses
 * nothing: the next sequencer run, here or in another instance, numbers the rows.
 */
export class Outbox {
  private readonly waiters = new Set<() => void>();
  private readonly sequencedListeners = new Set<() => void>();
  private readonly progressSources: ProgressSource[] = [];
  private readonly prunedListeners = new Set<(position: number) => void>();
  /** (time, lowest position every known consumer had passed) samples, oldest first. */
  private readonly passedSamples: Array<{ at: number; position: number }> = [];
  private sequencing: Promise<number> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastPrunedAt = Date.now();
  private closed = false;

  constructor(
    private readonly db: Database,
    readonly producer: string,
    private readonly options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
  ) {
    this.progressSources.push(() => this.followerPositions());
  }

  /** Writes the events in the caller's transaction; await `notify()` once it committed. */
  record(manager: EntityManager, events: NewEvent | NewEvent[]): Promise<void> {
    return recordEvents(manager, events);
  }

  /**
   * Runs `work` in a transaction whose `emit` records events with it, and
   * has them sequenced as soon as it committed.
   */
  async transaction<T>(
    work: (manager: EntityManager, emit: (event: NewEvent) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const result = await this.db.transaction((manager) =>
      work(manager, (event) => this.record(manager, event)),
    );
    // Numbered before the caller answers, so a client that goes on to another
    // service finds the event in the feed (read-your-writes across services).
    await this.notify();
    return result;
  }

  /** Starts the sequencer's polling (rows committed by a process that died, or by another instance). */
  start(): void {
    if (this.timer || this.closed) return;
    void this.notify();
    this.timer = setInterval(() => void this.notify(), this.options.pollMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const wake of [...this.waiters]) wake();
    await this.sequencing?.catch(() => undefined);
  }

  /** Something committed: sequence it now; resolves once it is (a failure is left to the next poll). */
  async notify(): Promise<void> {
    if (this.closed) return;
    await this.sequence().catch(() => undefined);
  }

  /** Called whenever new positions were given out in this process (relays listen). */
  onSequenced(listener: () => void): () => void {
    this.sequencedListeners.add(listener);
    return () => this.sequencedListeners.delete(listener);
  }

  /** Called with the position up to which rows were deleted (a relay trims its stream with it). */
  onPruned(listener: (position: number) => void): () => void {
    this.prunedListeners.add(listener);
    return () => this.prunedListeners.delete(listener);
  }

  /** Adds a source of consumer positions that retention must respect (e.g. Redis consumer groups). */
  addProgressSource(source: ProgressSource): void {
    this.progressSources.push(source);
  }

  /** Numbers every committed, unnumbered row; resolves with how many it numbered. */
  sequence(): Promise<number> {
    if (this.sequencing) {
      this.again = true;
      return this.sequencing;
    }
    const run = (async () => {
      let total = 0;
      do {
        this.again = false;
        for (;;) {
          const n = await this.sequenceBatch();
          total += n;
          if (n < this.options.batchSize) break;
        }
      } while (this.again && !this.closed);
      return total;
    })();
    this.sequencing = run;
    void run
      .then((n) => {
        if (n > 0) this.wakeReaders();
      })
      .catch(() => undefined)
      .finally(() => {
        this.sequencing = null;
        this.maybePrune();
      });
    return run;
  }

  private async sequenceBatch(): Promise<number> {
    const waiting = await this.db.manager
      .getRepository(OutboxRow)
      .findOne({ where: { position: IsNull() }, select: { serial: true } });
    if (!waiting) return 0;
    return this.db.transaction(async (manager) => {
      const states = manager.getRepository(OutboxState);
      await states
        .createQueryBuilder()
        .insert()
        .values({ name: SEQUENCE, position: 0 })
        .orIgnore()
        .execute();
      // The lock comes before any plain read: on MySQL the transaction's
      // snapshot is taken at its first plain read, and it must include what
      // another instance's sequencer committed before we got the lock.
      const state = await states.findOneOrFail({
        where: { name: SEQUENCE },
        ...forUpdate(manager),
      });
      const rows = await manager.getRepository(OutboxRow).find({
        where: { position: IsNull() },
        order: { serial: 'ASC' },
        take: this.options.batchSize,
      });
      if (rows.length === 0) return 0;
      const last = await this.lastPositions(manager, rows);
      let next = state.position;
      const now = new Date();
      for (const row of rows) {
        next += 1;
        const key = `${row.aggregateType}\u0000${row.aggregateId}`;
        await manager
          .getRepository(OutboxRow)
          .update(
            { serial: row.serial, position: IsNull() },
            { position: next, previousPosition: last.get(key) ?? null, sequencedAt: now },
          );
        last.set(key, next);
      }
      await states.update({ name: SEQUENCE }, { position: next });
      return rows.length;
    });
  }

  /** The newest position of each aggregate among these rows, one query per aggregate type. */
  private async lastPositions(
    manager: EntityManager,
    rows: OutboxRow[],
  ): Promise<Map<string, number>> {
    const byType = new Map<string, Set<string>>();
    for (const row of rows) {
      const ids = byType.get(row.aggregateType) ?? new Set<string>();
      ids.add(row.aggregateId);
      byType.set(row.aggregateType, ids);
    }
    const last = new Map<string, number>();
    for (const [type, ids] of byType) {
      const found = await manager
        .getRepository(OutboxRow)
        .createQueryBuilder('o')
        .select('o.aggregateId', 'aggregateId')
        .addSelect('MAX(o.position)', 'position')
        .where('o.aggregateType = :type', { type })
        .andWhere('o.aggregateId IN (:...ids)', { ids: [...ids] })
        .andWhere('o.position IS NOT NULL')
        .groupBy('o.aggregateId')
        .getRawMany<{ aggregateId: string; position: string | number | null }>();
      for (const f of found) {
        if (f.position !== null) last.set(`${type}\u0000${f.aggregateId}`, Number(f.position));
      }
    }
    return last;
  }

  private wakeReaders(): void {
    for (const wake of [...this.waiters]) wake();
    for (const listener of [...this.sequencedListeners]) listener();
  }

  /** Sequenced events after `after`, in order. */
  async read(after: number, limit = this.options.batchSize): Promise<EventEnvelope[]> {
    const rows = await this.db.manager.getRepository(OutboxRow).find({
      where: { position: MoreThan(after) },
      order: { position: 'ASC' },
      take: Math.min(Math.max(limit, 1), this.options.batchSize),
    });
    return rows.map((row) => toEnvelope(this.producer, row));
  }

  /** Like `read`, waiting up to `waitMs` for an event when there is none yet. */
  async readWaiting(
    after: number,
    waitMs: number,
    limit?: number,
    signal?: AbortSignal,
  ): Promise<EventEnvelope[]> {
    const deadline = Date.now() + Math.min(Math.max(waitMs, 0), this.options.maxWaitMs);
    for (;;) {
      const events = await this.read(after, limit);
      const left = deadline - Date.now();
      if (events.length > 0 || left <= 0 || this.closed || signal?.aborted) return events;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, this.options.pollMs));
        this.waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** The last position given out (0 before the first). */
  async head(): Promise<number> {
    const state = await this.db.manager
      .getRepository(OutboxState)
      .findOne({ where: { name: SEQUENCE } });
    return state?.position ?? 0;
  }

  /** Remembers how far a consumer following the feed has applied. */
  async recordFollower(consumer: string, position: number): Promise<void> {
    await this.db.manager
      .getRepository(OutboxFollower)
      .upsert({ consumer, position, seenAt: new Date() }, ['consumer']);
  }

  private async followerPositions(): Promise<number[]> {
    const rows = await this.db.manager.getRepository(OutboxFollower).find();
    return rows.map((r) => r.position);
  }

  private maybePrune(): void {
    const now = Date.now();
    if (this.closed || now - this.lastPrunedAt < this.options.pruneEveryMs) return;
    this.lastPrunedAt = now;
    void this.prune(now).catch(() => undefined);
  }

  /**
   * Deletes rows that every known consumer passed at least `retainMs` ago.
   * With no consumer known, nothing is deleted. Passing times are sampled in
   * memory: after a restart rows are kept longer, never shorter.
   */
  async prune(now = Date.now()): Promise<number> {
    const positions = (await Promise.all(this.progressSources.map((source) => source()))).flat();
    if (positions.length > 0) {
      const passed = Math.min(...positions);
      const newest = this.passedSamples[this.passedSamples.length - 1];
      if (!newest || newest.position !== passed) {
        this.passedSamples.push({ at: now, position: passed });
        if (this.passedSamples.length > 10_000) this.passedSamples.splice(0, 5_000);
      }
    }
    if (positions.length === 0) return 0;
    const current = Math.min(...positions);
    let deletable: number | null = null;
    while (
      this.passedSamples.length > 0 &&
      now - this.passedSamples[0].at >= this.options.retainMs
    ) {
      deletable = this.passedSamples[0].position;
      if (this.passedSamples.length === 1) break;
      this.passedSamples.shift();
    }
    if (deletable === null) return 0;
    // A consumer that appeared since the sample was taken has not passed it.
    deletable = Math.min(deletable, current);
    if (deletable <= 0) return 0;
    const result = await this.db.manager.getRepository(OutboxRow).delete({
      position: LessThanOrEqual(deletable),
      sequencedAt: LessThan(new Date(now - this.options.retainMs)),
    });
    for (const listener of [...this.prunedListeners]) listener(deletable);
    return result.affected ?? 0;
  }
}
