import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ANONYMOUS,
  decodeLiveCursor,
  encodeClaims,
  encodeLiveCursor,
  testing,
  type Principal,
} from '@portico/kit';
import type { OrderActor } from '../src/order/order.changes';
import { PurchaseOrderStatus as S } from '../src/order/order.status';
import { applyCustomerEvent, testCustomer } from '@portico/commerce';
import { loadConfig, startSales } from '@portico/sales';
import { contactOf, partnerOf, STAFF, startTestSales, type TestSales } from './sales-harness';

/**
 * orderChanged through the sales subgraph's graphql-ws endpoint, with a real
 * graphql-ws client as the gateway would connect: claims proving the secret
 * at connection_init, the client principal's claims on every subscribe.
 */

const BUSINESS: OrderActor = { kind: 'business', staffUserId: 'staff-9' };
const { TEST_CLAIMS_SECRET } = testing;

const ORDER_CHANGED = `subscription($id: ID, $after: String) {
  orderChanged(purchaseOrderId: $id, after: $after) {
    cursor change order { id number status customer { id } lines { description } }
  }
}`;

interface Change {
  cursor: string;
  change: string;
  order: { id: string; number: string; status: string; customer: { id: string } };
}

const { waitUntil: waitFor, recordSubscription } = testing;

const settle = () => new Promise((r) => setTimeout(r, 400));

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'orderChanged over graphql-ws on %s',
  (_name, target) => {
    let sales: TestSales;
    let acme: string;
    let globex: string;
    let acmeOrder: string;
    let globexOrder: string;
    const clients: Client[] = [];

    const wsUrl = () => sales.running.url.replace(/^http/, 'ws');
    const services = () => sales.running.services;
    const headCursor = async () => encodeLiveCursor(await services().outbox.head());

    function connect(
      params: Record<string, unknown> = {
        claims: encodeClaims(ANONYMOUS, TEST_CLAIMS_SECRET),
      },
    ): Client {
      const client = createClient({
        url: wsUrl(),
        webSocketImpl: WebSocket,
        connectionParams: params,
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    }

    function subscribe(
      client: Client,
      principal: Principal | null,
      variables: Record<string, unknown>,
      query = ORDER_CHANGED,
    ): testing.RecordedSubscription<Change> {
      return recordSubscription<Change>(client, {
        query,
        variables,
        ...(principal
          ? { extensions: { claims: encodeClaims(principal, TEST_CLAIMS_SECRET) } }
          : {}),
      });
    }

    /** Toggles an order between confirmed and in progress: one order.status_changed each time. */
    async function toggle(orderId: string): Promise<string> {
      const order = await services().orderReads.findVisible(STAFF, [orderId]);
      const next = order[0]!.status === S.CONFIRMED ? S.IN_PROGRESS : S.CONFIRMED;
      await services().orders.setStatus(orderId, next, BUSINESS);
      return next.toUpperCase();
    }

    beforeAll(async () => {
      sales = await startTestSales(target);
      acme = await sales.customer({ companyName: 'Acme' });
      globex = await sales.customer({ companyName: 'Globex' });
      const line = { description: 'Desk', quantity: '1', unitPrice: '10.00' };
      acmeOrder = (
        await services().orders.createOrder(
          { customerId: acme, currency: 'EUR', lines: [line] },
          BUSINESS,
        )
      ).order.id;
      globexOrder = (
        await services().orders.createOrder(
          { customerId: globex, currency: 'EUR', lines: [line] },
          BUSINESS,
        )
      ).order.id;
    });

    afterEach(async () => {
      for (const client of clients.splice(0)) await client.dispose();
    });

    afterAll(() => sales?.stop());

    it('closes a socket whose connection_init does not prove the claims secret with 4403', async () => {
      const attempts: Array<Record<string, unknown>> = [
        {},
        { claims: 'v1.forged.signature' },
        { claims: encodeClaims(ANONYMOUS, 'another-secret-0123456789abcdef0123456789') },
        { claims: encodeClaims(ANONYMOUS, TEST_CLAIMS_SECRET, { ttlSeconds: -120 }) },
      ];
      for (const params of attempts) {
        const code = await new Promise<number>((resolve) => {
          const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
          socket.on('open', () =>
            socket.send(JSON.stringify({ type: 'connection_init', payload: params })),
          );
          socket.on('close', (closeCode) => resolve(closeCode));
        });
        expect(code).toBe(4403);
      }
      await waitFor('the sockets gone', () => sales.running.subscriptions?.sockets === 0);
    });

    it('refuses a subscribe without valid client claims and subscribes nothing', async () => {
      const client = connect();
      const missing = subscribe(client, null, { after: await headCursor() });
      const badClaims = client.subscribe(
        {
          query: ORDER_CHANGED,
          extensions: {
            claims: encodeClaims(STAFF, 'another-secret-0123456789abcdef0123456789'),
          },
        },
        {
          next: () => {},
          error: (e) => missing.errors.push(...(e as unknown[])),
          complete: () => {},
        },
      );
      await waitFor('the refusals', () => missing.errors.length >= 2);
      expect(missing.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
        expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
      ]);
      badClaims();
      await toggle(acmeOrder);
      await settle();
      expect(missing.values).toEqual([]);
      expect(services().live.size).toBe(0);
    });

    it("delivers a contact its own customer's order changes and nothing of another customer's", async () => {
      const after = await headCursor();
      const client = connect();
      const contact = subscribe(client, contactOf(acme), { after });
      const snooping = subscribe(client, contactOf(acme), { after, id: globexOrder });
      const partner = subscribe(client, partnerOf([globex], ['orders:read']), { after });
      const staff = subscribe(client, STAFF, { after });
      const acmeStatus = await toggle(acmeOrder);
      // Each change is loaded when it is delivered: let the first arrive before the next.
      await waitFor('the first change', () => contact.values.length === 1);
      await toggle(globexOrder);
      const acmeStatus2 = await toggle(acmeOrder);
      await waitFor('staff to see all three', () => staff.values.length >= 3);
      await waitFor('the contact to see its two', () => contact.values.length >= 2);
      await settle();
      expect(contact.errors).toEqual([]);
      expect(contact.values.map((c) => [c.change, c.order.id, c.order.status])).toEqual([
        ['order.status_changed', acmeOrder, acmeStatus],
        // Each event is loaded afresh: the second shows the order after the second change.
        ['order.status_changed', acmeOrder, acmeStatus2],
      ]);
      expect(contact.values.every((c) => c.order.customer.id === acme)).toBe(true);
      expect(snooping.values).toEqual([]);
      expect(snooping.errors).toEqual([]);
      expect(partner.values.map((c) => c.order.id)).toEqual([globexOrder]);
      expect(staff.values.map((c) => c.order.id)).toEqual([acmeOrder, globexOrder, acmeOrder]);
      // Cursors follow the order of events.
      const cursors = staff.values.map((c) => c.cursor);
      expect(contact.values.map((c) => c.cursor)).toEqual([cursors[0], cursors[2]]);
    });

    it('resumes from a cursor with exactly the missed changes, then live ones', async () => {
      const client = connect();
      const first = subscribe(client, contactOf(acme), { after: await headCursor() });
      await toggle(acmeOrder);
      await waitFor('the first change', () => first.values.length === 1);
      const cursor = first.values[0]!.cursor;
      first.stop();
      await waitFor('the subscription to end', () => services().live.size === 0);
      const missed = [await toggle(acmeOrder), await toggle(acmeOrder)];
      await toggle(globexOrder);
      const resumed = subscribe(client, contactOf(acme), { after: cursor });
      await waitFor('the missed changes', () => resumed.values.length >= 2);
      const live = await toggle(acmeOrder);
      await waitFor('the live change', () => resumed.values.length >= 3);
      await settle();
      expect(resumed.errors).toEqual([]);
      expect(resumed.values).toHaveLength(3);
      // Replayed changes show the order as it was when replayed; the live one as it became.
      expect(resumed.values.map((c) => [c.change, c.order.id, c.order.status])).toEqual([
        ['order.status_changed', acmeOrder, missed[1]],
        ['order.status_changed', acmeOrder, missed[1]],
        ['order.status_changed', acmeOrder, live],
      ]);
      const positions = [cursor, ...resumed.values.map((c) => c.cursor)].map((c) =>
        decodeLiveCursor(c),
      ) as number[];
      // The globex change between them is skipped, nothing else.
      expect(positions[1]! - positions[0]!).toBe(1);
      expect(positions[2]! - positions[1]!).toBe(1);
      expect(positions[3]! - positions[2]!).toBe(2);
    });

    it('refuses a bad cursor as BAD_USER_INPUT', async () => {
      const client = connect();
      const bad = subscribe(client, contactOf(acme), { after: 'not-a-cursor' });
      await waitFor('the refusal', () => bad.errors.length > 0);
      expect(bad.errors).toEqual([
        expect.objectContaining({
          message: 'Invalid cursor',
          extensions: { code: 'BAD_USER_INPUT', field: 'after' },
        }),
      ]);
      await waitFor('the end of it', () => bad.completed);
      expect(services().live.size).toBe(0);
    });

    it('refuses the anonymous and a partner without orders:read at subscribe time', async () => {
      const client = connect();
      const anonymous = subscribe(client, ANONYMOUS, { after: await headCursor() });
      const partner = subscribe(client, partnerOf(null, ['invoices:read']), {});
      await waitFor(
        'both refusals',
        () => anonymous.errors.length > 0 && partner.errors.length > 0,
      );
      expect(anonymous.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
      ]);
      expect(partner.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
      ]);
      expect(services().live.size).toBe(0);
    });

    it('lets go of every live subscription when the client completes or the socket drops', async () => {
      const client = connect();
      const a = subscribe(client, contactOf(acme), {});
      const b = subscribe(client, STAFF, {});
      await waitFor('both subscribed', () => services().live.size === 2);
      a.stop();
      await waitFor('one left', () => services().live.size === 1);
      const other = connect();
      subscribe(other, STAFF, {});
      await waitFor('a second socket subscribed', () => services().live.size === 2);
      await other.dispose();
      await client.dispose();
      await waitFor('none left', () => services().live.size === 0);
      expect(b.values).toEqual([]);
      await waitFor('the sockets closed', () => sales.running.subscriptions?.sockets === 0);
      expect(sales.running.subscriptions?.subscriptions).toBe(0);
    });

    it('serves only subscriptions over the socket', async () => {
      const client = connect();
      const query = subscribe(client, STAFF, {}, `query { purchaseOrders { nodes { id } } }`);
      await waitFor('the refusal', () => query.errors.length > 0);
      expect(query.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
      ]);
    });
  },
);

const redisUrl = testing.redisUrlForTests(process.env);

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'orderChanged across two sales instances on %s',
  (_name, target) => {
    (redisUrl ? it : it.skip)(
      'reaches a subscriber on one instance with a change made through the other, over Redis',
      async () => {
        const database = await target.create('sales2');
        const prefix = `t${randomUUID().slice(0, 8)}:`;
        const env = {
          AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
          HTTP_PORT: '0',
          EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
          EVENTS_FEED_BILLING_URL: 'http://127.0.0.1:9/internal/events',
          REDIS_URL: redisUrl!,
          REDIS_PREFIX: prefix,
          // A minute: only the Redis ping can deliver within the test's wait.
          LIVE_POLL_MS: '60000',
          ...(database.config.driver === 'mysql'
            ? { DB_URL: database.config.url }
            : { DB_SQLITE_PATH: database.config.path }),
        };
        const a = await startSales(loadConfig(env));
        const b = await startSales(loadConfig(env));
        const client = createClient({
          url: b.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { claims: encodeClaims(ANONYMOUS, TEST_CLAIMS_SECRET) },
          retryAttempts: 0,
        });
        try {
          const customer = testCustomer();
          await applyCustomerEvent(a.services.directory, 'customer.created', customer);
          const line = { description: 'Desk', quantity: '1', unitPrice: '10.00' };
          const createOrder = async () =>
            (
              await a.services.orders.createOrder(
                { customerId: customer.id, currency: 'EUR', lines: [line] },
                BUSINESS,
              )
            ).order;
          const order = await createOrder();
          // b's Redis subscription is made as it starts: wait until a's pings reach it.
          while (b.services.live.stats.pingsReceived === 0) {
            await new Promise((r) => setTimeout(r, 100));
            await createOrder();
          }
          const changes: Change[] = [];
          client.subscribe<{ orderChanged: Change }>(
            {
              query: ORDER_CHANGED,
              variables: { after: encodeLiveCursor(await a.services.outbox.head()) },
              extensions: {
                claims: encodeClaims(contactOf(customer.id), TEST_CLAIMS_SECRET),
              },
            },
            {
              next: (r) => {
                if (r.data) changes.push(r.data.orderChanged);
              },
              error: () => undefined,
              complete: () => undefined,
            },
          );
          await waitFor('the subscription on b', () => b.services.live.size === 1);
          await a.services.orders.setStatus(order.id, S.IN_PROGRESS, BUSINESS);
          await waitFor('the change on b', () => changes.length === 1, 15_000);
          expect(changes[0]).toMatchObject({
            change: 'order.status_changed',
            order: { id: order.id, status: 'IN_PROGRESS' },
          });
          expect(b.services.live.stats.pingsReceived).toBeGreaterThan(0);
        } finally {
          await client.dispose();
          await b.close();
          await a.close();
          await database.drop();
        }
      },
      60_000,
    );
  },
);
