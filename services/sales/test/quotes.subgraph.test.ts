import { randomUUID } from 'node:crypto';
import { testing, type Principal } from '@portico/kit';
import {
  QuoteDecision,
  loadAcceptedQuote,
  markQuoteConverted,
  convertAcceptedQuote,
} from '@portico/sales';
import {
  contactOf,
  daysFromToday,
  ORGANISATION,
  STAFF,
  startTestSales,
  type TestSales,
} from './sales-harness';

const QUOTE_FIELDS = `
  id number revision status currency issueDate expiryDate terms notes
  subtotal { amount currency } tax { amount } total { amount currency } optionalTotal { amount }
  lines { id position description quantity unitPrice { amount } discountPercent taxPercent total { amount } optional }
  issuer { name taxId } recipient { name }
  revisions { revision issueDate expiryDate sha256 total { amount } lines { description }
    changes { previousRevision linesAdded { description } linesRemoved { description }
      linesChanged { before { quantity } after { quantity description } }
      expiryDateChanged previousExpiryDate termsChanged notesChanged previousNotes
      previousTotal { amount } totalDifference { amount } } }
  decision { kind revision signerName termsAccepted optionalLineIds comment customerReference
    reasonCode reason revisionSha256 decidedAt decidedBy { kind contactId partnerClientId } }
  changeRequests { revision comment requestedBy { kind contactId } }
  customer { id }
`;

interface QuoteView {
  id: string;
  number: string | null;
  revision: number;
  status: string;
  total: { amount: string; currency: string };
  optionalTotal: { amount: string };
  lines: Array<{ id: string; description: string; optional: boolean; total: { amount: string } }>;
  issuer: { name: string } | null;
  recipient: { name: string } | null;
  revisions: Array<{
    revision: number;
    sha256: string | null;
    changes: null | {
      previousRevision: number;
      linesAdded: Array<{ description: string }>;
      linesRemoved: Array<{ description: string }>;
      linesChanged: Array<{ before: { quantity: string }; after: { quantity: string } }>;
      expiryDateChanged: boolean;
      notesChanged: boolean;
      previousTotal: { amount: string };
      totalDifference: { amount: string };
    };
  }>;
  decision: null | {
    kind: string;
    revision: number;
    signerName: string | null;
    optionalLineIds: string[];
    reasonCode: string | null;
    reason: string | null;
    revisionSha256: string;
    decidedBy: { kind: string; contactId: string | null };
  };
  changeRequests: Array<{ revision: number; comment: string }>;
}

type Line = { description: string; quantity: string; unitPrice: string; optional?: boolean };
const LINES: Line[] = [
  { description: 'Installation', quantity: '2', unitPrice: '100.00' },
  { description: 'Cabling', quantity: '1.5', unitPrice: '40.00' },
  { description: 'Extended warranty', quantity: '1', unitPrice: '75.00', optional: true },
];

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'sales quotes on %s',
  (_name, target) => {
    let sales: TestSales;
    beforeAll(async () => {
      sales = await startTestSales(target);
    });
    afterAll(() => sales?.stop());

    const services = () => sales.running.services;

    async function gql<T = Record<string, unknown>>(
      principal: Principal,
      query: string,
      variables: Record<string, unknown> = {},
      options: { clientAddress?: string } = {},
    ): Promise<{
      data: T | null;
      error: { code?: unknown; reason?: unknown; field?: unknown } | null;
    }> {
      const res = await sales.post<T>(query, principal, variables, options);
      const error = res.body.errors?.[0];
      return {
        data: res.body.data ?? null,
        error: error ? ({ ...(error.extensions ?? {}), message: error.message } as never) : null,
      };
    }

    async function draft(
      customerId: string,
      lines: Line[] = LINES,
      expiryDate = daysFromToday(30),
    ) {
      const { data, error } = await gql<{ createQuote: { quote: { id: string } } }>(
        STAFF,
        `mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id status } } }`,
        {
          input: {
            customerId,
            currency: 'EUR',
            expiryDate,
            lines,
            terms: 'Net 30',
            notes: 'First offer',
          },
        },
      );
      expect(error).toBeNull();
      return data!.createQuote.quote.id;
    }

    async function sent(customerId: string, lines: Line[] = LINES) {
      const id = await draft(customerId, lines);
      const { error } = await gql(
        STAFF,
        `mutation($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }`,
        { id },
      );
      expect(error).toBeNull();
      return id;
    }

    async function view(principal: Principal, id: string) {
      return gql<{ quote: QuoteView }>(
        principal,
        `query($id: ID!) { quote(id: $id) { ${QUOTE_FIELDS} } }`,
        { id },
      );
    }

    const ACCEPT = `mutation($input: AcceptQuoteInput!) { acceptQuote(input: $input) { quote { id status decision { kind } } } }`;
    const DECLINE = `mutation($input: DeclineQuoteInput!) { declineQuote(input: $input) { quote { id status } } }`;
    const CHANGES = `mutation($input: RequestQuoteChangesInput!) { requestQuoteChanges(input: $input) { quote { id status } } }`;

    async function decisionCount(quoteId: string): Promise<number> {
      return sales.running.db.manager.getRepository(QuoteDecision).countBy({ quoteId });
    }

    it('has migrations that match the entities, and an entity for every table', async () => {
      const drift = await testing.schemaDrift(sales.running.db.dataSource);
      expect(drift.pending).toEqual([]);
      expect(drift.tables).toEqual(drift.entities);
    });

    it('takes a quote from draft to accepted: hidden draft, number on sending, first view, decision with the chosen optional line', async () => {
      const customer = await sales.customer({ companyName: 'Lifecycle Customer Ltd' });
      const contact = contactOf(customer);
      const id = await draft(customer);

      // Drafts: staff see them, customers never do.
      expect((await view(STAFF, id)).data!.quote.status).toBe('DRAFT');
      expect((await view(contact, id)).error?.code).toBe('NOT_FOUND');
      const list = await gql<{ quotes: { nodes: Array<{ id: string }> } }>(
        contact,
        `query($c: ID) { quotes(customerId: $c) { nodes { id } } }`,
        { c: customer },
      );
      expect(list.data!.quotes.nodes).toEqual([]);

      await gql(STAFF, `mutation($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }`, {
        id,
      });
      expect((await view(STAFF, id)).data!.quote.status).toBe('SENT');
      // The first opening by a contact is recorded (staff opening it is not).
      const first = (await view(contact, id)).data!.quote;
      expect(first.number).toMatch(new RegExp(`^QUO-${daysFromToday(0).slice(0, 4)}-\\d{5}$`));
      expect(first.status).toBe('VIEWED');
      // Required lines only: 2 × 100 + 1.5 × 40 = 260; the warranty is apart.
      expect(first.total).toEqual({ amount: '260.00', currency: 'EUR' });
      expect(first.optionalTotal.amount).toBe('75.00');
      expect(first.issuer?.name).toBe(ORGANISATION.legalName);
      expect(first.recipient?.name).toBe('Lifecycle Customer Ltd');
      expect(first.revisions[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Recorded once, whoever opens it next.
      await view(contactOf(customer), id);
      const staffView = await gql<{ quote: { viewedAt: string | null } }>(
        STAFF,
        `query($id: ID!) { quote(id: $id) { viewedAt } }`,
        { id },
      );
      expect(staffView.data!.quote.viewedAt).not.toBeNull();
      expect(
        (await gql(contact, `query($id: ID!) { quote(id: $id) { viewedAt } }`, { id })).error?.code,
      ).toBe('FORBIDDEN');
      const viewedEvents = (await sales.events()).filter(
        (e) => e.type === 'quote.viewed' && e.aggregateId === id,
      );
      expect(viewedEvents).toHaveLength(1);

      const optionalLine = first.lines.find((l) => l.optional)!;
      const accepted = await gql<{ acceptQuote: { quote: { status: string } } }>(
        contact,
        ACCEPT,
        {
          input: {
            id,
            revision: 1,
            signerName: '  Ada Signer ',
            acceptTerms: true,
            optionalLineIds: [optionalLine.id],
            comment: 'Go ahead',
            customerReference: 'PO-77',
          },
        },
        { clientAddress: '203.0.113.7' },
      );
      expect(accepted.error).toBeNull();
      expect(accepted.data!.acceptQuote.quote.status).toBe('ACCEPTED');
      const after = (await view(contact, id)).data!.quote;
      expect(after.decision).toMatchObject({
        kind: 'ACCEPTED',
        revision: 1,
        signerName: 'Ada Signer',
        optionalLineIds: [optionalLine.id],
        revisionSha256: first.revisions[0]!.sha256,
        decidedBy: { kind: 'contact', contactId: (contact as { contactId: string }).contactId },
      });
      const address = await gql<{ quote: { decision: { clientAddress: string } } }>(
        STAFF,
        `query($id: ID!) { quote(id: $id) { decision { clientAddress } } }`,
        { id },
      );
      expect(address.data!.quote.decision.clientAddress).toBe('203.0.113.7');
      expect(
        (
          await gql(contact, `query($id: ID!) { quote(id: $id) { decision { clientAddress } } }`, {
            id,
          })
        ).error?.code,
      ).toBe('FORBIDDEN');
      const event = (await sales.events()).find(
        (e) => e.type === 'quote.accepted' && e.aggregateId === id,
      );
      expect(event?.payload).toMatchObject({
        quoteId: id,
        customerId: customer,
        number: first.number,
        revision: 1,
        signerName: 'Ada Signer',
        optionalLineIds: [optionalLine.id],
        customerReference: 'PO-77',
        comment: 'Go ahead',
        revisionSha256: first.revisions[0]!.sha256,
      });

      // The conversion's seam: required lines and the chosen optional one, converted once.
      const principal: Principal = STAFF;
      const orderId = randomUUID();
      const loaded = await services().db.transaction((m) => loadAcceptedQuote(m, principal, id));
      expect(loaded.lines.map((l) => l.description)).toEqual([
        'Installation',
        'Cabling',
        'Extended warranty',
      ]);
      await services().db.transaction((m) => convertAcceptedQuote(m, principal, id, orderId));
      await expect(
        services().db.transaction((m) => markQuoteConverted(m, id, randomUUID())),
      ).rejects.toMatchObject({ extensions: { reason: 'quote-already-converted' } });
      expect((await view(contact, id)).data!.quote.status).toBe('CONVERTED');
    });

    it('refuses every decision it must, with its reason, and changes nothing', async () => {
      const customer = await sales.customer();
      const contact = contactOf(customer);

      // Input errors.
      const a = await sent(customer);
      const lines = (await view(STAFF, a)).data!.quote.lines;
      const required = lines.find((l) => !l.optional)!;
      const base = { id: a, revision: 1, signerName: 'Sam', acceptTerms: true };
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, acceptTerms: false } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'acceptTerms' });
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, signerName: '  ' } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'signerName' });
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, optionalLineIds: [required.id] } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'optionalLineIds' });
      expect(
        (
          await gql(contact, DECLINE, {
            input: { id: a, revision: 1, reasonCode: 'PRICE', reason: ' ' },
          })
        ).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      expect(
        (await gql(contact, CHANGES, { input: { id: a, revision: 1, comment: '' } })).error,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });
      expect((await gql(STAFF, ACCEPT, { input: base })).error?.code).toBe('FORBIDDEN');
      expect(await decisionCount(a)).toBe(0);
      expect((await view(STAFF, a)).data!.quote.status).toBe('SENT');

      // Already decided.
      expect(
        (
          await gql(contact, DECLINE, {
            input: { id: a, revision: 1, reasonCode: 'PRICE', reason: 'Too dear' },
          })
        ).error,
      ).toBeNull();
      expect((await gql(contact, ACCEPT, { input: base })).error).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'quote-already-decided',
      });
      expect(
        (await gql(contact, CHANGES, { input: { id: a, revision: 1, comment: 'Hm' } })).error,
      ).toMatchObject({ reason: 'quote-already-decided' });
      expect(
        (await gql(STAFF, `mutation { withdrawQuote(input: { id: "${a}" }) { quote { id } } }`))
          .error,
      ).toMatchObject({ reason: 'quote-already-decided' });
      const declined = (await view(STAFF, a)).data!.quote;
      expect(declined.status).toBe('DECLINED');
      expect(declined.decision).toMatchObject({
        kind: 'DECLINED',
        reasonCode: 'PRICE',
        reason: 'Too dear',
      });
      expect(await decisionCount(a)).toBe(1);

      // Expired: sent long ago, the expiry date yesterday.
      const e = await draft(customer, LINES, daysFromToday(-1));
      await services().quotes.send(e, daysFromToday(-10));
      expect((await view(contact, e)).data!.quote.status).toBe('EXPIRED');
      expect((await gql(contact, ACCEPT, { input: { ...base, id: e } })).error).toMatchObject({
        reason: 'quote-expired',
      });
      expect(
        (await gql(contact, CHANGES, { input: { id: e, revision: 1, comment: 'Extend?' } })).error,
      ).toMatchObject({ reason: 'quote-expired' });
      expect((await view(STAFF, e)).data!.quote.status).toBe('EXPIRED');
      const expiredList = await gql<{ quotes: { nodes: Array<{ id: string }> } }>(
        contact,
        `query($c: ID) { quotes(customerId: $c, status: [EXPIRED]) { nodes { id } } }`,
        { c: customer },
      );
      expect(expiredList.data!.quotes.nodes.map((n) => n.id)).toEqual([e]);
      // Revising an expired, undecided quote makes it current again.
      const revisedExpired = await gql(
        STAFF,
        `mutation($input: ReviseQuoteInput!) { reviseQuote(input: $input) { quote { id status revision } } }`,
        {
          input: { id: e, expiryDate: daysFromToday(10), lines: LINES },
        },
      );
      expect(revisedExpired.data).toMatchObject({
        // Viewed already (the contact opened revision 1): the new revision is sent, not unseen.
        reviseQuote: { quote: { status: 'VIEWED', revision: 2 } },
      });

      // Superseded revision.
      const s = await sent(customer);
      await gql(
        STAFF,
        `mutation($input: ReviseQuoteInput!) { reviseQuote(input: $input) { quote { id } } }`,
        {
          input: { id: s, expiryDate: daysFromToday(20), lines: LINES.slice(0, 2) },
        },
      );
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, id: s, revision: 1 } })).error,
      ).toMatchObject({ reason: 'revision-superseded', field: 'revision' });
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, id: s, revision: 3 } })).error,
      ).toMatchObject({ reason: 'revision-unknown' });
      expect(await decisionCount(s)).toBe(0);
      expect(
        (await gql(contact, ACCEPT, { input: { ...base, id: s, revision: 2 } })).error,
      ).toBeNull();

      // Withdrawn.
      const w = await sent(customer);
      expect(
        (await gql(STAFF, `mutation { withdrawQuote(input: { id: "${w}" }) { quote { status } } }`))
          .data,
      ).toEqual({ withdrawQuote: { quote: { status: 'WITHDRAWN' } } });
      expect((await gql(contact, ACCEPT, { input: { ...base, id: w } })).error).toMatchObject({
        reason: 'quote-withdrawn',
      });
      expect(
        (
          await gql(
            STAFF,
            `mutation($input: ReviseQuoteInput!) { reviseQuote(input: $input) { quote { id } } }`,
            { input: { id: w, expiryDate: daysFromToday(5), lines: LINES } },
          )
        ).error,
      ).toMatchObject({ reason: 'quote-withdrawn' });
      expect(await decisionCount(w)).toBe(0);
    });

    it('sends a quote back for changes, revises it, and shows what changed between revisions', async () => {
      const customer = await sales.customer();
      const contact = contactOf(customer);
      const id = await sent(customer);
      const asked = await gql(contact, CHANGES, {
        input: { id, revision: 1, comment: 'Three installations, no cabling?' },
      });
      expect(asked.data).toEqual({
        requestQuoteChanges: { quote: { id, status: 'CHANGES_REQUESTED' } },
      });
      expect(await decisionCount(id)).toBe(0);
      const revised = await gql(
        STAFF,
        `mutation($input: ReviseQuoteInput!) { reviseQuote(input: $input) { quote { status revision } } }`,
        {
          input: {
            id,
            expiryDate: daysFromToday(40),
            lines: [
              { description: 'Installation', quantity: '3', unitPrice: '100.00' },
              {
                description: 'Extended warranty',
                quantity: '1',
                unitPrice: '75.00',
                optional: true,
              },
              { description: 'Training', quantity: '1', unitPrice: '50.00' },
            ],
            notes: 'Revised offer',
          },
        },
      );
      expect(revised.data).toEqual({ reviseQuote: { quote: { status: 'SENT', revision: 2 } } });
      const quote = (await view(contact, id)).data!.quote;
      expect(quote.revision).toBe(2);
      expect(quote.total.amount).toBe('350.00');
      expect(quote.changeRequests).toEqual([
        expect.objectContaining({ revision: 1, comment: 'Three installations, no cabling?' }),
      ]);
      expect(quote.revisions.map((r) => r.revision)).toEqual([1, 2]);
      expect(quote.revisions[0]!.changes).toBeNull();
      expect(quote.revisions[1]!.changes).toMatchObject({
        previousRevision: 1,
        linesAdded: [{ description: 'Training' }],
        linesRemoved: [{ description: 'Cabling' }],
        linesChanged: [{ before: { quantity: '2' }, after: { quantity: '3' } }],
        expiryDateChanged: true,
        notesChanged: true,
        previousTotal: { amount: '260.00' },
        totalDifference: { amount: '90.00' },
      });
      expect(quote.revisions[1]!.sha256).not.toBe(quote.revisions[0]!.sha256);
      const types = (await sales.events()).filter((e) => e.aggregateId === id).map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining(['quote.sent', 'quote.changes_requested', 'quote.revised']),
      );
    });

    it('lets exactly one of 20 concurrent accepts and declines win, and stores one decision', async () => {
      const customer = await sales.customer();
      const id = await sent(customer);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? gql(contactOf(customer), ACCEPT, {
                input: { id, revision: 1, signerName: `Signer ${i}`, acceptTerms: true },
              })
            : gql(contactOf(customer), DECLINE, {
                input: { id, revision: 1, reasonCode: 'OTHER', reason: `No ${i}` },
              }),
        ),
      );
      const won = results.filter((r) => r.error === null);
      const lost = results.filter((r) => r.error !== null);
      expect(won).toHaveLength(1);
      expect(
        lost.every(
          (r) => r.error!.code === 'BAD_USER_INPUT' && r.error!.reason === 'quote-already-decided',
        ),
      ).toBe(true);
      expect(await decisionCount(id)).toBe(1);
      const decided = (await sales.events()).filter(
        (e) => e.aggregateId === id && (e.type === 'quote.accepted' || e.type === 'quote.declined'),
      );
      expect(decided).toHaveLength(1);
    });

    it('lets a revision and concurrent accepts of the revision before it end one way only', async () => {
      const customer = await sales.customer();
      const id = await sent(customer);
      const revise = services()
        .quotes.revise({ id, expiryDate: daysFromToday(15), lines: LINES.slice(0, 1) })
        .then(
          () => null,
          (e: { extensions?: { reason?: string } }) => e.extensions?.reason ?? 'failed',
        );
      const accepts = Array.from({ length: 10 }, (_, i) =>
        gql(contactOf(customer), ACCEPT, {
          input: { id, revision: 1, signerName: `S${i}`, acceptTerms: true },
        }),
      );
      const [revised, ...results] = await Promise.all([revise, ...accepts]);
      const won = results.filter((r) => r.error === null).length;
      const reasons = new Set(results.filter((r) => r.error).map((r) => r.error!.reason));
      const quote = (await view(STAFF, id)).data!.quote;
      if (revised === null) {
        // The revision came first: every accept of revision 1 is superseded.
        expect(won).toBe(0);
        expect([...reasons]).toEqual(['revision-superseded']);
        expect(quote).toMatchObject({ status: 'SENT', revision: 2 });
      } else {
        // An accept came first: the revision is refused, one decision stands.
        expect(revised).toBe('quote-already-decided');
        expect(won).toBe(1);
        expect([...reasons]).toEqual(['quote-already-decided']);
        expect(quote).toMatchObject({ status: 'ACCEPTED', revision: 1 });
      }
      expect(await decisionCount(id)).toBe(won);
    });

    it("keeps other customers' quotes invisible: NOT_FOUND, left out of lists, no decision, no PDF", async () => {
      const mine = await sales.customer();
      const other = await sales.customer();
      const id = await sent(mine);
      const stranger = contactOf(other);
      expect((await view(stranger, id)).error?.code).toBe('NOT_FOUND');
      const list = await gql<{ quotes: { nodes: Array<{ id: string }> } }>(
        stranger,
        `{ quotes(first: 100) { nodes { id } } }`,
      );
      expect(list.data!.quotes.nodes.map((n) => n.id)).not.toContain(id);
      expect(
        (
          await gql(stranger, ACCEPT, {
            input: { id, revision: 1, signerName: 'X', acceptTerms: true },
          })
        ).error?.code,
      ).toBe('NOT_FOUND');
      const partner: Principal = {
        kind: 'partner',
        clientId: 'partner-1',
        scopes: ['quotes:read', 'quotes:decide'],
        customerIds: [other],
      };
      expect(
        (
          await gql(partner, ACCEPT, {
            input: { id, revision: 1, signerName: 'X', acceptTerms: true },
          })
        ).error?.code,
      ).toBe('NOT_FOUND');
      const readOnly: Principal = {
        kind: 'partner',
        clientId: 'partner-2',
        scopes: ['quotes:read'],
        customerIds: [mine],
      };
      expect(
        (
          await gql(readOnly, ACCEPT, {
            input: { id, revision: 1, signerName: 'X', acceptTerms: true },
          })
        ).error?.code,
      ).toBe('FORBIDDEN');
      expect(await decisionCount(id)).toBe(0);
      // A link naming the other customer for this quote is refused like a forged one.
      const foreign = services().documents.url({
        kind: 'quote.pdf',
        customerId: other,
        params: { quoteId: id, revision: '1', locale: 'en' },
      });
      expect((await fetch(fileUrl(foreign))).status).toBe(404);
    });

    it('lets a partner with quotes:decide decide for a customer in its list, recorded as the partner', async () => {
      const customer = await sales.customer();
      const id = await sent(customer);
      const partner: Principal = {
        kind: 'partner',
        clientId: 'partner-decides',
        scopes: ['quotes:read', 'quotes:decide'],
        customerIds: [customer],
      };
      const res = await gql<{ declineQuote: { quote: { status: string } } }>(partner, DECLINE, {
        input: { id, revision: 1, reasonCode: 'COMPETITOR', reason: 'Went elsewhere' },
      });
      expect(res.error).toBeNull();
      expect(res.data!.declineQuote.quote.status).toBe('DECLINED');
      const decision = (await view(partner, id)).data!.quote.decision!;
      expect(decision).toMatchObject({
        kind: 'DECLINED',
        reasonCode: 'COMPETITOR',
        decidedBy: { kind: 'partner', contactId: null },
      });
      const event = (await sales.events()).find(
        (e) => e.type === 'quote.declined' && e.aggregateId === id,
      );
      expect(event?.payload).toMatchObject({
        actor: { kind: 'partner', clientId: 'partner-decides' },
        reasonCode: 'COMPETITOR',
        comment: 'Went elsewhere',
      });
    });

    function fileUrl(link: string): string {
      const parsed = new URL(link);
      return `${new URL(sales.running.url).origin}/files/${parsed.pathname.split('/').pop()}${parsed.search}`;
    }

    it('serves the PDF of each revision with the number and both parties, and none for drafts', async () => {
      const customer = await sales.customer({ companyName: 'Printed Recipient GmbH' });
      const contact = contactOf(customer);
      const id = await sent(customer);
      const res = await gql<{
        quote: { number: string; pdfUrl: string; revisions: Array<{ pdfUrl: string }> };
      }>(
        contact,
        `query($id: ID!) { quote(id: $id) { number pdfUrl revisions { pdfUrl(locale: "es") } } }`,
        { id },
      );
      expect(res.error).toBeNull();
      const download = await fetch(fileUrl(res.data!.quote.pdfUrl));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      const { text } = await testing.pdfText(await download.arrayBuffer());
      expect(text).toContain(res.data!.quote.number);
      expect(text).toContain(ORGANISATION.legalName);
      expect(text).toContain('Printed Recipient GmbH');
      expect(text).toContain('Extended warranty (Optional)');
      const spanish = await fetch(fileUrl(res.data!.quote.revisions[0]!.pdfUrl));
      expect((await testing.pdfText(await spanish.arrayBuffer())).text).toContain('Presupuesto');
      const d = await draft(customer);
      const draftPdf = await gql(STAFF, `query($id: ID!) { quote(id: $id) { pdfUrl } }`, { id: d });
      expect(draftPdf.error).toMatchObject({ code: 'BAD_USER_INPUT' });
      const forged = services().documents.url({
        kind: 'quote.pdf',
        customerId: customer,
        params: { quoteId: d, revision: '1', locale: 'en' },
      });
      expect((await fetch(fileUrl(forged))).status).toBe(404);
    });

    it('keeps SQL per list flat between 10 and 50 quotes', async () => {
      const customer = await sales.customer();
      const contact = contactOf(customer);
      for (let i = 0; i < 50; i++) {
        const id = await services().quotes.createDraft({
          customerId: customer,
          currency: 'EUR',
          expiryDate: daysFromToday(30),
          lines: LINES,
        });
        await services().quotes.send(id.id);
        if (i % 3 === 0) {
          await services().quotes.revise({
            id: id.id,
            expiryDate: daysFromToday(31),
            lines: LINES.slice(1),
          });
        }
        if (i % 4 === 0) {
          await services().quoteDecisions.requestChanges(contact, {
            id: id.id,
            revision: i % 3 === 0 ? 2 : 1,
            comment: 'More?',
          });
        }
      }
      const count = async (first: number) => {
        // The list's own statements (the outbox's sequencer polls meanwhile).
        const ours = () => sales.queries.filter((q) => /quote/i.test(q)).length;
        const before = ours();
        const res = await gql<{ quotes: { nodes: unknown[] } }>(
          contact,
          `query($c: ID, $first: Int!) { quotes(customerId: $c, first: $first) { nodes { ${QUOTE_FIELDS} pdfUrl } } }`,
          { c: customer, first },
        );
        expect(res.error).toBeNull();
        expect(res.data!.quotes.nodes).toHaveLength(first);
        return ours() - before;
      };
      const ten = await count(10);
      const fifty = await count(50);
      expect(fifty).toBe(ten);
      expect(ten).toBeLessThanOrEqual(8);
    });

    it('filters by status in SQL and pages newest first with a cursor', async () => {
      const customer = await sales.customer();
      const contact = contactOf(customer);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const q = await services().quotes.createDraft({
          customerId: customer,
          currency: 'EUR',
          expiryDate: daysFromToday(30),
          lines: LINES,
        });
        await services().quotes.send(q.id, daysFromToday(-5 + i));
        ids.push(q.id);
      }
      await services().quoteDecisions.accept(contact, undefined, {
        id: ids[4]!,
        revision: 1,
        signerName: 'S',
        acceptTerms: true,
      });
      const page = async (status: string[] | null, first: number, after?: string | null) =>
        (
          await gql<{
            quotes: {
              nodes: Array<{ id: string }>;
              pageInfo: { endCursor: string | null; hasNextPage: boolean };
            };
          }>(
            contact,
            `query($c: ID, $s: [QuoteStatus!], $first: Int!, $after: String) { quotes(customerId: $c, status: $s, first: $first, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }`,
            { c: customer, s: status, first, after },
          )
        ).data!.quotes;
      const sentPage1 = await page(['SENT'], 2);
      expect(sentPage1.nodes.map((n) => n.id)).toEqual([ids[3], ids[2]]);
      expect(sentPage1.pageInfo.hasNextPage).toBe(true);
      const sentPage2 = await page(['SENT'], 2, sentPage1.pageInfo.endCursor);
      expect(sentPage2.nodes.map((n) => n.id)).toEqual([ids[1], ids[0]]);
      expect(sentPage2.pageInfo.hasNextPage).toBe(false);
      expect((await page(['ACCEPTED'], 10)).nodes.map((n) => n.id)).toEqual([ids[4]]);
      expect((await page(['DRAFT'], 10)).nodes).toEqual([]);
    });
  },
);
