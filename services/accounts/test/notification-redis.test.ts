import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createEventTransport,
  eventStreamKey,
  testing,
  waitUntil,
  type Stoppable,
} from '@portico/kit';
import { NotificationDelivery } from '../src/notification/notification-delivery.entity';
import { startTestAccounts, type TestAccounts } from './accounts-harness';
import { mailsTo } from './mail-folder';
import {
  commentPosted,
  startDocumentsProducer,
  startMessagingProducer,
  type Producer,
} from './event-producers';

const redisUrl = testing.redisUrlForTests(process.env);
if (!redisUrl) {
  process.stderr.write('Redis not available: the Redis Streams run of notifications is SKIPPED\n');
}
const cases = redisUrl ? testing.databaseTargets(process.env).map((t) => [t.name, t] as const) : [];

/** The production transport: accounts reads messaging's stream and relays its own outbox. */
(cases.length ? describe.each(cases) : describe.skip.each([['none', null]]))(
  'notifications over Redis Streams on %s',
  (_name, target) => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    let messaging: Producer;
    let documents: Producer;
    let relays: Stoppable[] = [];
    let accounts: TestAccounts;

    beforeAll(async () => {
      messaging = await startMessagingProducer(target!);
      documents = await startDocumentsProducer(target!);
      const transport = createEventTransport(
        {
          transport: 'redis',
          redisUrl: redisUrl!,
          redisPrefix: prefix,
          feeds: {},
          retainMs: 60 * 60_000,
        },
        { claimsSecret: testing.TEST_CLAIMS_SECRET },
      );
      relays = [transport.publish(messaging.outbox), transport.publish(documents.outbox)];
      accounts = await startTestAccounts(target!, {
        NOTIFICATIONS_ENABLED: 'true',
        EVENTS_REDIS_URL: redisUrl!,
        EVENTS_REDIS_PREFIX: prefix,
        NOTIFICATIONS_POLL_MS: '200',
      });
    });
    afterAll(async () => {
      await accounts?.stop();
      for (const relay of relays) await relay.close();
      await messaging?.close();
      await documents?.close();
      await testing.dropRedisKeys(redisUrl!, prefix);
    });

    it("mails a staff reply read from messaging's stream, and relays accounts' own events", async () => {
      const { admin, acmeId } = accounts.demo;
      const event = commentPosted({
        customerId: acmeId,
        author: { kind: 'staff', staffUserId: admin.id },
      });
      await messaging.publish(event);
      const rows = accounts.running.db.manager.getRepository(NotificationDelivery);
      expect(
        await waitUntil(
          async () =>
            (await rows.countBy({ eventId: event.id!, status: 'sent' })) === 2 &&
            (await mailsTo(accounts.mailFolder, 'alice@acme.example')).length === 1,
          30_000,
        ),
      ).toBe(true);
      expect(await mailsTo(accounts.mailFolder, 'bob@acme.example')).toHaveLength(1);

      // The demo data's organisation.updated and two customer.created, for billing and the others.
      const redis = new Redis(redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const key = eventStreamKey(prefix, 'accounts');
        expect(await waitUntil(async () => (await redis.xlen(key)) >= 3, 20_000)).toBe(true);
      } finally {
        redis.disconnect();
      }
    });
  },
);
