import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import {
  AggregatePosition,
  ConsumerCursor,
  EventConsumer,
  InboxRow,
  testing,
  waitUntil,
  type NewEvent,
} from '@portico/kit';
import { Contact } from '../src/contact/contact.entity';
import { Customer } from '../src/customer/customer.entity';
import { NotificationDelivery } from '../src/notification/notification-delivery.entity';
import { DOCUMENTS_CONSUMER, MESSAGING_CONSUMER } from '../src/notification/notification-consumers';
import { notificationMessageId } from '../src/notification/notification-mails';
import { ORGANISATION_ROW_ID, OrganisationProfile } from '../src/organisation/organisation.entity';
import { StaffUser } from '../src/staff/staff-user.entity';
import { contactPrincipal, startTestAccounts, type TestAccounts } from './accounts-harness';
import {
  commentPosted,
  documentShared,
  startDocumentsProducer,
  startMessagingProducer,
  type Producer,
} from './event-producers';

interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  autoSubmitted: string | undefined;
}

/** Every .eml the folder transport wrote, parsed. */
async function readMails(folder: string): Promise<ReceivedMail[]> {
  if (!existsSync(folder)) return [];
  const mails: ReceivedMail[] = [];
  for (const file of readdirSync(folder).sort()) {
    const parsed = await simpleParser(readFileSync(join(folder, file)));
    const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
    mails.push({
      to: to ?? '',
      subject: parsed.subject ?? '',
      text: (parsed.text ?? '').trim(),
      messageId: parsed.messageId ?? '',
      autoSubmitted: parsed.headers.get('auto-submitted') as string | undefined,
    });
  }
  return mails;
}

const PORTAL = 'https://portal.northwind.example';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'email notifications on %s',
  (_name, target) => {
    let messaging: Producer;
    let documents: Producer;
    let accounts: TestAccounts;
    let support: StaffUser;
    let sales: StaffUser;

    beforeAll(async () => {
      messaging = await startMessagingProducer(target);
      documents = await startDocumentsProducer(target);
      accounts = await startTestAccounts(target, {
        NOTIFICATIONS_ENABLED: 'true',
        EVENTS_FEED_MESSAGING_URL: messaging.feedUrl,
        EVENTS_FEED_DOCUMENTS_URL: documents.feedUrl,
        NOTIFICATIONS_POLL_MS: '200',
      });
      const manager = accounts.running.db.manager;
      // Links start at the organisation's portal URL (a trailing slash is not doubled).
      await manager
        .getRepository(OrganisationProfile)
        .update({ id: ORGANISATION_ROW_ID }, { portalUrl: `${PORTAL}/` });
      const staff = manager.getRepository(StaffUser);
      const member = (name: string, roleList: string, extra: Partial<StaffUser> = {}) =>
        staff.create({
          id: randomUUID(),
          name,
          email: `${name.toLowerCase()}@northwind.example`,
          passwordHash: 'argon2id-placeholder-hash',
          roleList,
          lastSignInAt: null,
          createdAt: new Date(),
          disabledAt: null,
          invitedBy: null,
          ...extra,
        });
      support = member('Sam', 'support');
      sales = member('Sid', 'sales');
      await staff.save([
        support,
        sales,
        member('Ivy', 'support', { passwordHash: null }),
        member('Dee', 'support', { disabledAt: new Date() }),
      ]);
    });
    afterAll(async () => {
      await accounts?.stop();
      await messaging?.close();
      await documents?.close();
    });

    function cursor(consumer: string, producer: string): Promise<number> {
      return new EventConsumer(accounts.running.db, { name: consumer, handlers: {} }).cursor(
        producer,
      );
    }

    /** Publishes the event and waits until accounts applied it. */
    async function deliver(producer: Producer, event: NewEvent): Promise<string> {
      const position = await producer.publish(event);
      const consumer = producer === messaging ? MESSAGING_CONSUMER : DOCUMENTS_CONSUMER;
      const name = producer === messaging ? 'messaging' : 'documents';
      expect(await waitUntil(async () => (await cursor(consumer, name)) >= position, 20_000)).toBe(
        true,
      );
      return event.id as string;
    }

    function rowsOf(eventId: string): Promise<NotificationDelivery[]> {
      return accounts.running.db.manager
        .getRepository(NotificationDelivery)
        .find({ where: { eventId }, order: { recipient: 'ASC' } });
    }

    /** Waits until every delivery row of the event was sent; then its mails. */
    async function mailsOf(eventId: string, expected: number): Promise<ReceivedMail[]> {
      const sent = await waitUntil(async () => {
        const rows = await rowsOf(eventId);
        return rows.length === expected && rows.every((r) => r.status === 'sent');
      }, 20_000);
      expect(sent).toBe(true);
      return (await readMails(accounts.mailFolder)).filter((m) =>
        m.messageId.startsWith(`<${eventId}.`),
      );
    }

    it("mails each contact of the customer once when staff reply, in the customer's language, with the link and no body", async () => {
      const { alice, lucia, admin, acmeId, globexId } = accounts.demo;
      const bob = await accounts.running.db.manager
        .getRepository(Contact)
        .findOneByOrFail({ email: 'bob@acme.example' });
      const threadId = randomUUID();
      const reply = commentPosted({
        threadId,
        customerId: acmeId,
        author: { kind: 'staff', staffUserId: admin.id },
        subject: { kind: 'invoice', id: randomUUID(), label: 'INV-2026-00001' },
      });
      // Even a payload that carried what was written would not reach the mail.
      (reply.payload as unknown as Record<string, unknown>).body = 'Secret price: 42 EUR';
      const replyId = await deliver(messaging, reply);
      const english = await mailsOf(replyId, 2);
      expect(english.map((m) => m.to).sort()).toEqual(['alice@acme.example', 'bob@acme.example']);
      for (const [mail, contact] of [
        [english.find((m) => m.to === 'alice@acme.example')!, alice],
        [english.find((m) => m.to === 'bob@acme.example')!, bob],
      ] as const) {
        expect(mail.subject).toBe('Northwind replied about invoice INV-2026-00001');
        expect(mail.text).toBe(
          [
            `Hello ${contact.name},`,
            '',
            'Northwind has replied about invoice INV-2026-00001. Read the reply in the customer portal:',
            '',
            `${PORTAL}/threads/${threadId}`,
            '',
            'You receive this notice because email notifications are on for you; you can turn them off in the portal.',
          ].join('\n'),
        );
        expect(mail.text).not.toContain('42 EUR');
        expect(mail.messageId).toBe(notificationMessageId(replyId, `contact:${contact.id}`));
        expect(mail.autoSubmitted).toBe('auto-generated');
      }

      const quoteThread = randomUUID();
      const spanishId = await deliver(
        messaging,
        commentPosted({
          threadId: quoteThread,
          customerId: globexId,
          author: { kind: 'staff', staffUserId: admin.id },
          subject: { kind: 'quote', id: randomUUID(), label: 'QUO-2026-00007' },
        }),
      );
      const [spanish, ...more] = await mailsOf(spanishId, 1);
      expect(more).toEqual([]);
      expect(spanish).toMatchObject({
        to: 'lucia@globex.example',
        subject: 'Northwind le ha respondido sobre el presupuesto QUO-2026-00007',
      });
      expect(spanish!.text).toContain('Hola, Lucía Gómez:');
      expect(spanish!.text).toContain(`${PORTAL}/threads/${quoteThread}`);
      expect(spanish!.messageId).toBe(notificationMessageId(spanishId, `contact:${lucia.id}`));
    });

    it('mails nobody for an internal note or a system item', async () => {
      const { acmeId, admin } = accounts.demo;
      const before = (await readMails(accounts.mailFolder)).length;
      const noteId = await deliver(
        messaging,
        commentPosted({
          customerId: acmeId,
          kind: 'internal_note',
          author: { kind: 'staff', staffUserId: admin.id },
        }),
      );
      const systemId = await deliver(
        messaging,
        commentPosted({
          customerId: acmeId,
          kind: 'system',
          author: null,
          systemType: 'invoice.issued',
          subject: { kind: 'invoice', id: randomUUID(), label: 'INV-2026-00002' },
        }),
      );
      expect(await rowsOf(noteId)).toEqual([]);
      expect(await rowsOf(systemId)).toEqual([]);
      // A later reply is mailed, so the sender ran past both.
      const replyId = await deliver(
        messaging,
        commentPosted({ customerId: acmeId, author: { kind: 'staff', staffUserId: admin.id } }),
      );
      expect(await mailsOf(replyId, 2)).toHaveLength(2);
      expect((await readMails(accounts.mailFolder)).length).toBe(before + 2);
    });

    it('lets a contact turn its own notifications off, and then mails it nothing', async () => {
      const { alice, lucia, admin, acmeId } = accounts.demo;
      const bob = await accounts.running.db.manager
        .getRepository(Contact)
        .findOneByOrFail({ email: 'bob@acme.example' });
      const set = `mutation($input: SetEmailNotificationsInput!) {
        setEmailNotifications(input: $input) { contact { id emailNotifications } } }`;
      // Another contact, of the same customer or not, is "not found"; a partner is refused.
      for (const principal of [contactPrincipal(alice), contactPrincipal(lucia)]) {
        const refused = await accounts.post(set, {
          principal,
          variables: { input: { contactId: bob.id, enabled: false } },
        });
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      const partner = await accounts.post(set, {
        principal: {
          kind: 'partner',
          clientId: 'p1',
          scopes: ['contacts:read'],
          customerIds: null,
        },
        variables: { input: { contactId: bob.id, enabled: false } },
      });
      expect(partner.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await accounts.post(set, {
        variables: { input: { contactId: bob.id, enabled: false } },
      });
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(
        (await accounts.running.db.manager.getRepository(Contact).findOneByOrFail({ id: bob.id }))
          .emailNotifications,
      ).toBe(true);

      const own = await accounts.post(set, {
        principal: contactPrincipal(bob),
        variables: { input: { contactId: bob.id, enabled: false } },
      });
      expect(own.body).toEqual({
        data: { setEmailNotifications: { contact: { id: bob.id, emailNotifications: false } } },
      });
      const replyId = await deliver(
        messaging,
        commentPosted({ customerId: acmeId, author: { kind: 'staff', staffUserId: admin.id } }),
      );
      const mails = await mailsOf(replyId, 1);
      expect(mails.map((m) => m.to)).toEqual(['alice@acme.example']);

      // Staff may turn it on again for any contact.
      const again = await accounts.post(set, {
        principal: { kind: 'staff', staffUserId: support.id, roles: ['support'] },
        variables: { input: { contactId: bob.id, enabled: true } },
      });
      expect(again.body.data).toEqual({
        setEmailNotifications: { contact: { id: bob.id, emailNotifications: true } },
      });
    });

    it('mails nobody of an archived customer, nor a disabled contact', async () => {
      const { alice, admin, acmeId, globexId } = accounts.demo;
      const manager = accounts.running.db.manager;
      await manager.getRepository(Customer).update({ id: globexId }, { archivedAt: new Date() });
      await manager.getRepository(Contact).update({ id: alice.id }, { disabledAt: new Date() });
      try {
        const archivedId = await deliver(
          messaging,
          commentPosted({ customerId: globexId, author: { kind: 'staff', staffUserId: admin.id } }),
        );
        expect(await rowsOf(archivedId)).toEqual([]);
        const sharedId = await deliver(documents, documentShared(globexId, 'Tarifa 2027'));
        expect(await rowsOf(sharedId)).toEqual([]);
        const replyId = await deliver(
          messaging,
          commentPosted({ customerId: acmeId, author: { kind: 'staff', staffUserId: admin.id } }),
        );
        expect((await mailsOf(replyId, 1)).map((m) => m.to)).toEqual(['bob@acme.example']);
      } finally {
        await manager.getRepository(Customer).update({ id: globexId }, { archivedAt: null });
        await manager.getRepository(Contact).update({ id: alice.id }, { disabledAt: null });
      }
    });

    it("mails a contact's message to the conversation's assignee, else to active admins and support", async () => {
      const { alice, admin, acmeId } = accounts.demo;
      const threadId = randomUUID();
      const assignedId = await deliver(
        messaging,
        commentPosted({
          threadId,
          customerId: acmeId,
          author: { kind: 'contact', contactId: alice.id },
          assigneeStaffUserId: sales.id,
          subject: { kind: 'purchase_order', id: randomUUID(), label: 'PO-2026-00003' },
        }),
      );
      const [assigned, ...others] = await mailsOf(assignedId, 1);
      expect(others).toEqual([]);
      expect(assigned).toMatchObject({
        to: 'sid@northwind.example',
        subject: 'New message from Acme Supplies Ltd about order PO-2026-00003',
      });
      expect(assigned!.text).toContain(
        'Alice Archer (Acme Supplies Ltd) wrote about order PO-2026-00003.',
      );
      expect(assigned!.text).toContain(`${PORTAL}/staff/threads/${threadId}`);
      expect(assigned!.text).toContain('assigned to you');

      const unassignedId = await deliver(
        messaging,
        commentPosted({
          customerId: acmeId,
          author: { kind: 'contact', contactId: alice.id },
        }),
      );
      const team = await mailsOf(unassignedId, 2);
      // Not the sales member, nor the invited or the disabled support members, nor any contact.
      expect(team.map((m) => m.to).sort()).toEqual([admin.email, support.email].sort());
      expect(team[0]!.subject).toBe('New message from Acme Supplies Ltd');

      // A message "by" a contact of another customer is not believed.
      const forgedId = await deliver(
        messaging,
        commentPosted({
          customerId: accounts.demo.globexId,
          author: { kind: 'contact', contactId: alice.id },
        }),
      );
      expect(await rowsOf(forgedId)).toEqual([]);
    });

    it("mails the customer's contacts when a document is shared", async () => {
      const { globexId, lucia } = accounts.demo;
      const documentId = randomUUID();
      const sharedId = await deliver(
        documents,
        documentShared(globexId, 'Tarifa 2027', documentId),
      );
      const [mail, ...others] = await mailsOf(sharedId, 1);
      expect(others).toEqual([]);
      expect(mail).toMatchObject({
        to: 'lucia@globex.example',
        subject: 'Northwind ha compartido un documento: Tarifa 2027',
        messageId: notificationMessageId(sharedId, `contact:${lucia.id}`),
      });
      expect(mail!.text).toContain(
        'Northwind ha compartido un documento con Globex Ibérica S.L.: «Tarifa 2027». Puede abrirlo',
      );
      expect(mail!.text).toContain(`${PORTAL}/documents/${documentId}`);
    });

    it('sends one mail for an event delivered again after a restart, even with its inbox record gone', async () => {
      const { admin, acmeId } = accounts.demo;
      const threadId = randomUUID();
      const event = commentPosted({
        threadId,
        customerId: acmeId,
        author: { kind: 'staff', staffUserId: admin.id },
      });
      const eventId = await deliver(messaging, event);
      expect(await mailsOf(eventId, 2)).toHaveLength(2);
      const [envelope] = (await messaging.outbox.read(0, 10_000)).filter((e) => e.id === eventId);

      await accounts.restart();
      // As if the consumer's records of this event were lost: the feed hands
      // it over again from just before it, and the consumer applies it again.
      const manager = accounts.running.db.manager;
      await manager.getRepository(InboxRow).delete({ consumer: MESSAGING_CONSUMER, eventId });
      await manager
        .getRepository(AggregatePosition)
        .delete({ consumer: MESSAGING_CONSUMER, aggregateId: threadId });
      await manager
        .getRepository(ConsumerCursor)
        .update(
          { consumer: MESSAGING_CONSUMER, producer: 'messaging' },
          { position: envelope!.position - 1 },
        );
      expect(
        await waitUntil(
          async () =>
            (await manager
              .getRepository(InboxRow)
              .countBy({ consumer: MESSAGING_CONSUMER, eventId })) === 1,
          20_000,
        ),
      ).toBe(true);
      // Applied again, it wrote nothing new; a later event is mailed past it.
      const laterId = await deliver(
        messaging,
        commentPosted({ customerId: acmeId, author: { kind: 'staff', staffUserId: admin.id } }),
      );
      expect(await mailsOf(laterId, 2)).toHaveLength(2);
      expect(await rowsOf(eventId)).toHaveLength(2);
      expect(await mailsOf(eventId, 2)).toHaveLength(2);
    });
  },
);
