import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import {
  loadConfig as loadMessagingConfig,
  startMessaging,
  type RunningMessaging,
} from '@portico/messaging';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { startTestStack, type TestStack } from './stack-harness';

/**
 * Messaging live updates across instances: two gateways, each in front of
 * its own messaging instance, both instances on one messaging database and
 * one Redis (a server of the test's own, so it can be killed). The poll is a
 * minute on the first two instances, so whatever reaches a subscriber within
 * the test's waits came over Redis; a third instance polls every second and
 * is the one that must keep delivering while Redis is down.
 */

const COMMENT_ADDED = `subscription ($threadId: ID!) {
  commentAdded(threadId: $threadId) { cursor comment { id body author { name } } }
}`;
const POST = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id body } } }`;
const THREAD = `general:${DEMO_CUSTOMER_IDS.acme}`;

/** Far above any wait below: a delivery within a wait is no poll's doing. */
const SLOW_POLL_MS = '60000';
const FAST_POLL_MS = '1000';

interface Received {
  id: string;
  body: string;
  author: string | null;
  at: number;
}

interface Subscriber {
  received: Received[];
  errors: unknown[];
  bodies(): string[];
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const redisAvailable = testing.redisUrlForTests(process.env) !== null;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging live updates across instances on %s',
  (_name, target) => {
    let redis: testing.OwnRedisServer;
    let stack: TestStack;
    let messaging2: RunningMessaging;
    let gateway2: RunningGateway;
    let messaging3: RunningMessaging;
    let gateway3: RunningGateway;
    let alice: string;
    let admin: string;
    const clients: Client[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    let sequence = 0;

    const prefix = `t${Math.random().toString(36).slice(2, 10)}:`;
    const liveEnv = (pollMs: string) => ({
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      LIVE_POLL_MS: pollMs,
    });

    async function startInstance(
      pollMs: string,
    ): Promise<{ messaging: RunningMessaging; gateway: RunningGateway }> {
      const messaging = await startMessaging(
        loadMessagingConfig({
          ...stack.messagingEnv,
          ...liveEnv(pollMs),
          HTTP_PORT: '0',
          // The first instance seeded the shared database already.
          SEED_DEMO: 'false',
        }),
      );
      const gateway = await startGateway(
        loadConfig({ ...stack.gatewayEnv, SUBGRAPH_MESSAGING_URL: messaging.url }),
      );
      return { messaging, gateway };
    }

    beforeAll(async () => {
      process.on('unhandledRejection', onRejection);
      redis = await testing.startRedisServer();
      stack = await startTestStack(target, { messagingEnv: liveEnv(SLOW_POLL_MS) });
      ({ messaging: messaging2, gateway: gateway2 } = await startInstance(SLOW_POLL_MS));
      ({ messaging: messaging3, gateway: gateway3 } = await startInstance(FAST_POLL_MS));
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    }, 120_000);

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
    });

    afterAll(async () => {
      await gateway3?.close();
      await messaging3?.close();
      await gateway2?.close();
      await messaging2?.close();
      await stack?.stop();
      await redis?.stop();
      process.off('unhandledRejection', onRejection);
    });

    function subscribe(gateway: RunningGateway, token: string): Subscriber {
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      clients.push(client);
      const subscriber: Subscriber = {
        received: [],
        errors: [],
        bodies: () => subscriber.received.map((r) => r.body),
      };
      client.subscribe<{
        commentAdded: { comment: { id: string; body: string; author: { name: string } | null } };
      }>(
        { query: COMMENT_ADDED, variables: { threadId: THREAD } },
        {
          next: (result) => {
            if (result.errors) subscriber.errors.push(...result.errors);
            const comment = result.data?.commentAdded.comment;
            if (comment) {
              subscriber.received.push({
                id: comment.id,
                body: comment.body,
                author: comment.author?.name ?? null,
                at: Date.now(),
              });
            }
          },
          error: (error) => subscriber.errors.push(error),
          complete: () => undefined,
        },
      );
      return subscriber;
    }

    /** Posts through `gateway`; resolves with the stored comment and when its answer came. */
    async function post(
      gateway: RunningGateway,
      token: string,
      tag: string,
    ): Promise<{ id: string; body: string; answeredAt: number }> {
      sequence += 1;
      const body = `${tag} #${sequence}`;
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: POST, variables: { input: { threadId: THREAD, body } } }),
      });
      const answer = (await response.json()) as {
        data?: { postComment?: { comment: { id: string; body: string } } };
        errors?: unknown;
      };
      const comment = answer.data?.postComment?.comment;
      if (!comment || answer.errors)
        throw new Error(`postComment failed: ${JSON.stringify(answer)}`);
      return { ...comment, answeredAt: Date.now() };
    }

    /** Every comment body stored in the thread, oldest first, as staff reads it through `gateway`. */
    async function stored(gateway: RunningGateway): Promise<string[]> {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({
          query: 'query ($id: ID!) { thread(id: $id) { comments(last: 100) { nodes { body } } } }',
          variables: { id: THREAD },
        }),
      });
      const answer = (await response.json()) as {
        data?: { thread: { comments: { nodes: Array<{ body: string | null }> } } };
      };
      if (!answer.data) throw new Error(`thread not read: ${JSON.stringify(answer)}`);
      return answer.data.thread.comments.nodes.map((n) => n.body ?? '');
    }

    /** Posts through `from` until `to` has heard a Redis ping (its subscription to the channel is up). */
    async function untilPinged(
      from: RunningGateway,
      to: RunningMessaging,
      tag: string,
    ): Promise<string[]> {
      const before = to.services.live.stats.pingsReceived;
      const posted: string[] = [];
      const deadline = Date.now() + 20_000;
      while (to.services.live.stats.pingsReceived === before) {
        if (Date.now() > deadline) throw new Error(`no Redis ping reached ${tag} in 20 s`);
        posted.push((await post(from, admin, `${tag} warm-up`)).body);
        await new Promise((r) => setTimeout(r, 200));
      }
      return posted;
    }

    (redisAvailable ? it : it.skip)(
      'delivers a comment posted through one gateway to a subscriber on the other, over Redis, both ways',
      async () => {
        // Redis subscriptions are made as each instance starts: wait until pings flow both ways.
        await untilPinged(stack.gateway, messaging2, 'to instance 2');
        await untilPinged(gateway2, stack.messaging, 'to instance 1');
        const on1 = subscribe(stack.gateway, alice);
        const on2 = subscribe(gateway2, alice);
        await until('both subscriptions upstream', () => {
          return stack.messaging.services.live.size >= 1 && messaging2.services.live.size >= 1;
        });
        const pings2 = messaging2.services.live.stats.pingsReceived;
        const pings1 = stack.messaging.services.live.stats.pingsReceived;

        const a = await post(stack.gateway, admin, 'through gateway 1');
        await until('gateway 2 delivering the comment posted through gateway 1', () =>
          on2.received.some((r) => r.id === a.id),
        );
        const b = await post(gateway2, alice, 'through gateway 2');
        await until('gateway 1 delivering the comment posted through gateway 2', () =>
          on1.received.some((r) => r.id === b.id),
        );
        await until('each subscriber having both', () => {
          return on1.received.length >= 2 && on2.received.length >= 2;
        });

        for (const subscriber of [on1, on2]) {
          expect(subscriber.errors).toEqual([]);
          expect(subscriber.received.map((r) => [r.body, r.author])).toEqual([
            [a.body, 'Portico Admin'],
            [b.body, 'Alice Archer'],
          ]);
        }
        // Across instances the ping did it: the poll is a minute, every wait above is shorter.
        const across = [
          on2.received.find((r) => r.id === a.id)!.at - a.answeredAt,
          on1.received.find((r) => r.id === b.id)!.at - b.answeredAt,
        ];
        expect(Math.max(...across)).toBeLessThan(15_000);
        expect(messaging2.services.live.stats.pingsReceived).toBeGreaterThan(pings2);
        expect(stack.messaging.services.live.stats.pingsReceived).toBeGreaterThan(pings1);
        expect(rejections).toEqual([]);
      },
      90_000,
    );

    (redisAvailable ? it : it.skip)(
      'keeps storing and delivering through a Redis outage, by polling, and goes back to Redis after it',
      async () => {
        await untilPinged(stack.gateway, messaging3, 'to instance 3');
        await untilPinged(gateway3, stack.messaging, 'to instance 1');
        // Instance 1 polls once a minute: only Redis (or its return) brings it instance 3's comments.
        const on1 = subscribe(stack.gateway, alice);
        // Instance 3 polls every second: it hears instance 1's comments with or without Redis.
        const on3 = subscribe(gateway3, alice);
        await until('both subscriptions upstream', () => {
          return stack.messaging.services.live.size >= 1 && messaging3.services.live.size >= 1;
        });
        const before = await post(stack.gateway, admin, 'before the outage');
        await until('the comment before the outage on both', () => {
          return [on1, on3].every((s) => s.received.some((r) => r.id === before.id));
        });

        let redisBack = false;
        const outage = redis.restart({ downMs: 8_000 }).then(() => {
          redisBack = true;
        });
        let redisDown = false;
        const deadline = Date.now() + 5_000;
        while (!redisDown && Date.now() < deadline) {
          redisDown = !(await testing.probeRedis(redis.url, 200));
        }
        expect(redisDown).toBe(true);
        const during: Array<{ id: string; body: string; via: 1 | 3 }> = [];
        for (let i = 0; i < 3; i += 1) {
          during.push({ ...(await post(stack.gateway, admin, 'during the outage via 1')), via: 1 });
          during.push({ ...(await post(gateway3, alice, 'during the outage via 3')), via: 3 });
        }
        // Stored, whatever Redis does.
        const rows = await stored(stack.gateway);
        for (const comment of during) expect(rows).toContain(comment.body);
        // Instance 3 polls: everything reaches its subscriber while Redis is still down.
        await until(
          'instance 3 delivering every comment of the outage by polling',
          () => during.every((c) => on3.received.some((r) => r.id === c.id)),
          7_000,
        );
        expect(redisBack).toBe(false);
        // Instance 1 wakes on its own commits, reading everything stored up to them (instance
        // 3's earlier comments too); the last one, through instance 3, waits for Redis.
        const last = during[during.length - 1]!;
        await until('instance 1 delivering up to its own last comment', () =>
          during.slice(0, -1).every((c) => on1.received.some((r) => r.id === c.id)),
        );
        expect(on1.received.some((r) => r.id === last.id)).toBe(false);
        expect(redisBack).toBe(false);

        await outage;
        // Redis is back: instance 1 reads what the lost pings announced as soon as it reconnects.
        await until(
          'instance 1 catching up after Redis returned',
          () => during.every((c) => on1.received.some((r) => r.id === c.id)),
          20_000,
        );
        // And pings flow again: a new comment through instance 3 reaches instance 1 at once.
        const warm = await untilPinged(gateway3, stack.messaging, 'to instance 1 after the outage');
        const pings = stack.messaging.services.live.stats.pingsReceived;
        const after = await post(gateway3, alice, 'after the outage');
        await until('instance 1 delivering over Redis again', () =>
          on1.received.some((r) => r.id === after.id),
        );
        expect(stack.messaging.services.live.stats.pingsReceived).toBeGreaterThan(pings);

        // Nothing missed, nothing twice, in the order stored, on both sides of the outage.
        const expected = [before.body, ...during.map((c) => c.body), ...warm, after.body];
        await until('both subscribers level', () => {
          return [on1, on3].every((s) => s.received.length >= expected.length);
        });
        await new Promise((r) => setTimeout(r, 500));
        for (const subscriber of [on1, on3]) {
          expect(subscriber.errors).toEqual([]);
          expect(subscriber.bodies()).toEqual(expected);
          expect(new Set(subscriber.received.map((r) => r.id)).size).toBe(expected.length);
        }
        const all = await stored(gateway3);
        expect(all.filter((body) => expected.includes(body))).toEqual(expected);
        // No process gave up: every gateway still answers, and nothing was left unhandled.
        for (const gateway of [stack.gateway, gateway2, gateway3]) {
          const answer = await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
            body: JSON.stringify({ query: '{ viewer { kind } }' }),
          });
          expect(answer.status).toBe(200);
        }
        expect(rejections).toEqual([]);
      },
      90_000,
    );
  },
);
