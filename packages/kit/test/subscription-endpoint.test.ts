import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import {
  Arg,
  Ctx,
  Field,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import WebSocket from 'ws';
import {
  ANONYMOUS,
  buildFederatedSchema,
  createEventTables,
  encodeClaims,
  encodeLiveCursor,
  EVENT_ENTITIES,
  LiveFeed,
  liveSubscribe,
  notFoundError,
  openDatabase,
  Outbox,
  SignedIn,
  skipLiveEvent,
  startSubgraphServer,
  testing,
  type BaseContext,
  type Database,
  type EventEnvelope,
  type RunningSubgraph,
} from '../src';

/**
 * The kit's graphql-ws endpoint on a subgraph of its own: limits, the
 * per-event context and skipping, masked errors, and a close that ends
 * every subscription within its grace time.
 */

class Tables1700000000201 implements MigrationInterface {
  name = 'Tables1700000000201';
  async up(q: QueryRunner): Promise<void> {
    await createEventTables(q);
  }
  async down(): Promise<void> {}
}

interface TickContext extends BaseContext {
  feed: LiveFeed;
  /** Which context built this: a new one per event. */
  contextId: string;
}

@ObjectType({ description: 'A tick.' })
class Tick {
  @Field(() => String)
  cursor!: string;

  @Field(() => Int)
  n!: number;

  @Field(() => String)
  contextId!: string;
}

@Resolver()
class TickResolver {
  @Query(() => Boolean)
  ok(): boolean {
    return true;
  }

  @Subscription(() => Tick, {
    subscribe: liveSubscribe<TickContext, { after?: string | null }>(({ args, context }) => ({
      feed: context.feed,
      after: args.after,
    })),
  })
  @SignedIn()
  tick(
    @Root() event: EventEnvelope,
    @Ctx() ctx: TickContext,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): Tick {
    const n = (event.payload as { n: number }).n;
    if (n % 2 === 1) skipLiveEvent();
    if (n === 666) throw new Error('SELECT secret FROM somewhere failed');
    return { cursor: encodeLiveCursor(event.position), n, contextId: ctx.contextId };
  }
}

@Resolver()
class ClockResolver {
  @Subscription(() => Tick, {
    description: 'Ticks of one clock; an unknown clock is refused when subscribing.',
    subscribe: liveSubscribe<TickContext, { clock: string }>(async ({ args, context }) => {
      await new Promise((r) => setTimeout(r, 5));
      if (args.clock !== 'clock') throw notFoundError('Clock');
      return { feed: context.feed, accept: (event) => event.aggregateId === args.clock };
    }),
  })
  @SignedIn()
  clockTicks(
    @Root() event: EventEnvelope,
    @Ctx() ctx: TickContext,
    @Arg('clock', () => String) _clock: string,
  ): Tick {
    const n = (event.payload as { n: number }).n;
    return { cursor: encodeLiveCursor(event.position), n, contextId: ctx.contextId };
  }
}

const TICK = `subscription($after: String) { tick(after: $after) { cursor n contextId } }`;
const STAFF = { kind: 'staff' as const, staffUserId: 's-1', roles: ['admin' as const] };

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opens a raw socket and resolves with its close code. */
function closeCodeOf(url: string, onOpen: (socket: WebSocket) => void): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('open', () => onOpen(socket));
    socket.on('error', () => undefined);
    socket.on('close', (code) => resolve(code));
  });
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'subgraph subscription endpoint on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    let outbox: Outbox;
    let feed: LiveFeed;
    let server: RunningSubgraph;
    const logLines: string[] = [];
    const clients: Client[] = [];
    let closed = false;

    const wsUrl = () => server.url.replace(/^http/, 'ws');
    const initClaims = () => ({ claims: encodeClaims(ANONYMOUS, testing.TEST_CLAIMS_SECRET) });

    async function emit(n: number): Promise<void> {
      await outbox.transaction(async (_m, record) =>
        record({
          type: 'tick.ticked',
          schemaVersion: 1,
          aggregateType: 'tick',
          aggregateId: 'clock',
          customerId: null,
          payload: { n },
        }),
      );
    }

    function subscribe(after: string | null) {
      const client = createClient({
        url: wsUrl(),
        webSocketImpl: WebSocket,
        connectionParams: initClaims(),
        retryAttempts: 0,
      });
      clients.push(client);
      const seen: { results: Array<Record<string, unknown>>; ended: unknown } = {
        results: [],
        ended: null,
      };
      client.subscribe(
        {
          query: TICK,
          variables: { after },
          extensions: { claims: encodeClaims(STAFF, testing.TEST_CLAIMS_SECRET) },
        },
        {
          next: (r) => seen.results.push(r as Record<string, unknown>),
          error: (e) => {
            seen.ended = e;
          },
          complete: () => {
            seen.ended ??= 'complete';
          },
        },
      );
      return { client, seen };
    }

    beforeAll(async () => {
      const created = await target.create('ws');
      drop = created.drop;
      db = await openDatabase(created.config, {
        entities: EVENT_ENTITIES,
        migrations: [Tables1700000000201],
      });
      outbox = new Outbox(db, `ticks${randomUUID().slice(0, 6)}`);
      feed = new LiveFeed(outbox, { pollMs: 60_000 });
      feed.start();
      const { schema } = await buildFederatedSchema({ resolvers: [TickResolver, ClockResolver] });
      server = await startSubgraphServer<TickContext>({
        name: 'ticks',
        schema,
        claimsSecret: testing.TEST_CLAIMS_SECRET,
        host: '127.0.0.1',
        port: 0,
        createContext: (meta) => ({ ...meta, feed, contextId: randomUUID() }),
        writeLog: (line) => logLines.push(line),
        subscriptions: { maxMessageBytes: 4096, connectionInitTimeoutMs: 300 },
      });
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) await client.dispose();
    });

    afterAll(async () => {
      if (!closed) await server?.close();
      await feed?.close();
      await outbox?.close();
      await db?.dataSource.destroy();
      await drop?.();
    });

    it('runs every event with a context of its own and sends nothing for a skipped one', async () => {
      const { seen } = subscribe(encodeLiveCursor(await outbox.head()));
      for (const n of [2, 3, 4, 5, 6]) await emit(n);
      await waitFor('three ticks', () => seen.results.length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      const ticks = seen.results.map(
        (r) => (r.data as { tick: { n: number; contextId: string } }).tick,
      );
      expect(ticks.map((t) => t.n)).toEqual([2, 4, 6]);
      expect(new Set(ticks.map((t) => t.contextId)).size).toBe(3);
      expect(seen.results.every((r) => r.errors === undefined)).toBe(true);
    });

    it('refuses a subscription whose asynchronous source says no, and subscribes nothing', async () => {
      const client = createClient({
        url: wsUrl(),
        webSocketImpl: WebSocket,
        connectionParams: initClaims(),
        retryAttempts: 0,
      });
      clients.push(client);
      const claims = encodeClaims(STAFF, testing.TEST_CLAIMS_SECRET);
      const query = `subscription($c: String!) { clockTicks(clock: $c) { n } }`;
      const refused = await client
        .iterate({ query, variables: { c: 'nope' }, extensions: { claims } })
        .next();
      expect(refused.value).toEqual({
        errors: [expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })],
      });
      expect(feed.size).toBe(0);
      const accepted = client.iterate({ query, variables: { c: 'clock' }, extensions: { claims } });
      const first = accepted.next();
      await waitFor('subscribed', () => feed.size === 1);
      await emit(10);
      expect((await first).value).toEqual({ data: { clockTicks: { n: 10 } } });
      await accepted.return?.();
      await waitFor('let go', () => feed.size === 0);
    });

    it('masks an unexpected failure of one event and logs its cause, then goes on', async () => {
      const { seen } = subscribe(encodeLiveCursor(await outbox.head()));
      await emit(666);
      await emit(8);
      await waitFor('two results', () => seen.results.length >= 2);
      expect(seen.results[0]).toEqual({
        data: null,
        errors: [
          {
            message: 'Internal server error',
            path: ['tick'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
      expect(JSON.stringify(seen.results)).not.toContain('secret');
      expect((seen.results[1]!.data as { tick: { n: number } }).tick.n).toBe(8);
      expect(logLines.some((l) => l.includes('SELECT secret FROM somewhere failed'))).toBe(true);
    });

    it('closes a socket that does not initialise in time with 4408', async () => {
      const code = await closeCodeOf(wsUrl(), () => undefined);
      expect(code).toBe(4408);
    });

    it('closes a socket that sends a message above the size limit with 1009', async () => {
      const code = await closeCodeOf(wsUrl(), (socket) =>
        socket.send(
          JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(5000) } }),
        ),
      );
      expect(code).toBe(1009);
    });

    it('refuses an upgrade on another path', async () => {
      const failure = await new Promise<string>((resolve) => {
        const socket = new WebSocket(
          wsUrl().replace('/graphql', '/elsewhere'),
          'graphql-transport-ws',
        );
        socket.on('error', (error) => resolve(error.message));
      });
      expect(failure).toMatch(/404/);
    });

    it('lets go of the subscriptions of a socket that drops without a goodbye', async () => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: initClaims() }));
      await new Promise((resolve) => socket.once('message', resolve));
      for (const id of ['1', '2']) {
        socket.send(
          JSON.stringify({
            id,
            type: 'subscribe',
            payload: {
              query: TICK,
              extensions: { claims: encodeClaims(STAFF, testing.TEST_CLAIMS_SECRET) },
            },
          }),
        );
      }
      await waitFor('two subscriptions', () => feed.size === 2);
      expect(server.subscriptions?.subscriptions).toBe(2);
      socket.terminate();
      await waitFor('none left', () => feed.size === 0);
      expect(server.subscriptions?.subscriptions).toBe(0);
    });

    it('cuts a peer that stops answering pings', async () => {
      const { schema } = await buildFederatedSchema({ resolvers: [TickResolver, ClockResolver] });
      const pinging = await startSubgraphServer<TickContext>({
        name: 'ticks',
        schema,
        claimsSecret: testing.TEST_CLAIMS_SECRET,
        host: '127.0.0.1',
        port: 0,
        createContext: (meta) => ({ ...meta, feed, contextId: randomUUID() }),
        writeLog: () => undefined,
        subscriptions: { keepAliveMs: 100 },
      });
      try {
        const url = pinging.url.replace(/^http/, 'ws');
        const open = (autoPong: boolean) =>
          new Promise<WebSocket>((resolve) => {
            const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
            socket.on('open', () => {
              socket.send(JSON.stringify({ type: 'connection_init', payload: initClaims() }));
              resolve(socket);
            });
          });
        const silent = await open(false);
        const answering = await open(true);
        // Terminated, not closed: no close frame, so the client sees 1006.
        const code = await new Promise<number>((resolve) => silent.on('close', resolve));
        expect(code).toBe(1006);
        // The one that answers is still there after several intervals.
        await new Promise((r) => setTimeout(r, 500));
        expect(answering.readyState).toBe(WebSocket.OPEN);
        answering.close();
      } finally {
        await pinging.close();
      }
    });

    it('ends every subscription and closes its sockets with 1001 when the server closes', async () => {
      const first = subscribe(null);
      const second = subscribe(null);
      await waitFor('both subscribed', () => feed.size === 2);
      const codes: number[] = [];
      for (const { client } of [first, second]) {
        client.on('closed', (event) => codes.push((event as { code: number }).code));
      }
      const started = Date.now();
      closed = true;
      await server.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(feed.size).toBe(0);
      await waitFor('both clients told', () => codes.length === 2);
      expect(codes).toEqual([1001, 1001]);
      expect(first.seen.ended).not.toBeNull();
    });
  },
);
