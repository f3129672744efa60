import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { EventConsumer, testing, waitUntil, type NewEvent } from '@portico/kit';
import { NotificationDelivery } from '../src/notification/notification-delivery.entity';
import { MESSAGING_CONSUMER } from '../src/notification/notification-consumers';
import { notificationMessageId } from '../src/notification/notification-mails';
import { startTestAccounts, type TestAccounts } from './accounts-harness';
import {
  commentPosted,
  startDocumentsProducer,
  startMessagingProducer,
  type Producer,
} from './event-producers';

/**
 * The mail transport failing and recovering: the folder transport cannot
 * write while a file stands where its folder should be (a real write error,
 * as a full or unmounted disk gives), and works again once it is gone.
 */
describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'notification retries on %s',
  (_name, target) => {
    let messaging: Producer;
    let documents: Producer;
    let accounts: TestAccounts;

    beforeAll(async () => {
      messaging = await startMessagingProducer(target);
      documents = await startDocumentsProducer(target);
      accounts = await startTestAccounts(target, {
        NOTIFICATIONS_ENABLED: 'true',
        EVENTS_FEED_MESSAGING_URL: messaging.feedUrl,
        EVENTS_FEED_DOCUMENTS_URL: documents.feedUrl,
        NOTIFICATIONS_POLL_MS: '100',
        NOTIFICATIONS_RETRY_BASE_MS: '300',
        NOTIFICATIONS_RETRY_MAX_MS: '2400',
        NOTIFICATIONS_MAX_ATTEMPTS: '5',
      });
    });
    afterAll(async () => {
      await accounts?.stop();
      await messaging?.close();
      await documents?.close();
    });

    async function deliver(event: NewEvent): Promise<string> {
      const position = await messaging.publish(event);
      const consumer = new EventConsumer(accounts.running.db, {
        name: MESSAGING_CONSUMER,
        handlers: {},
      });
      expect(
        await waitUntil(async () => (await consumer.cursor('messaging')) >= position, 20_000),
      ).toBe(true);
      return event.id as string;
    }

    function rowsOf(eventId: string): Promise<NotificationDelivery[]> {
      return accounts.running.db.manager
        .getRepository(NotificationDelivery)
        .find({ where: { eventId }, order: { recipient: 'ASC' } });
    }

    async function messageIds(): Promise<string[]> {
      if (!existsSync(accounts.mailFolder)) return [];
      const ids: string[] = [];
      for (const file of readdirSync(accounts.mailFolder)) {
        ids.push((await simpleParser(readFileSync(join(accounts.mailFolder, file)))).messageId!);
      }
      return ids.sort();
    }

    it('retries with a growing delay while the transport fails, gives up after the last attempt, and sends once when it recovers', async () => {
      const { admin, acmeId, globexId, alice, lucia } = accounts.demo;
      writeFileSync(accounts.mailFolder, 'a file where the mail folder should be');
      const staff = { kind: 'staff' as const, staffUserId: admin.id };

      const lostId = await deliver(commentPosted({ customerId: globexId, author: staff }));
      expect(
        await waitUntil(
          async () => (await rowsOf(lostId)).every((r) => r.status === 'failed'),
          30_000,
        ),
      ).toBe(true);
      const [lost] = await rowsOf(lostId);
      expect(lost).toMatchObject({ attempts: 5, recipient: `contact:${lucia.id}`, sentAt: null });
      expect(lost!.lastError).toMatch(/EEXIST|ENOTDIR/);
      // Waits of 300, 600, 1200 and 2400 ms between the five attempts (doubling,
      // capped), and the last one's 2400 after it: slower machines only add to it.
      expect(lost!.nextAttemptAt.getTime() - lost!.createdAt.getTime()).toBeGreaterThanOrEqual(
        300 + 600 + 1200 + 2400 + 2400,
      );

      const replyId = await deliver(commentPosted({ customerId: acmeId, author: staff }));
      expect(
        await waitUntil(async () => {
          const rows = await rowsOf(replyId);
          return rows.length === 2 && rows.every((r) => r.attempts >= 2 && r.lastError !== null);
        }, 20_000),
      ).toBe(true);
      const retried = await rowsOf(replyId);
      expect(retried.every((r) => r.status === 'pending')).toBe(true);

      rmSync(accounts.mailFolder);
      expect(
        await waitUntil(
          async () => (await rowsOf(replyId)).every((r) => r.status === 'sent'),
          20_000,
        ),
      ).toBe(true);
      for (const row of await rowsOf(replyId)) {
        expect(row.lastError).toBeNull();
        expect(row.sentAt).not.toBeNull();
      }
      // Longer than every retry delay: nothing more arrives, and the given-up mail stays unsent.
      await new Promise((r) => setTimeout(r, 3_000));
      const bob = retried.find((r) => r.recipient !== `contact:${alice.id}`)!.recipient;
      expect(await messageIds()).toEqual(
        [
          notificationMessageId(replyId, `contact:${alice.id}`),
          notificationMessageId(replyId, bob),
        ].sort(),
      );
      expect((await rowsOf(lostId))[0]!.status).toBe('failed');
    });
  },
);
