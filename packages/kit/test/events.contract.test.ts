import { randomUUID } from 'node:crypto';
import { buildSchema } from 'graphql';
import { Redis } from 'ioredis';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createEventTables,
  createEventTransport,
  eventFeedRoute,
  eventStreamKey,
  EventConsumer,
  EVENT_ENTITIES,
  EVENTS_FEED_PATH,
  fetchFeedHead,
  openDatabase,
  Outbox,
  startSubgraphServer,
  testing,
  type Database,
  type EventEnvelope,
  type EventTransport,
  type EventsConfig,
  type OutboxOptions,
  type RunningSubgraph,
  type Stoppable,
} from '../src';

/**
 * One contract, both transports (the embedded HTTP feed and Redis Streams),
 * on every database: every committed event arrives, each is applied once, in
 * order per aggregate, across consumer restarts, producer crashes, failing
 * effects, competing consumer instances and (Redis) a Redis restart that
 * loses the server's data.
 */

class ProducerTables1700000000001 implements MigrationInterface {
  name = 'ProducerTables1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await createEventTables(q);
    await q.query('CREATE TABLE widgets (id VARCHAR(36) PRIMARY KEY, version INTEGER NOT NULL)');
  }
  async down(): Promise<void> {}
}

class ConsumerTables1700000000002 implements MigrationInterface {
  name = 'ConsumerTables1700000000002';
  async up(q: QueryRunner): Promise<void> {
    await createEventTables(q);
    await q.query(
      'CREATE TABLE effects (eventId VARCHAR(36) NOT NULL, widgetId VARCHAR(36) NOT NULL, version INTEGER NOT NULL, appliedBy VARCHAR(40) NOT NULL)',
    );
  }
  async down(): Promise<void> {}
}

const FAST: OutboxOptions = {
  pollMs: 50,
  maxWaitMs: 1_000,
  retainMs: 60 * 60_000,
  pruneEveryMs: 60 * 60_000,
  batchSize: 50,
};

const CONSUMER = 'test.widgets';

async function waitFor<T>(
  what: string,
  check: () => Promise<T | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Effect {
  eventId: string;
  widgetId: string;
  version: number;
}

type TransportName = 'http' | 'redis';
const transports: TransportName[] = testing.redisUrlForTests(process.env)
  ? ['http', 'redis']
  : ['http'];
if (transports.length === 1) {
  process.stderr.write(
    'Redis not available: the Redis Streams run of the event contract is SKIPPED\n',
  );
}

const cases = testing
  .databaseTargets(process.env)
  .flatMap((db) => transports.map((t) => [`${t} on ${db.name}`, t, db] as const));

describe.each(cases)('event transport contract: %s', (_label, transportName, target) => {
  let producerDb: Database;
  let consumerDb: Database;
  let drops: Array<() => Promise<void>> = [];
  let outbox: Outbox;
  let feedServer: RunningSubgraph;
  let redis: testing.OwnRedisServer | null = null;
  let transport: EventTransport;
  let publication: Stoppable;
  let config: EventsConfig;
  const producer = `shop${randomUUID().slice(0, 8)}`;
  const errors: unknown[] = [];
  const widgetsMade = new Set<string>();
  /** Event ids whose effect fails this many more times. */
  const failuresLeft = new Map<string, number>();

  function consumer(instance = 'a'): EventConsumer {
    return new EventConsumer(consumerDb, {
      name: CONSUMER,
      handlers: {
        'widget.changed': async (manager, event: EventEnvelope) => {
          const left = failuresLeft.get(event.id) ?? 0;
          if (left > 0) {
            failuresLeft.set(event.id, left - 1);
            throw new Error('effect failed');
          }
          const payload = event.payload as { version: number };
          await manager.query(
            'INSERT INTO effects (eventId, widgetId, version, appliedBy) VALUES (?, ?, ?, ?)',
            [event.id, event.aggregateId, payload.version, instance],
          );
        },
      },
    });
  }

  /**
   * Applied effects in the order they were applied: the table has no key, and
   * both databases return its rows in insertion order for this plain scan.
   */
  async function effects(): Promise<Effect[]> {
    const rows = (await consumerDb.dataSource.query(
      'SELECT eventId, widgetId, version FROM effects',
    )) as Array<{ eventId: string; widgetId: string; version: number | string }>;
    return rows.map((r) => ({ ...r, version: Number(r.version) }));
  }

  /** Changes a widget under its row lock and records the event in the same transaction. */
  async function change(widgetId: string, options: { fail?: boolean } = {}): Promise<string> {
    const id = randomUUID();
    if (!widgetsMade.has(widgetId)) {
      widgetsMade.add(widgetId);
      await producerDb.dataSource.query('INSERT INTO widgets (id, version) VALUES (?, 0)', [
        widgetId,
      ]);
    }
    await outbox.transaction(async (manager, emit) => {
      await manager.query('UPDATE widgets SET version = version + 1 WHERE id = ?', [widgetId]);
      const [row] = (await manager.query('SELECT version FROM widgets WHERE id = ?', [
        widgetId,
      ])) as Array<{
        version: number | string;
      }>;
      await emit({
        id,
        type: 'widget.changed',
        schemaVersion: 1,
        aggregateType: 'widget',
        aggregateId: widgetId,
        customerId: null,
        payload: { version: Number(row?.version) },
      });
      if (options.fail) throw new Error('change refused');
    });
    return id;
  }

  function expectOncePerEventInOrder(list: Effect[], expectedCount: number): void {
    expect(new Set(list.map((e) => e.eventId)).size).toBe(list.length);
    expect(list).toHaveLength(expectedCount);
    const byWidget = new Map<string, number[]>();
    for (const e of list)
      byWidget.set(e.widgetId, [...(byWidget.get(e.widgetId) ?? []), e.version]);
    for (const versions of byWidget.values()) {
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => versions[0] + i));
    }
  }

  beforeAll(async () => {
    const p = await target.create('evp');
    const c = await target.create('evc');
    drops = [p.drop, c.drop];
    producerDb = await openDatabase(p.config, {
      entities: EVENT_ENTITIES,
      migrations: [ProducerTables1700000000001],
    });
    consumerDb = await openDatabase(c.config, {
      entities: EVENT_ENTITIES,
      migrations: [ConsumerTables1700000000002],
    });
    outbox = new Outbox(producerDb, producer, FAST);
    outbox.start();
    feedServer = await startSubgraphServer({
      name: producer,
      schema: buildSchema('type Query { ok: Boolean }'),
      claimsSecret: testing.TEST_CLAIMS_SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => ({ ...meta }),
      internalRoutes: { [EVENTS_FEED_PATH]: eventFeedRoute(outbox) },
    });
    if (transportName === 'redis') redis = await testing.startRedisServer();
    config = {
      transport: transportName,
      ...(redis ? { redisUrl: redis.url } : {}),
      redisPrefix: `t${randomUUID().slice(0, 8)}:`,
      feeds: { [producer]: feedServer.url.replace(/\/graphql$/, EVENTS_FEED_PATH) },
      retainMs: FAST.retainMs,
    };
    transport = createEventTransport(config, {
      claimsSecret: testing.TEST_CLAIMS_SECRET,
      claimIdleMs: 300,
      waitMs: 1_000,
      onError: (error) => errors.push(error),
    });
    publication = transport.publish(outbox);
  });

  afterAll(async () => {
    await publication?.close();
    await outbox?.close();
    await feedServer?.close();
    await redis?.stop();
    await producerDb?.dataSource.destroy();
    await consumerDb?.dataSource.destroy();
    for (const drop of drops) await drop();
  });

  beforeEach(async () => {
    await consumerDb.dataSource.query('DELETE FROM effects');
  });

  it('delivers every committed event once, in order per aggregate, while changes run concurrently', async () => {
    const follow = transport.follow(producer, consumer());
    try {
      const widgets = Array.from({ length: 5 }, () => randomUUID());
      await Promise.all(
        widgets.map(async (w) => {
          for (let i = 0; i < 8; i += 1) await change(w);
        }),
      );
      const list = await waitFor('40 effects', async () => {
        const e = await effects();
        return e.length >= 40 ? e : false;
      });
      expectOncePerEventInOrder(list, 40);
    } finally {
      await follow.close();
    }
  });

  it('tells when everything the producer had committed is applied (read-your-writes)', async () => {
    const follow = transport.follow(producer, consumer());
    try {
      const widget = randomUUID();
      const id = await change(widget);
      // The change was numbered before `change` returned: the feed's head includes it.
      const head = await fetchFeedHead(config.feeds[producer], testing.TEST_CLAIMS_SECRET);
      expect(await follow.caughtUp(head, 20_000)).toBe(true);
      expect((await effects()).map((e) => e.eventId)).toContain(id);
      expect(await follow.caughtUp(head + 1, 300)).toBe(false);
    } finally {
      await follow.close();
    }
  });

  it('publishes nothing for a change that rolled back', async () => {
    const follow = transport.follow(producer, consumer());
    try {
      const widget = randomUUID();
      await expect(change(widget, { fail: true })).rejects.toThrow('change refused');
      const marker = await change(widget);
      const list = await waitFor('the marker', async () => {
        const e = await effects();
        return e.some((x) => x.eventId === marker) ? e : false;
      });
      expect(list).toEqual([{ eventId: marker, widgetId: widget, version: 1 }]);
    } finally {
      await follow.close();
    }
  });

  it('catches up from its cursor after the consumer was down', async () => {
    const widget = randomUUID();
    let follow = transport.follow(producer, consumer());
    await change(widget);
    await waitFor('first effect', async () => (await effects()).length === 1);
    await follow.close();
    for (let i = 0; i < 10; i += 1) await change(widget);
    await new Promise((r) => setTimeout(r, 300));
    expect(await effects()).toHaveLength(1);
    follow = transport.follow(producer, consumer());
    try {
      const list = await waitFor('11 effects', async () => {
        const e = await effects();
        return e.length >= 11 ? e : false;
      });
      expectOncePerEventInOrder(list, 11);
    } finally {
      await follow.close();
    }
  });

  it('loses nothing when the producer dies between commit and publication', async () => {
    // Committed rows that no sequencer numbered: the producer died right after commit.
    const widget = randomUUID();
    const ids = Array.from({ length: 3 }, () => randomUUID());
    await producerDb.transaction(async (manager) => {
      for (const [i, id] of ids.entries()) {
        await outbox.record(manager, {
          id,
          type: 'widget.changed',
          schemaVersion: 1,
          aggregateType: 'widget',
          aggregateId: widget,
          customerId: null,
          payload: { version: i + 1 },
        });
      }
    });
    // A new instance of the producer (its own outbox and publication) starts.
    const restarted = new Outbox(producerDb, producer, FAST);
    restarted.start();
    const restartedPublication = transport.publish(restarted);
    const follow = transport.follow(producer, consumer());
    try {
      const list = await waitFor('3 effects', async () => {
        const e = await effects();
        return e.length >= 3 ? e : false;
      });
      expect(list.map((e) => e.eventId)).toEqual(ids);
    } finally {
      await follow.close();
      await restartedPublication.close();
      await restarted.close();
    }
  });

  it('changes nothing when events are delivered again', async () => {
    const widget = randomUUID();
    const follow = transport.follow(producer, consumer());
    for (let i = 0; i < 5; i += 1) await change(widget);
    await waitFor('5 effects', async () => (await effects()).length === 5);
    await follow.close();
    // Rewind the transport to the start: every event comes again.
    if (transportName === 'http') {
      await consumerDb.dataSource.query('UPDATE event_cursors SET position = 0');
    } else {
      const client = new Redis(config.redisUrl as string);
      await client.xgroup('SETID', eventStreamKey(config.redisPrefix, producer), CONSUMER, '0');
      client.disconnect();
    }
    const again = consumer();
    const replayed = transport.follow(producer, again);
    try {
      const head = await outbox.head();
      await waitFor('the replay to reach the head', async () => {
        if (transportName === 'http') return (await again.cursor(producer)) >= head;
        const client = new Redis(config.redisUrl as string);
        try {
          const groups = (await client.call(
            'XINFO',
            'GROUPS',
            eventStreamKey(config.redisPrefix, producer),
          )) as unknown[][];
          const g = groups.find((x) => x[x.indexOf('name') + 1] === CONSUMER) as unknown[];
          return (
            g[g.indexOf('last-delivered-id') + 1] === `${head}-0` &&
            Number(g[g.indexOf('pending') + 1]) === 0
          );
        } finally {
          client.disconnect();
        }
      });
      expect(await effects()).toHaveLength(5);
    } finally {
      await replayed.close();
    }
    const [last] = await outbox.read((await outbox.head()) - 1);
    expect(last.aggregateId).toBe(widget);
    expect(await consumer().apply(last)).toBe('duplicate');
  });

  it('retries a failing effect and applies it once, keeping its aggregate in order', async () => {
    const widget = randomUUID();
    const follow = transport.follow(producer, consumer());
    try {
      await change(widget);
      await waitFor('first effect', async () => (await effects()).length === 1);
      // The next change's effect fails three times before it succeeds.
      const id = randomUUID();
      failuresLeft.set(id, 3);
      await outbox.transaction(async (manager, emit) => {
        await manager.query('UPDATE widgets SET version = version + 1 WHERE id = ?', [widget]);
        await emit({
          id,
          type: 'widget.changed',
          schemaVersion: 1,
          aggregateType: 'widget',
          aggregateId: widget,
          customerId: null,
          payload: { version: 2 },
        });
      });
      await change(widget);
      const list = await waitFor('3 effects', async () => {
        const e = await effects();
        return e.length >= 3 ? e : false;
      });
      expect(failuresLeft.get(id)).toBe(0);
      expectOncePerEventInOrder(list, 3);
    } finally {
      await follow.close();
    }
  });

  it('shares the work between two consumer instances without breaking order per aggregate', async () => {
    const one = transport.follow(producer, consumer('a'));
    const two = transport.follow(producer, consumer('b'));
    try {
      const widgets = Array.from({ length: 4 }, () => randomUUID());
      await Promise.all(
        widgets.map(async (w) => {
          for (let i = 0; i < 6; i += 1) await change(w);
        }),
      );
      const list = await waitFor('24 effects', async () => {
        const e = await effects();
        return e.length >= 24 ? e : false;
      });
      await new Promise((r) => setTimeout(r, 300));
      expectOncePerEventInOrder(await effects(), 24);
      expect(list).toHaveLength(24);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('keeps outbox rows until every known consumer has passed them, then for the retention time', async () => {
    const widget = randomUUID();
    const follow = transport.follow(producer, consumer());
    for (let i = 0; i < 3; i += 1) await change(widget);
    await waitFor('3 effects', async () => (await effects()).length === 3);
    const head = await outbox.head();
    if (transportName === 'http') {
      // The feed learns how far the consumer got from its next poll.
      await waitFor('the feed to know the consumer passed the head', async () => {
        const [row] = (await producerDb.dataSource.query(
          'SELECT position FROM event_followers WHERE consumer = ?',
          [CONSUMER],
        )) as Array<{ position: number | string }>;
        return Number(row?.position) >= head;
      });
    }
    await follow.close();
    // Another consumer that has passed nothing holds every row back.
    await outbox.recordFollower('test.laggard', 0);
    const retaining = new Outbox(producerDb, producer, { ...FAST, retainMs: 200 });
    await retaining.prune();
    await new Promise((r) => setTimeout(r, 300));
    expect(await retaining.prune()).toBe(0);
    // Once it has passed them too, rows wait the retention time after that, then go.
    await outbox.recordFollower('test.laggard', head);
    if (transportName === 'http') {
      expect(await retaining.prune()).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(await retaining.prune()).toBeGreaterThan(0);
      expect(await outbox.read(0, 1_000)).toEqual([]);
    } else {
      // The Redis groups' progress counts too: the relay of `retaining` reports it.
      const relay = transport.publish(retaining);
      try {
        expect(await retaining.prune()).toBe(0);
        await new Promise((r) => setTimeout(r, 300));
        expect(await retaining.prune()).toBeGreaterThan(0);
        expect(await outbox.read(0, 1_000)).toEqual([]);
      } finally {
        await relay.close();
      }
    }
    await producerDb.dataSource.query(
      "DELETE FROM event_followers WHERE consumer = 'test.laggard'",
    );
  });

  if (transportName === 'redis') {
    it('loses nothing when Redis restarts mid-stream without its data', async () => {
      const widgets = Array.from({ length: 3 }, () => randomUUID());
      const follow = transport.follow(producer, consumer());
      try {
        const writing = Promise.all(
          widgets.map(async (w) => {
            for (let i = 0; i < 15; i += 1) {
              await change(w);
              await new Promise((r) => setTimeout(r, 20));
            }
          }),
        );
        await waitFor('some effects', async () => (await effects()).length >= 5);
        await (redis as testing.OwnRedisServer).restart({ downMs: 700 });
        await writing;
        const list = await waitFor(
          '45 effects',
          async () => {
            const e = await effects();
            return e.length >= 45 ? e : false;
          },
          60_000,
        );
        expectOncePerEventInOrder(list, 45);
      } finally {
        await follow.close();
      }
    });

    it('claims entries left pending by a consumer that died', async () => {
      const widget = randomUUID();
      // The first instance takes the entry but its effect fails until it dies.
      const id = await (async () => {
        const first = consumer('a');
        const dying = transport.follow(producer, first);
        const eventId = randomUUID();
        failuresLeft.set(eventId, 1_000_000);
        await outbox.transaction(async (manager, emit) => {
          await manager.query('INSERT INTO widgets (id, version) VALUES (?, 1)', [widget]);
          await emit({
            id: eventId,
            type: 'widget.changed',
            schemaVersion: 1,
            aggregateType: 'widget',
            aggregateId: widget,
            customerId: null,
            payload: { version: 1 },
          });
        });
        await waitFor(
          'the first instance to fail',
          async () => (failuresLeft.get(eventId) ?? 0) < 1_000_000,
        );
        await dying.close();
        failuresLeft.set(eventId, 0);
        return eventId;
      })();
      const survivor = transport.follow(producer, consumer('b'));
      try {
        const list = await waitFor('the claimed effect', async () => {
          const e = await effects();
          return e.length >= 1 ? e : false;
        });
        expect(list).toEqual([{ eventId: id, widgetId: widget, version: 1 }]);
      } finally {
        await survivor.close();
      }
    });
  }
});
