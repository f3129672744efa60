import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createEventTables,
  decodeLiveCursor,
  encodeLiveCursor,
  EVENT_ENTITIES,
  LiveFeed,
  openDatabase,
  Outbox,
  testing,
  type Database,
  type EventEnvelope,
  type LiveSubscription,
  type OutboxOptions,
} from '../src';

/**
 * The live feed on real databases: replay after a cursor then live events
 * with no gap and no duplicate while changes commit concurrently, filters,
 * unsubscribing, slow subscribers, and two instances (two feeds and two
 * outboxes on one database) woken through a real Redis, or by polling when
 * Redis is away.
 */

class Tables1700000000101 implements MigrationInterface {
  name = 'Tables1700000000101';
  async up(q: QueryRunner): Promise<void> {
    await createEventTables(q);
  }
  async down(): Promise<void> {}
}

/** The outboxes' own polling is slow here: only what the test wakes on purpose delivers quickly. */
const OUTBOX: OutboxOptions = {
  pollMs: 60_000,
  maxWaitMs: 1_000,
  retainMs: 60 * 60_000,
  pruneEveryMs: 60 * 60_000,
  batchSize: 7,
};

async function waitFor<T>(
  what: string,
  check: () => T | false | Promise<T | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Pulls events into a list in the background until the subscription ends. */
function collect(subscription: LiveSubscription): {
  events: EventEnvelope[];
  ended: Promise<unknown>;
} {
  const events: EventEnvelope[] = [];
  const ended = (async () => {
    for await (const event of subscription) events.push(event);
  })().catch((error: unknown) => error);
  return { events, ended };
}

const redisUrl = testing.redisUrlForTests(process.env);

describe('live cursors', () => {
  it('round-trips a position and refuses anything else as BAD_USER_INPUT', () => {
    expect(decodeLiveCursor(encodeLiveCursor(0))).toBe(0);
    expect(decodeLiveCursor(encodeLiveCursor(123_456_789))).toBe(123_456_789);
    expect(decodeLiveCursor(null)).toBeNull();
    for (const bad of ['', 'nope', Buffer.from('live:-1').toString('base64url'), '!!']) {
      expect(() => decodeLiveCursor(bad)).toThrow(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
      );
    }
  });
});

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'live feed on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    let outbox: Outbox;
    let feed: LiveFeed;
    const producer = `live${randomUUID().slice(0, 8)}`;
    const errors: unknown[] = [];

    async function commit(o: Outbox, aggregateId: string, n = 1): Promise<void> {
      for (let i = 0; i < n; i += 1) {
        await o.transaction(async (_manager, emit) => {
          await emit({
            type: aggregateId.startsWith('odd') ? 'thing.odd' : 'thing.changed',
            schemaVersion: 1,
            aggregateType: 'thing',
            aggregateId,
            customerId: null,
            payload: { i },
          });
        });
      }
    }

    beforeAll(async () => {
      const created = await target.create('live');
      drop = created.drop;
      db = await openDatabase(created.config, {
        entities: EVENT_ENTITIES,
        migrations: [Tables1700000000101],
      });
      outbox = new Outbox(db, producer, OUTBOX);
      outbox.start();
      feed = new LiveFeed(outbox, { pollMs: 60_000, onError: (e) => errors.push(e) });
      feed.start();
    });

    afterAll(async () => {
      await feed?.close();
      await outbox?.close();
      await db?.dataSource.destroy();
      await drop?.();
    });

    it('replays what followed the cursor, then live events, with no gap and no duplicate while commits run', async () => {
      await commit(outbox, randomUUID(), 5);
      const from = await outbox.head();
      await commit(outbox, randomUUID(), 12);
      // Four writers keep committing while the subscriber replays and joins the tail.
      const writers = Promise.all(
        Array.from({ length: 4 }, () => commit(outbox, randomUUID(), 10)),
      );
      const subscription = feed.subscribe({ after: from });
      const { events } = collect(subscription);
      await writers;
      const head = await outbox.head();
      expect(head).toBe(from + 52);
      await waitFor('every event after the cursor', () => events.length >= head - from);
      await new Promise((r) => setTimeout(r, 200));
      expect(events.map((e) => e.position)).toEqual(
        Array.from({ length: head - from }, (_, i) => from + 1 + i),
      );
      await subscription.return();
    });

    it('sees nothing twice when its replay ran ahead of the shared tail', async () => {
      const start = await outbox.head();
      const first = feed.subscribe({ after: start });
      const one = collect(first);
      await commit(outbox, randomUUID());
      await waitFor('the first subscriber live', () => one.events.length === 1);
      // Committed and numbered by another instance: this process's tail does not hear of them.
      const elsewhere = new Outbox(db, producer, OUTBOX);
      await commit(elsewhere, randomUUID(), 5);
      await elsewhere.close();
      const second = feed.subscribe({ after: start + 1 });
      const two = collect(second);
      await waitFor('the replay', () => two.events.length === 5);
      // Now the tail reads the five and one more; the second subscriber has five of them already.
      await commit(outbox, randomUUID());
      await waitFor(
        'both at the new head',
        () => one.events.length === 7 && two.events.length === 6,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(one.events.map((e) => e.position)).toEqual(
        Array.from({ length: 7 }, (_, i) => start + 1 + i),
      );
      expect(two.events.map((e) => e.position)).toEqual(
        Array.from({ length: 6 }, (_, i) => start + 2 + i),
      );
      await first.return();
      await second.return();
    });

    it('starts from now without a cursor, and filters with an asynchronous accept', async () => {
      const subscription = feed.subscribe({
        accept: async (event) => {
          await new Promise((r) => setTimeout(r, 1));
          return event.type === 'thing.changed';
        },
      });
      const { events } = collect(subscription);
      // "From now" is fixed by one read of the head, just after subscribing.
      await new Promise((r) => setTimeout(r, 500));
      const before = await outbox.head();
      const wanted = randomUUID();
      await commit(outbox, `odd-${randomUUID()}`, 3);
      await commit(outbox, wanted, 2);
      await waitFor('the two wanted events', () => events.length >= 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(events.every((e) => e.type === 'thing.changed')).toBe(true);
      expect(events.map((e) => e.aggregateId)).toEqual([wanted, wanted]);
      expect(events.every((e) => e.position > before)).toBe(true);
      await subscription.return();
    });

    it('passes over what match refuses, in the replay and live, without queueing it', async () => {
      // A queue of two: the refused events would overflow it if they were queued.
      const small = new LiveFeed(outbox, { pollMs: 60_000, queueLimit: 2 });
      small.start();
      try {
        const wanted = randomUUID();
        const from = await outbox.head();
        await commit(outbox, `odd-${randomUUID()}`, 4);
        await commit(outbox, wanted);
        const accepted: number[] = [];
        const subscription = small.subscribe({
          after: from,
          match: (event) => event.aggregateId === wanted,
          accept: (event) => {
            accepted.push(event.position);
            return true;
          },
        });
        const replayed = await subscription.next();
        expect(replayed.value).toMatchObject({ aggregateId: wanted, position: from + 5 });
        // Live: five refused events while nobody pulls, then a wanted one.
        await commit(outbox, `odd-${randomUUID()}`, 5);
        await commit(outbox, wanted);
        const live = await subscription.next();
        expect(live.value).toMatchObject({ aggregateId: wanted, position: from + 11 });
        // Accept saw only what match let through.
        expect(accepted).toEqual([from + 5, from + 11]);
        expect(small.size).toBe(1);
        await subscription.return();
      } finally {
        await small.close();
      }
    });

    it('ends a waiting subscription at once on return() and lets go of it', async () => {
      const sizeBefore = feed.size;
      const subscription = feed.subscribe({ after: await outbox.head() });
      expect(feed.size).toBe(sizeBefore + 1);
      const pending = subscription.next();
      await new Promise((r) => setTimeout(r, 100));
      await subscription.return();
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      expect(feed.size).toBe(sizeBefore);
      await commit(outbox, randomUUID());
      await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('closes a subscriber that falls too far behind with a clear error', async () => {
      const small = new LiveFeed(outbox, { pollMs: 60_000, queueLimit: 3 });
      small.start();
      try {
        const subscription = small.subscribe({ after: await outbox.head() });
        const first = subscription.next();
        await commit(outbox, randomUUID());
        expect((await first).done).toBe(false);
        // Live now, and nobody pulls: the fourth queued event is one too many.
        await commit(outbox, randomUUID(), 5);
        await waitFor('the tail to read them', async () => small.size === 0);
        await expect(subscription.next()).rejects.toMatchObject({
          extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'subscriber-too-slow' },
        });
        await expect(subscription.next()).resolves.toMatchObject({ done: true });
      } finally {
        await small.close();
      }
    });

    it('completes its subscriptions when the feed closes', async () => {
      const other = new LiveFeed(outbox, { pollMs: 60_000 });
      const { ended } = collect(other.subscribe());
      expect(other.size).toBe(1);
      await other.close();
      await expect(ended).resolves.toBeUndefined();
      expect(other.size).toBe(0);
    });

    /** A second instance of the producer: its own outbox and feed on the same database. */
    function secondInstance(options: {
      redisUrl?: string;
      pollMs: number;
      onError?: (e: unknown) => void;
    }) {
      const a = new Outbox(db, producer, OUTBOX);
      const b = new Outbox(db, producer, OUTBOX);
      const prefix = `t${randomUUID().slice(0, 8)}:`;
      const feedA = new LiveFeed(a, { ...options, redisPrefix: prefix });
      const feedB = new LiveFeed(b, { ...options, redisPrefix: prefix });
      feedA.start();
      feedB.start();
      return {
        a,
        feedA,
        feedB,
        close: async () => {
          await feedA.close();
          await feedB.close();
          await a.close();
          await b.close();
        },
      };
    }

    (redisUrl ? it : it.skip)(
      'wakes a subscriber of another instance through a Redis ping',
      async () => {
        const pair = secondInstance({ redisUrl: redisUrl!, pollMs: 60_000 });
        try {
          await waitFor('both feeds on Redis', async () => {
            await commit(pair.a, randomUUID());
            return pair.feedB.stats.pingsReceived > 0;
          });
          const { events } = collect(pair.feedB.subscribe({ after: await pair.a.head() }));
          const id = randomUUID();
          await commit(pair.a, id, 3);
          // The poll is a minute away: only the ping can have delivered these.
          await waitFor('three events on the other instance', () => events.length >= 3, 15_000);
          expect(events.map((e) => e.aggregateId)).toEqual([id, id, id]);
        } finally {
          await pair.close();
        }
      },
    );

    it('delivers by polling when Redis cannot be reached, without an unhandled rejection', async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      const redisErrors: unknown[] = [];
      const deadPort = await testing.freePort();
      const pair = secondInstance({
        redisUrl: `redis://127.0.0.1:${deadPort}`,
        pollMs: 200,
        onError: (e) => redisErrors.push(e),
      });
      try {
        const { events } = collect(pair.feedB.subscribe({ after: await pair.a.head() }));
        const id = randomUUID();
        await commit(pair.a, id, 4);
        await waitFor('four events by polling', () => events.length >= 4);
        expect(events.map((e) => e.aggregateId)).toEqual([id, id, id, id]);
        await waitFor('Redis errors reported', () => redisErrors.length > 0);
        expect(String(redisErrors[0])).toMatch(/ECONNREFUSED/);
        await new Promise((r) => setTimeout(r, 300));
        expect(rejections).toEqual([]);
      } finally {
        await pair.close();
        process.off('unhandledRejection', onRejection);
      }
    });

    (redisUrl ? it : it.skip)(
      'keeps delivering through a Redis outage, by polling, and by pings once Redis is back',
      async () => {
        const rejections: unknown[] = [];
        const onRejection = (reason: unknown) => rejections.push(reason);
        process.on('unhandledRejection', onRejection);
        const redis = await testing.startRedisServer();
        const pair = secondInstance({ redisUrl: redis.url, pollMs: 500, onError: () => undefined });
        try {
          await waitFor('both feeds on Redis', async () => {
            await commit(pair.a, randomUUID());
            return pair.feedB.stats.pingsReceived > 0;
          });
          const { events } = collect(pair.feedB.subscribe({ after: await pair.a.head() }));
          const restarted = redis.restart({ downMs: 2_000 });
          await new Promise((r) => setTimeout(r, 300));
          const during = randomUUID();
          await commit(pair.a, during, 2);
          await waitFor('the events committed while Redis is down', () => events.length >= 2);
          await restarted;
          const pingsBefore = pair.feedB.stats.pingsReceived;
          const after = randomUUID();
          await waitFor('pings again', async () => {
            await commit(pair.a, after);
            return pair.feedB.stats.pingsReceived > pingsBefore;
          });
          const head = await pair.a.head();
          await waitFor('everything', () => events.length >= head - events[0]!.position + 1);
          const positions = events.map((e) => e.position);
          expect(positions).toEqual(
            Array.from({ length: positions.length }, (_, i) => positions[0]! + i),
          );
          expect(events.slice(0, 2).map((e) => e.aggregateId)).toEqual([during, during]);
          expect(rejections).toEqual([]);
        } finally {
          await pair.close();
          await redis.stop();
          process.off('unhandledRejection', onRejection);
        }
      },
      60_000,
    );
  },
);
