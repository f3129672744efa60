import { randomUUID } from 'node:crypto';
import {
  CLAIMS_HEADER,
  encodeClaims,
  testing,
  type EventEnvelope,
  type Principal,
} from '@portico/kit';
import { Invoice, InvoiceLine } from '../src/invoice/invoice.entity';
import { SalesConsumer } from '../src/sales/sales-consumer';
import { SalesInvoiceRequest, SalesOrder } from '../src/sales/sales-links.entity';
import {
  daysFromToday,
  startTestBilling,
  TEST_CLAIMS_SECRET,
  type TestBilling,
} from './billing-harness';

let nextPosition = 1;

/** A sales event as sales' feed would deliver it. */
function salesEvent(
  type: string,
  aggregateType: 'quote' | 'order',
  aggregateId: string,
  customerId: string,
  payload: Record<string, unknown>,
): EventEnvelope {
  return {
    id: randomUUID(),
    producer: 'sales',
    type,
    schemaVersion: 1,
    aggregateType,
    aggregateId,
    customerId,
    occurredAt: new Date().toISOString(),
    payload,
    position: nextPosition++,
    previousPosition: null,
  };
}

interface Conversion {
  quoteId: string;
  purchaseOrderId: string;
  orderLineIds: [string, string];
  event: EventEnvelope;
}

/** `quote.converted` with an invoice of two lines (or as `invoice` says). */
function conversion(
  customerId: string,
  invoice: Record<string, unknown> | null | undefined = undefined,
): Conversion {
  const quoteId = randomUUID();
  const purchaseOrderId = randomUUID();
  const orderLineIds: [string, string] = [randomUUID(), randomUUID()];
  const event = salesEvent('quote.converted', 'quote', quoteId, customerId, {
    quoteId,
    customerId,
    number: `QUO-2026-${String(nextPosition).padStart(5, '0')}`,
    revision: 2,
    actor: { kind: 'business' },
    purchaseOrderId,
    purchaseOrderNumber: `PO-2026-${String(nextPosition).padStart(5, '0')}`,
    invoice:
      invoice === undefined
        ? {
            currency: 'EUR',
            dueDate: daysFromToday(30),
            terms: 'Net 30',
            notes: 'From your accepted quote',
            lines: [
              {
                orderLineId: orderLineIds[0],
                description: 'Consulting',
                quantityMilli: 1500,
                unitPriceMinor: 10_000,
                discountBasisPoints: 1000,
                taxBasisPoints: 2100,
              },
              {
                orderLineId: orderLineIds[1],
                description: 'Setup',
                quantityMilli: 1000,
                unitPriceMinor: 5_000,
                discountBasisPoints: 0,
                taxBasisPoints: 0,
              },
            ],
          }
        : invoice,
  });
  return { quoteId, purchaseOrderId, orderLineIds, event };
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'billing and sales links on %s',
  (_name, target) => {
    let billing: TestBilling;
    beforeAll(async () => {
      billing = await startTestBilling(target);
    });
    afterAll(() => billing?.stop());

    const services = () => billing.running.services;
    const repo = <T extends object>(entity: new () => T) =>
      billing.running.db.manager.getRepository(entity);

    async function publishedEvents(): Promise<EventEnvelope[]> {
      const all: EventEnvelope[] = [];
      for (;;) {
        const batch = await services().outbox.read(all.length ? all[all.length - 1]!.position : 0);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
    }

    async function direct<T = Record<string, unknown>>(query: string, principal: Principal) {
      const response = await fetch(billing.running.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CLAIMS_HEADER]: encodeClaims(principal, TEST_CLAIMS_SECRET),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as {
        data?: T | null;
        errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      };
    }

    const contactOf = (customerId: string): Principal => ({
      kind: 'contact',
      contactId: randomUUID(),
      customerId,
    });
    const staff: Principal = { kind: 'staff', staffUserId: 'staff-1', roles: ['admin'] };

    /** An order sales announced (order.created), applied through the real consumer. */
    async function announceOrder(customerId: string, quoteId: string | null = null) {
      const id = randomUUID();
      const event = salesEvent('order.created', 'order', id, customerId, {
        purchaseOrderId: id,
        customerId,
        number: `PO-2026-${String(nextPosition).padStart(5, '0')}`,
        status: 'confirmed',
        subStatus: null,
        timelineEntryId: randomUUID(),
        change: 'created',
        actor: { kind: 'business' },
        quoteId,
      });
      expect(await services().salesConsumer.apply(event, true)).toBe('applied');
      return id;
    }

    it('raises and issues one invoice from a converted quote, however often the event arrives', async () => {
      const customerId = await billing.customer({ companyName: 'Converted Ltd' });
      const c = conversion(customerId);
      expect(await services().salesConsumer.apply(c.event, true)).toBe('applied');
      expect(await services().salesConsumer.apply(c.event, true)).toBe('duplicate');
      expect(await services().salesConsumer.apply(c.event)).toBe('duplicate');

      const invoices = await repo(Invoice).findBy({ quoteId: c.quoteId });
      expect(invoices).toHaveLength(1);
      const invoice = invoices[0]!;
      expect(invoice).toMatchObject({
        customerId,
        state: 'sent',
        purchaseOrderId: c.purchaseOrderId,
        currency: 'EUR',
        issueDate: daysFromToday(0),
        dueDate: daysFromToday(30),
        terms: 'Net 30',
        notes: 'From your accepted quote',
        // 150.00 − 15.00 + 28.35, and 50.00
        totalMinor: 16_335 + 5_000,
      });
      expect(invoice.number).toMatch(/^INV-\d{4}-\d{5}$/);
      expect(JSON.parse(invoice.recipientParty!)).toMatchObject({ name: 'Converted Ltd' });
      const lines = await repo(InvoiceLine).find({
        where: { invoiceId: invoice.id },
        order: { position: 'ASC' },
      });
      expect(lines.map((l) => [l.orderLineId, l.quantityMilli, l.totalMinor])).toEqual([
        [c.orderLineIds[0], 1500, 16_335],
        [c.orderLineIds[1], 1000, 5_000],
      ]);
      expect(await repo(SalesInvoiceRequest).findBy({ quoteId: c.quoteId })).toEqual([
        expect.objectContaining({ state: 'issued', invoiceId: invoice.id, failureReason: null }),
      ]);
      expect(await repo(SalesOrder).findOneBy({ id: c.purchaseOrderId })).toMatchObject({
        customerId,
        quoteId: c.quoteId,
      });

      const issued = (await publishedEvents()).filter(
        (e) =>
          e.type === 'invoice.issued' &&
          (e.payload as { invoiceId: string }).invoiceId === invoice.id,
      );
      expect(issued.map((e) => e.payload)).toEqual([
        {
          invoiceId: invoice.id,
          customerId,
          number: invoice.number,
          purchaseOrderId: c.purchaseOrderId,
          quoteId: c.quoteId,
          lines: [
            { orderLineId: c.orderLineIds[0], quantityMilli: 1500 },
            { orderLineId: c.orderLineIds[1], quantityMilli: 1000 },
          ],
        },
      ]);

      await services().invoices.void(invoice.id, 'Order cancelled');
      const voided = (await publishedEvents()).filter(
        (e) =>
          e.type === 'invoice.voided' &&
          (e.payload as { invoiceId: string }).invoiceId === invoice.id,
      );
      expect(voided.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          purchaseOrderId: c.purchaseOrderId,
          quoteId: c.quoteId,
          lines: [
            { orderLineId: c.orderLineIds[0], quantityMilli: 1500 },
            { orderLineId: c.orderLineIds[1], quantityMilli: 1000 },
          ],
        }),
      ]);
    });

    it('records the order only when a converted quote asks for no invoice', async () => {
      const customerId = await billing.customer();
      const c = conversion(customerId, null);
      expect(await services().salesConsumer.apply(c.event, true)).toBe('applied');
      expect(await repo(Invoice).countBy({ quoteId: c.quoteId })).toBe(0);
      expect(await repo(SalesInvoiceRequest).countBy({ quoteId: c.quoteId })).toBe(0);
      expect(await repo(SalesOrder).findOneBy({ id: c.purchaseOrderId })).toMatchObject({
        customerId,
        quoteId: c.quoteId,
      });
    });

    it('waits a while for a customer accounts has not told billing of yet', async () => {
      const customerId = randomUUID();
      const c = conversion(customerId);
      await expect(services().salesConsumer.apply(c.event, true)).rejects.toThrow(
        /not yet known to billing/,
      );
      expect(await repo(Invoice).countBy({ quoteId: c.quoteId })).toBe(0);
      expect(await repo(SalesOrder).countBy({ id: c.purchaseOrderId })).toBe(0);
      await billing.customer({ id: customerId });
      expect(await services().salesConsumer.apply(c.event, true)).toBe('applied');
      expect(await repo(Invoice).countBy({ quoteId: c.quoteId, state: 'sent' })).toBe(1);
    });

    it('records a request that cannot become an invoice as failed, and goes on with later events', async () => {
      const logged: string[] = [];
      const consumer = new SalesConsumer(billing.running.db, {
        outbox: services().outbox,
        directory: services().directory,
        invoices: services().invoices,
        orders: services().salesOrders,
        graceMs: 0,
        log: (line) => logged.push(line),
      });
      const customerId = await billing.customer();
      const archivedId = await billing.customer({ archived: true });
      const unknown = conversion(randomUUID());
      const archived = conversion(archivedId);
      const pastDue = conversion(customerId, {
        ...(conversion(customerId).event.payload as { invoice: Record<string, unknown> }).invoice,
        dueDate: daysFromToday(-1),
      });
      const noLines = conversion(customerId, {
        currency: 'EUR',
        dueDate: daysFromToday(10),
        terms: null,
        notes: null,
        lines: [],
      });
      const badCurrency = conversion(customerId, {
        currency: 'XYZ',
        dueDate: daysFromToday(10),
        terms: null,
        notes: null,
        lines: [],
      });
      const fine = conversion(customerId);
      for (const c of [unknown, archived, pastDue, noLines, badCurrency, fine]) {
        expect(await consumer.apply(c.event, true)).toBe('applied');
      }
      const reasons = async (c: Conversion) =>
        (await repo(SalesInvoiceRequest).findBy({ quoteId: c.quoteId })).map((r) => [
          r.state,
          r.failureReason,
          r.invoiceId === null,
        ]);
      expect(await reasons(unknown)).toEqual([['failed', 'unknown-customer', true]]);
      expect(await reasons(archived)).toEqual([['failed', 'customer-archived', true]]);
      expect(await reasons(pastDue)).toEqual([['failed', 'invalid-request', true]]);
      expect(await reasons(noLines)).toEqual([['failed', 'invalid-request', true]]);
      expect(await reasons(badCurrency)).toEqual([['failed', 'invalid-request', true]]);
      expect(await reasons(fine)).toEqual([['issued', null, false]]);
      for (const c of [unknown, archived, pastDue, noLines, badCurrency]) {
        expect(await repo(Invoice).countBy({ quoteId: c.quoteId })).toBe(0);
      }
      expect(logged).toHaveLength(5);
      expect(logged[2]).toMatch(/the due date has passed/);
    });

    it('links an invoice to an order by hand only for that customer', async () => {
      const customerId = await billing.customer();
      const otherId = await billing.customer();
      const quoteId = randomUUID();
      const orderId = await announceOrder(customerId, quoteId);
      const foreignOrder = await announceOrder(otherId);
      const base = {
        customerId,
        currency: 'EUR',
        dueDate: daysFromToday(20),
        lines: [{ description: 'Extra work', quantity: '2', unitPrice: '30.00' }],
      };
      const before = await repo(Invoice).countBy({ customerId });
      for (const purchaseOrderId of [foreignOrder, randomUUID()]) {
        await expect(
          services().invoices.createDraft({ ...base, purchaseOrderId }),
        ).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT', field: 'purchaseOrderId', reason: 'unknown-order' },
        });
      }
      expect(await repo(Invoice).countBy({ customerId })).toBe(before);

      const draft = await services().invoices.createDraft({ ...base, purchaseOrderId: orderId });
      expect(draft).toMatchObject({ purchaseOrderId: orderId, quoteId });
      const invoice = await services().invoices.issue(draft.id);
      const event = (await publishedEvents()).find(
        (e) =>
          e.type === 'invoice.issued' &&
          (e.payload as { invoiceId: string }).invoiceId === invoice.id,
      );
      expect(event?.payload).toEqual({
        invoiceId: invoice.id,
        customerId,
        number: invoice.number,
        purchaseOrderId: orderId,
        quoteId,
        lines: [],
      });
      // An invoice billing no order keeps the payload it always had.
      const plain = await services().invoices.issue(
        (await services().invoices.createDraft(base)).id,
      );
      const plainEvent = (await publishedEvents()).find(
        (e) =>
          e.type === 'invoice.issued' &&
          (e.payload as { invoiceId: string }).invoiceId === plain.id,
      );
      expect(plainEvent?.payload).toEqual({
        invoiceId: plain.id,
        customerId,
        number: plain.number,
      });
    });

    it("adds invoices to sales' Quote and PurchaseOrder, in the principal's scope only", async () => {
      const customerId = await billing.customer();
      const otherId = await billing.customer();
      const c = conversion(customerId);
      expect(await services().salesConsumer.apply(c.event, true)).toBe('applied');
      const [issued] = await repo(Invoice).findBy({ quoteId: c.quoteId });
      // A draft linked by hand to the same order: staff see it, the customer does not.
      const draft = await services().invoices.createDraft({
        customerId,
        currency: 'EUR',
        dueDate: daysFromToday(20),
        lines: [{ description: 'Extra', quantity: '1', unitPrice: '1.00' }],
        purchaseOrderId: c.purchaseOrderId,
      });
      const query = `{ _entities(representations: [
          { __typename: "Quote", id: "${c.quoteId}" },
          { __typename: "PurchaseOrder", id: "${c.purchaseOrderId}" }
        ]) {
          ... on Quote { id invoices { id number quote { id } purchaseOrder { id } } }
          ... on PurchaseOrder { id invoices { id } }
        } }`;
      type Entities = { _entities: Array<{ id: string; invoices: Array<{ id: string }> }> };
      const ids = (r: { data?: Entities | null }) =>
        r.data?._entities.map((e) => e.invoices.map((i) => i.id));

      const mine = await direct<Entities>(query, contactOf(customerId));
      expect(mine.errors).toBeUndefined();
      expect(ids(mine)).toEqual([[issued!.id], [issued!.id]]);
      expect(mine.data!._entities[0]!.invoices[0]).toEqual({
        id: issued!.id,
        number: issued!.number,
        quote: { id: c.quoteId },
        purchaseOrder: { id: c.purchaseOrderId },
      });
      // The order names its quote, so the draft linked to the order records the quote too.
      expect(draft.quoteId).toBe(c.quoteId);
      const everything = ids(await direct<Entities>(query, staff));
      expect(everything?.map((list) => [...list].sort())).toEqual([
        [issued!.id, draft.id].sort(),
        [issued!.id, draft.id].sort(),
      ]);
      const theirs = await direct<Entities>(query, contactOf(otherId));
      expect(theirs.errors).toBeUndefined();
      expect(ids(theirs)).toEqual([[], []]);

      const partner = (scopes: string[], customerIds: string[]): Principal => ({
        kind: 'partner',
        clientId: randomUUID(),
        scopes,
        customerIds,
      });
      const all = ['invoices:read', 'quotes:read', 'orders:read'];
      expect(ids(await direct<Entities>(query, partner(all, [customerId])))).toEqual([
        [issued!.id],
        [issued!.id],
      ]);
      expect(ids(await direct<Entities>(query, partner(all, [otherId])))).toEqual([[], []]);
      const noInvoices = await direct<Entities>(
        query,
        partner(['quotes:read', 'orders:read'], [customerId]),
      );
      expect(noInvoices.errors?.[0]).toMatchObject({
        message: 'Missing scope: invoices:read',
        extensions: { code: 'FORBIDDEN' },
      });
      // The stubs carry sales' rule for the type: quotes and orders need their own scopes.
      const invoicesOnly = await direct<Entities>(query, partner(['invoices:read'], [customerId]));
      expect(invoicesOnly.data?._entities).toEqual([null, null]);
      expect(invoicesOnly.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        ['Missing scope: quotes:read', 'FORBIDDEN'],
        ['Missing scope: orders:read', 'FORBIDDEN'],
      ]);
      const anonymous = await direct<Entities>(query, { kind: 'anonymous' });
      expect(anonymous.data?._entities).toEqual([null, null]);
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual([
        'UNAUTHENTICATED',
        'UNAUTHENTICATED',
      ]);

      const invoice = await direct<{
        invoice: { quote: { id: string } | null; purchaseOrder: { id: string } | null };
      }>(
        `{ invoice(id: "${issued!.id}") { quote { id } purchaseOrder { id } } }`,
        contactOf(customerId),
      );
      expect(invoice.data?.invoice).toEqual({
        quote: { id: c.quoteId },
        purchaseOrder: { id: c.purchaseOrderId },
      });
    });

    it('costs the same SQL for the invoices of 10 and of 50 quotes', async () => {
      const customerId = await billing.customer();
      const quotes: string[] = [];
      const orders: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        const c = conversion(customerId);
        expect(await services().salesConsumer.apply(c.event, true)).toBe('applied');
        quotes.push(c.quoteId);
        orders.push(c.purchaseOrderId);
      }
      async function statementsFor(n: number) {
        const representations = [
          ...quotes.slice(0, n).map((id) => `{ __typename: "Quote", id: "${id}" }`),
          ...orders.slice(0, n).map((id) => `{ __typename: "PurchaseOrder", id: "${id}" }`),
        ].join(', ');
        billing.queries.length = 0;
        const response = await direct<{
          _entities: Array<{ invoices: Array<{ lines: Array<{ orderLineId?: string }> }> }>;
        }>(
          `{ _entities(representations: [${representations}]) {
            ... on Quote { invoices { number total { amount } lines { description total { amount } } } }
            ... on PurchaseOrder { invoices { number status lines { quantity } } }
          } }`,
          contactOf(customerId),
        );
        expect(response.errors).toBeUndefined();
        expect(response.data!._entities).toHaveLength(2 * n);
        for (const entity of response.data!._entities) expect(entity.invoices).toHaveLength(1);
        // The feed followers' and the outbox's own polls are not the query's cost.
        return billing.queries.filter(
          (q) => /^\s*SELECT/i.test(q) && !/\bevent_\w+|directory_\w+/.test(q),
        ).length;
      }
      const ten = await statementsFor(10);
      const fifty = await statementsFor(50);
      // Quotes' invoices, orders' invoices, and the lines of all of them.
      expect([ten, fifty]).toEqual([3, 3]);
    });

    it("prints the sales stubs in billing's subgraph SDL", async () => {
      const response = await direct<{ _service: { sdl: string } }>('{ _service { sdl } }', staff);
      const sdl = response.data!._service.sdl;
      // Only the key, `id: ID!`, as sales defines it; sales' scope rule on the type.
      for (const [type, scope] of [
        ['Quote', 'quotes:read'],
        ['PurchaseOrder', 'orders:read'],
      ]) {
        expect(sdl).toMatch(
          new RegExp(
            `type ${type}\\s+@key\\(fields: "id"\\)\\s+@scopes\\(all: \\["${scope}"\\]\\)\\s*\\{\\s*id: ID!\\s+(""".*?"""\\s+)?invoices: \\[Invoice!\\]! @signedIn @scopes\\(all: \\["invoices:read"\\]\\)\\s*\\}`,
            's',
          ),
        );
      }
      expect(sdl).toMatch(/quote: Quote\n/);
      expect(sdl).toMatch(/purchaseOrder: PurchaseOrder\n/);
    });
  },
);
