import { testing } from '@portico/kit';
import { CommentRow } from '../src/comment/comment.entity';
import {
  contactOf,
  post,
  STAFF,
  startTestMessaging,
  type TestMessaging,
} from './messaging-harness';

const TIMELINE = `query ($id: ID!) {
  thread(id: $id) { id subjectKind subjectLabel comments(first: 100) { nodes { kind body systemType author { id } } } }
}`;

type Timeline = {
  thread: {
    subjectKind: string;
    subjectLabel: string | null;
    comments: {
      nodes: Array<{ kind: string; body: string; systemType: string | null; author: unknown }>;
    };
  };
};

let serial = 0;
const uuid = () => `00000000-0000-4000-9000-${String(++serial).padStart(12, '0')}`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'system items on %s',
  (_name, target) => {
    let m: TestMessaging;
    let acme: string;
    let globex: string;
    beforeAll(async () => {
      m = await startTestMessaging(target);
      acme = await m.customer();
      globex = await m.customer();
    });
    afterAll(() => m?.stop());

    const timeline = async (principal = STAFF, id: string) =>
      (await m.gql<Timeline>(principal, TIMELINE, { id })).body.data?.thread;

    it('puts an issued invoice and its payment in the invoice thread once, however often delivered', async () => {
      const invoiceId = uuid();
      const issued = await m.producerEvent('billing', 'invoice.issued', {
        invoiceId,
        customerId: acme,
        number: 'INV-2026-0001',
      });
      expect(issued.outcome).toBe('applied');
      expect(await m.redeliver(issued.envelope)).toBe('duplicate');
      const paid = await m.producerEvent('billing', 'payment.succeeded', {
        paymentId: uuid(),
        customerId: acme,
        amountMinor: 123456,
        currency: 'EUR',
        invoiceIds: [invoiceId],
      });
      expect(await m.redeliver(paid.envelope)).toBe('duplicate');
      const contact = contactOf(acme);
      const thread = await timeline(contact, `invoice:${invoiceId}`);
      expect(thread).toMatchObject({ subjectKind: 'INVOICE', subjectLabel: 'INV-2026-0001' });
      expect(thread?.comments.nodes).toEqual([
        {
          kind: 'SYSTEM',
          body: 'Invoice INV-2026-0001 was issued.',
          systemType: 'invoice.issued',
          author: null,
        },
        {
          kind: 'SYSTEM',
          body: 'Payment of 1234.56 EUR received.',
          systemType: 'payment.succeeded',
          author: null,
        },
      ]);
      const invoiceThread = await m.gql<{ _entities: Array<{ thread: { id: string } | null }> }>(
        contact,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { thread { id } } } }',
        {
          r: [
            { __typename: 'Invoice', id: invoiceId },
            { __typename: 'Invoice', id: uuid() },
          ],
        },
      );
      expect(invoiceThread.body.data?._entities).toEqual([
        { thread: { id: `invoice:${invoiceId}` } },
        { thread: null },
      ]);
      // Another customer's contact sees neither the thread nor that it exists.
      const foreign = await m.gql(contactOf(globex), TIMELINE, { id: `invoice:${invoiceId}` });
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const foreignThread = await m.gql<{ _entities: Array<{ thread: unknown }> }>(
        contactOf(globex),
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { thread { id } } } }',
        { r: [{ __typename: 'Invoice', id: invoiceId }] },
      );
      expect(foreignThread.body.data?._entities).toEqual([{ thread: null }]);
      const posted = (await m.events()).filter((e) => e.aggregateId === `invoice:${invoiceId}`);
      expect(posted.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          kind: 'system',
          author: null,
          systemType: 'invoice.issued',
          subject: { kind: 'invoice', id: invoiceId, label: 'INV-2026-0001' },
          position: 1,
        }),
        expect.objectContaining({ kind: 'system', systemType: 'payment.succeeded', position: 2 }),
      ]);
    });

    it("shows a quote's decisions with the customer's comment, and an order's changes", async () => {
      const quoteId = uuid();
      const quote = (type: string, extra: Record<string, unknown> = {}) =>
        m.producerEvent('sales', type, {
          quoteId,
          customerId: acme,
          number: 'Q-2026-0007',
          revision: 1,
          actor: { kind: 'business' },
          ...extra,
        });
      await quote('quote.sent');
      await quote('quote.viewed');
      await quote('quote.changes_requested', {
        actor: { kind: 'contact', contactId: uuid() },
        comment: 'Could you do 10% off?',
      });
      await quote('quote.sent', { revision: 2 });
      await quote('quote.accepted', { signerName: 'Alice Archer', comment: null, revision: 2 });
      const orderId = uuid();
      const order = (type: string, extra: Record<string, unknown>) =>
        m.producerEvent('sales', type, {
          purchaseOrderId: orderId,
          customerId: acme,
          number: 'PO-2026-0003',
          subStatus: null,
          timelineEntryId: uuid(),
          actor: { kind: 'business' },
          ...extra,
        });
      await order('order.created', { status: 'confirmed', change: 'created' });
      await order('order.status_changed', {
        status: 'in_progress',
        change: 'status_changed',
        subStatus: { label: 'Picking', colour: '#336699' },
      });
      await order('order.shipment_added', { status: 'shipped', change: 'shipment_added' });
      await order('order.shipment_delivered', {
        status: 'delivered',
        change: 'shipment_delivered',
      });
      expect(
        (await timeline(STAFF, `quote:${quoteId}`))?.comments.nodes.map((c) => c.body),
      ).toEqual([
        'Quote Q-2026-0007 was sent.',
        'Changes were requested to quote Q-2026-0007.\nComment: Could you do 10% off?',
        'Quote Q-2026-0007 was sent (revision 2).',
        'Quote Q-2026-0007 was accepted by Alice Archer.',
      ]);
      expect(
        (await timeline(contactOf(acme), `purchase_order:${orderId}`))?.comments.nodes.map((c) => [
          c.systemType,
          c.body,
        ]),
      ).toEqual([
        ['order.status_changed', 'Order PO-2026-0003 is now in progress (Picking).'],
        ['order.shipment_added', 'A shipment of order PO-2026-0003 is on its way.'],
        ['order.shipment_delivered', 'A shipment of order PO-2026-0003 was delivered.'],
      ]);
      const declinedId = uuid();
      await m.producerEvent('sales', 'quote.declined', {
        quoteId: declinedId,
        customerId: globex,
        number: 'Q-2026-0008',
        revision: 1,
        actor: { kind: 'contact', contactId: uuid() },
        reasonCode: 'price',
        comment: 'Too expensive',
      });
      expect(
        (await timeline(STAFF, `quote:${declinedId}`))?.comments.nodes.map((c) => c.body),
      ).toEqual(['Quote Q-2026-0008 was declined.\nReason: Too expensive']);
    });

    it('shows shared and acknowledged documents, and lets the customer talk about them', async () => {
      const documentId = uuid();
      const payload = {
        documentId,
        customerId: acme,
        title: 'Master services agreement',
        category: 'contract',
        version: 1,
        fileName: 'msa.pdf',
        actor: { kind: 'business' },
        attachedTo: null,
        acknowledgementRequired: true,
      };
      const shared = await m.producerEvent('documents', 'document.shared', payload);
      expect(await m.redeliver(shared.envelope)).toBe('duplicate');
      await m.producerEvent('documents', 'document.acknowledged', {
        ...payload,
        contactId: uuid(),
        name: 'Alice Archer',
        versionSha256: 'a'.repeat(64),
      });
      const contact = contactOf(acme);
      await post(m, contact, { threadId: `document:${documentId}`, body: 'Signed, thanks' });
      const thread = await timeline(contact, `document:${documentId}`);
      expect(thread?.subjectLabel).toBe('Master services agreement');
      expect(thread?.comments.nodes.map((c) => [c.kind, c.body])).toEqual([
        ['SYSTEM', 'Document “Master services agreement” was shared.'],
        ['SYSTEM', 'Alice Archer acknowledged the document (version 1).'],
        ['MESSAGE', 'Signed, thanks'],
      ]);
    });

    it('believes no event that moves a record to another customer, and applies each event once under concurrent delivery', async () => {
      const invoiceId = uuid();
      await m.producerEvent('billing', 'invoice.issued', {
        invoiceId,
        customerId: acme,
        number: 'INV-9',
      });
      await m.producerEvent('billing', 'invoice.issued', {
        invoiceId,
        customerId: globex,
        number: 'INV-9',
      });
      const paid = await m.producerEvent('billing', 'payment.succeeded', {
        paymentId: uuid(),
        customerId: globex,
        amountMinor: 100,
        currency: 'EUR',
        invoiceIds: [invoiceId],
      });
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => m.redeliver(paid.envelope)),
      );
      expect(outcomes).toEqual(outcomes.map(() => 'duplicate'));
      const invoiceItems = await m.running.db.manager
        .getRepository(CommentRow)
        .findBy({ threadId: `invoice:${invoiceId}` });
      expect(invoiceItems.map((c) => c.customerId)).toEqual([acme]);
      // Globex's payment of an invoice that is not Globex's lands in Globex's general thread.
      const globexGeneral = await m.running.db.manager
        .getRepository(CommentRow)
        .findBy({ threadId: `general:${globex}`, systemType: 'payment.succeeded' });
      expect(globexGeneral).toHaveLength(1);
      expect(globexGeneral[0]!.sourceEventId).toBe(paid.envelope.id);
    });

    it('numbers a timeline without gaps while posts and system items arrive at once', async () => {
      const invoiceId = uuid();
      await m.producerEvent('billing', 'invoice.issued', {
        invoiceId,
        customerId: acme,
        number: 'INV-C',
      });
      const threadId = `invoice:${invoiceId}`;
      const contact = contactOf(acme);
      const payment = () =>
        m.producerEvent('billing', 'payment.succeeded', {
          paymentId: uuid(),
          customerId: acme,
          amountMinor: 100,
          currency: 'GBP',
          invoiceIds: [invoiceId],
        });
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => post(m, contact, { threadId, body: `m${i}` })),
        payment(),
        payment(),
      ]);
      const rows = await m.running.db.manager
        .getRepository(CommentRow)
        .find({ where: { threadId }, order: { position: 'ASC' } });
      expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect(rows.filter((r) => r.kind === 'system')).toHaveLength(3);
      const positions = (await m.events())
        .filter((e) => e.type === 'comment.posted' && e.aggregateId === threadId)
        .map((e) => (e.payload as { position: number }).position);
      expect(positions).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    });
  },
);
