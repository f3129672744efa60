import { readFileSync } from 'node:fs';
import {
  astFromValue,
  buildASTSchema,
  parse,
  print,
  typeFromAST,
  visit,
  type ConstValueNode,
  type GraphQLInputType,
} from 'graphql';
import { testing } from '@portico/kit';
import { startTestStack, SUPERGRAPH_PATH, type TestStack } from '../stack-harness';
import { PARTNER_SCOPES } from '../../../services/accounts/src/partner/partner-scopes';
import { ATTEMPTS, type Actor, type ForeignTargets } from './attempts';
import { connectWs, until } from '../live-clients';
import {
  isOpen,
  leaksOf,
  SOCKET_ACTORS,
  SOCKET_ATTEMPTS,
  subscribeAll,
  type SocketActor,
  type SocketRun,
} from './socket-attempts';
import {
  NO_SCOPE,
  reached,
  scopePaths,
  unclassified,
  UNREACHABLE_FOR_PARTNERS,
  type OwnTargets,
  type ScopePath,
} from './scope-attempts';

/**
 * Reads the composed supergraph, makes every defined attempt on every root
 * field through the real gateway, and counts leaks: foreign data in an answer,
 * data for a field the actor may not call, or a foreign row changed.
 */
function supergraph() {
  return buildASTSchema(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')), { assumeValidSDL: true });
}

function rootFields(): string[] {
  const schema = supergraph();
  const fields: string[] = [];
  for (const root of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    if (!root) continue;
    for (const name of Object.keys(root.getFields())) fields.push(`${root.name}.${name}`);
  }
  return fields.sort();
}

/** The query with each sent variable turned into its variable's default. */
function withDefaults(query: string, variables: Record<string, unknown>): string {
  const schema = supergraph();
  const document = visit(parse(query), {
    VariableDefinition(definition) {
      const name = definition.variable.name.value;
      if (!(name in variables)) return undefined;
      const type = typeFromAST(schema, definition.type) as GraphQLInputType;
      const defaultValue = astFromValue(variables[name], type) as ConstValueNode;
      return { ...definition, defaultValue };
    },
  });
  return print(document);
}

const sqlite = testing.databaseTargets(process.env).find((t) => t.name === 'sqlite')!;

describe('cross-customer harness', () => {
  let stack: TestStack;
  let tokens: Record<Actor, string | undefined>;
  let foreign: ForeignTargets;
  let markers: string[];

  /** Rows that no contact or partner of customer A may change. */
  async function foreignRows(): Promise<string> {
    const q = (sql: string, params: unknown[] = []) =>
      stack.accounts.running.db.dataSource.query(sql, params);
    return JSON.stringify({
      billing: await foreignBillingRows(),
      sales: await foreignSalesRows(),
      quotes: await foreignQuoteRows(),
      documents: await foreignDocumentRows(),
      messaging: await foreignMessagingRows(),
      customer: await q('SELECT * FROM customers WHERE id = ?', [foreign.customerId]),
      contacts: await q('SELECT * FROM contacts WHERE customerId = ? ORDER BY id', [
        foreign.customerId,
      ]),
      staff: await q('SELECT * FROM staff_users ORDER BY id'),
      partners: await q('SELECT * FROM partner_clients ORDER BY id'),
      organisation: await q('SELECT * FROM organisation_profile'),
      audit: await q('SELECT COUNT(*) AS n FROM audit_entries'),
      events: await q('SELECT COUNT(*) AS n FROM event_outbox'),
      sessions: await q(
        "SELECT * FROM sessions WHERE subjectKind = 'contact' AND subjectId IN (SELECT id FROM contacts WHERE customerId = ?) ORDER BY id",
        [foreign.customerId],
      ),
      refreshTokens: await q(
        'SELECT * FROM refresh_tokens WHERE sessionId IN (SELECT id FROM sessions WHERE subjectId IN (SELECT id FROM contacts WHERE customerId = ?)) ORDER BY id',
        [foreign.customerId],
      ),
    });
  }

  /** Customer B's billing documents, made by staff through the gateway. */
  async function foreignBilling(admin: string, customerB: string, customerA: string) {
    const q = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await stack.query(query, { token: admin, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    };
    const page = await q<{
      invoices: { nodes: Array<{ id: string; status: string; customer: { id: string } }> };
    }>(
      'query ($b: ID) { invoices(customerId: $b, first: 100) { nodes { id status customer { id } } } }',
      { b: customerB },
    );
    const issued = page.invoices.nodes.find((n) => n.status !== 'DRAFT')!;
    const draft = page.invoices.nodes.find((n) => n.status === 'DRAFT')!;
    const payment = await q<{ recordPayment: { payment: { id: string } } }>(
      'mutation ($b: ID!, $i: ID!) { recordPayment(input: { customerId: $b, currency: "EUR", amount: "10.00", method: BANK_TRANSFER, reference: "GLOBEX-REF", receivedOn: "2026-01-02", allocations: [{ invoiceId: $i, amount: "10.00" }] }) { payment { id } } }',
      { b: customerB, i: issued.id },
    );
    const note = await q<{ createCreditNote: { creditNote: { id: string } } }>(
      'mutation ($b: ID!) { createCreditNote(input: { customerId: $b, currency: "EUR", lines: [{ description: "Abono", quantity: "1", unitPrice: "50.00" }] }) { creditNote { id } } }',
      { b: customerB },
    );
    const own = await q<{ invoices: { nodes: Array<{ id: string; status: string }> } }>(
      'query ($a: ID) { invoices(customerId: $a, first: 100) { nodes { id status } } }',
      { a: customerA },
    );
    return {
      invoiceId: issued.id,
      draftInvoiceId: draft.id,
      paymentId: payment.recordPayment.payment.id,
      creditNoteId: note.createCreditNote.creditNote.id,
      ownInvoiceId: own.invoices.nodes.find((n) => n.status !== 'DRAFT')!.id,
    };
  }

  /** Customer B's purchase order, shipped in part by staff through the gateway, and a sub-status. */
  async function foreignSales(admin: string, customerB: string) {
    const q = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await stack.query(query, { token: admin, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    };
    const created = await q<{
      createPurchaseOrder: { purchaseOrder: { id: string; lines: Array<{ id: string }> } };
    }>(
      'mutation ($b: ID!) { createPurchaseOrder(input: { customerId: $b, currency: "EUR", customerReference: "GLOBEX-PO-REF", lines: [{ description: "Pedido secreto", quantity: "3", unitPrice: "10.00" }] }) { purchaseOrder { id lines { id } } } }',
      { b: customerB },
    );
    const order = created.createPurchaseOrder.purchaseOrder;
    const shipped = await q<{ addShipment: { shipment: { id: string } } }>(
      'mutation ($o: ID!, $l: ID!) { addShipment(input: { orderId: $o, carrier: "Correos", trackingNumber: "GLOBEX-TRACK-1", shippedAt: "2026-01-02", lines: [{ orderLineId: $l, quantity: "1" }] }) { shipment { id } } }',
      { o: order.id, l: order.lines[0]!.id },
    );
    const subStatuses = await q<{ orderSubStatuses: Array<{ id: string }> }>(
      '{ orderSubStatuses(status: IN_PROGRESS) { id } }',
    );
    return {
      purchaseOrderId: order.id,
      orderLineId: order.lines[0]!.id,
      shipmentId: shipped.addShipment.shipment.id,
      subStatusId: subStatuses.orderSubStatuses[0]!.id,
    };
  }

  /** Customer B's orders and the business's sub-statuses: none may change. */
  async function foreignSalesRows(): Promise<string> {
    const q = (sql: string, params: unknown[] = []) => stack.sales.db.dataSource.query(sql, params);
    const b = [foreign.customerId];
    const ofOrders = 'IN (SELECT id FROM purchase_orders WHERE customerId = ?)';
    return JSON.stringify({
      orders: await q('SELECT * FROM purchase_orders WHERE customerId = ? ORDER BY id', b),
      lines: await q(`SELECT * FROM order_lines WHERE orderId ${ofOrders} ORDER BY id`, b),
      shipments: await q(`SELECT * FROM shipments WHERE orderId ${ofOrders} ORDER BY id`, b),
      timeline: await q(`SELECT * FROM order_timeline WHERE orderId ${ofOrders} ORDER BY id`, b),
      subStatuses: await q('SELECT * FROM order_sub_statuses ORDER BY id'),
    });
  }

  /** Customer B's quotes: one sent (still open to a decision) and a draft, made by staff. */
  async function foreignQuotes(admin: string, customerB: string) {
    const q = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await stack.query(query, { token: admin, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    };
    const create = () =>
      q<{ createQuote: { quote: { id: string } } }>(
        'mutation ($b: ID!) { createQuote(input: { customerId: $b, currency: "EUR", expiryDate: "2099-01-01", lines: [{ description: "Presupuesto Globex", quantity: "1", unitPrice: "10.00" }] }) { quote { id } } }',
        { b: customerB },
      );
    const open = (await create()).createQuote.quote.id;
    await q('mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }', { id: open });
    const draft = (await create()).createQuote.quote.id;
    return { quoteId: open, draftQuoteId: draft };
  }

  /** Customer B's quote rows: none may change. */
  async function foreignQuoteRows(): Promise<string> {
    return JSON.stringify(
      await stack.sales.db.dataSource.query(
        'SELECT id, state, currentRevision, firstViewedAt, updatedAt FROM quotes WHERE customerId = ? ORDER BY id',
        [foreign.customerId],
      ),
    );
  }

  /** PUT a file to an upload link, through the gateway's file routes. */
  async function upload(url: string, body: string): Promise<void> {
    const link = new URL(url);
    const response = await fetch(new URL(link.pathname + link.search, stack.gateway.url), {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    if (!response.ok)
      throw new Error(`upload refused: ${response.status} ${await response.text()}`);
  }

  interface StaffDocument {
    id: string;
    category: string;
    visibility: string;
    versions: Array<{ id: string; sha256: string }>;
  }

  /**
   * Customer B's demo documents (price list, contract, internal) and customer
   * A's internal one, as staff sees them; and a document A's contact sends
   * the business, with its file, so that A's side may add versions to it.
   */
  async function foreignDocuments(admin: string, customerB: string, customerA: string) {
    const q = async <T>(
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
    ): Promise<T> => {
      const response = await stack.query(query, { token, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    };
    const list = async (customerId: string) =>
      (
        await q<{ documents: { nodes: StaffDocument[] } }>(
          admin,
          'query ($c: ID) { documents(customerId: $c, first: 100) { nodes { id category visibility versions { id sha256 } } } }',
          { c: customerId },
        )
      ).documents.nodes;
    const ofB = await list(customerB);
    const ofA = await list(customerA);
    const find = (docs: StaffDocument[], test: (d: StaffDocument) => boolean) => {
      const found = docs.find(test);
      if (!found) throw new Error('demo data lacks a document the harness needs');
      return found;
    };
    const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
    const sent = await q<{ sendDocument: { document: { id: string }; upload: { url: string } } }>(
      alice,
      'mutation { sendDocument(input: { title: "Acme delivery note", file: { fileName: "delivery.txt", contentType: "text/plain" } }) { document { id } upload { url } } }',
    );
    await upload(sent.sendDocument.upload.url, 'Delivery note from Acme.\n');
    return {
      foreignDocuments: ofB,
      documentId: find(ofB, (d) => d.category === 'PRICE_LIST').id,
      contractDocumentId: find(ofB, (d) => d.category === 'CONTRACT').id,
      internalDocumentId: find(ofB, (d) => d.visibility === 'INTERNAL').id,
      ownInternalDocumentId: find(ofA, (d) => d.visibility === 'INTERNAL').id,
      ownSentDocumentId: sent.sendDocument.document.id,
    };
  }

  /** Customer B's documents, their versions, uploads, downloads, acknowledgements and settings. */
  async function foreignDocumentRows(): Promise<string> {
    const q = (sql: string, params: unknown[] = []) =>
      stack.documents.db.dataSource.query(sql, params);
    const b = [foreign.customerId];
    const of = (table: string, order = 'id') =>
      q(`SELECT * FROM ${table} WHERE customerId = ? ORDER BY ${order}`, b);
    return JSON.stringify({
      documents: await of('documents'),
      versions: await of('document_versions'),
      uploads: await of('document_uploads'),
      downloads: await of('document_downloads'),
      acknowledgements: await of('document_acknowledgements'),
      settings: await of('customer_document_settings', 'customerId'),
      // A document, a version or an upload of B's made anew would show above; one put
      // under A but attached to B's records would show here.
      attachedToB: await q(
        'SELECT id, customerId, attachedKind, attachedId FROM documents WHERE customerId <> ? AND attachedId IS NOT NULL ORDER BY id',
        b,
      ),
    });
  }

  /** Customer B's threads and what is in them, and every internal note: none may change. */
  async function foreignMessagingRows(): Promise<string> {
    const q = (sql: string, params: unknown[] = []) =>
      stack.messaging.db.dataSource.query(sql, params);
    const b = [foreign.customerId];
    return JSON.stringify({
      threads: await q('SELECT * FROM threads WHERE customerId = ? ORDER BY id', b),
      comments: await q('SELECT * FROM comments WHERE customerId = ? ORDER BY id', b),
      revisions: await q(
        'SELECT * FROM comment_revisions WHERE threadId IN (SELECT id FROM threads WHERE customerId = ?) ORDER BY id',
        b,
      ),
      readStates: await q('SELECT * FROM read_states WHERE customerId = ? ORDER BY readerId', b),
      notes: await q("SELECT * FROM comments WHERE kind = 'internal_note' ORDER BY id"),
    });
  }

  /** Customer B's demo message and customer A's internal note, from messaging's database. */
  async function foreignMessaging(customerB: string, customerA: string) {
    const first = async (threadId: string, kind: string): Promise<string> => {
      const rows = (await stack.messaging.db.dataSource.query(
        'SELECT id FROM comments WHERE threadId = ? AND kind = ? ORDER BY position',
        [threadId, kind],
      )) as Array<{ id: string }>;
      if (!rows[0]) throw new Error('demo data lacks a comment the harness needs');
      return rows[0].id;
    };
    return {
      threadId: `general:${customerB}`,
      commentId: await first(`general:${customerB}`, 'message'),
      ownThreadId: `general:${customerA}`,
      ownNoteId: await first(`general:${customerA}`, 'internal_note'),
    };
  }

  /** Customer B's billing rows: none may change. */
  async function foreignBillingRows(): Promise<string> {
    const q = (sql: string, params: unknown[] = []) =>
      stack.billing.db.dataSource.query(sql, params);
    const b = [foreign.customerId];
    return JSON.stringify({
      invoices: await q('SELECT * FROM invoices WHERE customerId = ? ORDER BY id', b),
      lines: await q(
        'SELECT * FROM invoice_lines WHERE invoiceId IN (SELECT id FROM invoices WHERE customerId = ?) ORDER BY id',
        b,
      ),
      payments: await q('SELECT * FROM payments WHERE customerId = ? ORDER BY id', b),
      allocations: await q(
        'SELECT * FROM payment_allocations WHERE paymentId IN (SELECT id FROM payments WHERE customerId = ?) ORDER BY id',
        b,
      ),
      refunds: await q('SELECT * FROM refunds WHERE customerId = ? ORDER BY id', b),
      notes: await q('SELECT * FROM credit_notes WHERE customerId = ? ORDER BY id', b),
      applications: await q(
        'SELECT * FROM credit_applications WHERE creditNoteId IN (SELECT id FROM credit_notes WHERE customerId = ?) ORDER BY id',
        b,
      ),
    });
  }

  beforeAll(async () => {
    // The scope dimension sends a few hundred requests per partner, and a
    // fresh contact sign-in per attempt is more than the per-address hourly limit
    // and, each being an anonymous request, than the gateway's anonymous limit.
    stack = await startTestStack(sqlite, {
      gatewayEnv: {
        RATE_LIMIT_PARTNER_PER_MINUTE: '100000',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
      },
      accountsEnv: { SIGNIN_LIMIT_PER_ADDRESS: '500' },
    });
    const { demo } = stack.accounts;
    const admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const created = await stack.query(
      'mutation { createPartnerClient(input: { name: "Other partner", scopes: ["customers:read"] }) { client { id } } }',
      { token: admin },
    );
    const billing = await foreignBilling(admin, demo.globexId, demo.acmeId);
    const sales = await foreignSales(admin, demo.globexId);
    const quotes = await foreignQuotes(admin, demo.globexId);
    const { foreignDocuments: documentsOfB, ...documents } = await foreignDocuments(
      admin,
      demo.globexId,
      demo.acmeId,
    );
    foreign = {
      customerId: demo.globexId,
      contactId: demo.lucia.id,
      contactEmail: demo.lucia.email,
      staffEmail: demo.admin.email,
      staffUserId: demo.admin.id,
      partnerClientId: (created.body.data as { createPartnerClient: { client: { id: string } } })
        .createPartnerClient.client.id,
      ...billing,
      ...sales,
      ...quotes,
      ...documents,
      ...(await foreignMessaging(demo.globexId, demo.acmeId)),
      invoiceThreadId: `invoice:${billing.invoiceId}`,
      ownCustomerId: demo.acmeId,
    };
    markers = [
      foreign.customerId,
      foreign.contactId,
      foreign.contactEmail,
      'Globex',
      foreign.staffEmail,
      'pcs_',
      'GLOBEX-REF',
      'Abono',
      'Licencias',
      foreign.invoiceId,
      foreign.draftInvoiceId,
      foreign.paymentId,
      foreign.creditNoteId,
      foreign.purchaseOrderId,
      foreign.shipmentId,
      'GLOBEX-PO-REF',
      'GLOBEX-TRACK-1',
      'Pedido secreto',
      'GX-2026',
      foreign.quoteId,
      foreign.draftQuoteId,
      'Presupuesto Globex',
      // Every document of B (ids, version ids, file hashes) and any internal document.
      ...documentsOfB.flatMap((d) => [d.id, ...d.versions.flatMap((v) => [v.id, v.sha256])]),
      foreign.ownInternalDocumentId,
      'Credit check',
      'credit-check.pdf',
      // B's demo message, and any internal note (the demo's, A's included).
      foreign.commentId,
      foreign.ownNoteId,
      'Demo note for staff only',
    ];
    tokens = {
      contact: await stack.signIn('alice@acme.example', 'acme-demo-password'),
      partner: await stack.partnerToken(
        [
          'customers:read',
          'invoices:read',
          'payments:read',
          'quotes:read',
          'orders:read',
          'documents:read',
          'messages:read',
        ],
        [demo.acmeId],
      ),
      anonymous: undefined,
    };
  });
  afterAll(() => stack?.stop());

  it('has an attempt for every root field of the supergraph', () => {
    const missing = rootFields().filter((field) => !ATTEMPTS[field]?.length);
    expect(missing).toEqual([]);
  });

  it('finds no leak in any attempt and no foreign row changed', async () => {
    const before = await foreignRows();
    const leaks: string[] = [];
    let attempts = 0;
    for (const field of rootFields()) {
      const fieldName = field.split('.')[1]!;
      for (const attempt of ATTEMPTS[field] ?? []) {
        // A fresh sign-in per contact attempt: some attempts end their own session.
        const token =
          attempt.as === 'contact'
            ? await stack.signIn('alice@acme.example', 'acme-demo-password')
            : tokens[attempt.as];
        const variables = attempt.variables?.(foreign);
        // Each attempt with variables is made twice: with them sent, and with
        // them as the variables' defaults and nothing sent.
        const variants: Array<[string, string, Record<string, unknown> | undefined]> = [
          ['', attempt.query, variables],
        ];
        if (variables && Object.keys(variables).length > 0) {
          variants.push([' (as defaults)', withDefaults(attempt.query, variables), undefined]);
        }
        // Both must be answered alike, down to whether a subgraph was asked:
        // the gateway judges arguments as execution will, defaults included.
        const answers: string[] = [];
        for (const [variant, query, sent] of variants) {
          attempts += 1;
          const executed = () =>
            stack.accounts.running.stats.executed +
            stack.billing.stats.executed +
            stack.documents.stats.executed;
          const calls = executed();
          const response = await stack.query(query, { token, variables: sent });
          const where = `${field} as ${attempt.as}: ${attempt.label}${variant}`;
          answers.push(
            JSON.stringify({
              subgraphCalled: executed() > calls,
              codes: response.body.errors?.map((e) => e.extensions?.code) ?? [],
            }),
          );
          if (answers.length === 2 && answers[0] !== answers[1]) {
            leaks.push(`${where} — answered ${answers[1]}, sent: ${answers[0]}`);
          }
          const marker = markers.find((m) => response.text.includes(m));
          if (marker) leaks.push(`${where} — answer contains ${marker}`);
          const data = response.body.data as Record<string, unknown> | null | undefined;
          if (
            !attempt.permitted &&
            data &&
            data[fieldName] !== null &&
            data[fieldName] !== undefined
          ) {
            leaks.push(`${where} — answered with data`);
          }
          if (!attempt.permitted && !response.body.errors?.length) {
            leaks.push(`${where} — answered without an error`);
          }
        }
      }
    }
    const after = await foreignRows();
    const changed = before === after ? 0 : 1;
    process.stdout.write(
      `cross-customer harness: ${attempts} attempts on ${rootFields().length} root fields, ${leaks.length} leaks, ${changed ? 'foreign rows CHANGED' : '0 foreign rows changed'}\n`,
    );
    expect(leaks).toEqual([]);
    expect(after).toEqual(before);
    expect(attempts).toBeGreaterThanOrEqual(rootFields().length);
  });

  describe('scope dimension', () => {
    let own: OwnTargets;

    /** Customer A's data as staff sees it, with a refund added so every kind has rows. */
    async function ownTargets(): Promise<OwnTargets> {
      const admin = await stack.signIn(
        'admin@portico.example',
        'admin-demo-password',
        'signInStaff',
      );
      const q = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
        const response = await stack.query(query, { token: admin, variables });
        if (response.body.errors) throw new Error(response.text);
        return response.body.data as T;
      };
      const a = stack.accounts.demo.acmeId;
      const { invoices } = await q<{
        invoices: {
          nodes: Array<{
            id: string;
            status: string;
            currency: string;
            allowPartialPayment: boolean;
            creditApplications: Array<{ id: string }>;
          }>;
        };
      }>(
        'query ($a: ID) { invoices(customerId: $a, first: 100) { nodes { id status currency allowPartialPayment creditApplications { id } } } }',
        { a },
      );
      const open = ['SENT', 'PARTIALLY_PAID', 'OVERDUE'];
      const rich = invoices.nodes.find(
        (n) => n.creditApplications.length > 0 && open.includes(n.status),
      );
      const payable = invoices.nodes.find(
        (n) => n.allowPartialPayment && open.includes(n.status) && n.id !== rich?.id,
      );
      if (!rich || !payable) throw new Error('demo data lacks an invoice the harness needs');
      // A payment on the credited invoice, partly refunded: every billing kind has a row on one path.
      const paid = await q<{ recordPayment: { payment: { id: string } } }>(
        'mutation ($a: ID!, $i: ID!, $c: String!) { recordPayment(input: { customerId: $a, currency: $c, amount: "5.00", method: BANK_TRANSFER, reference: "ACME-SCOPE-REF", receivedOn: "2026-01-03", allocations: [{ invoiceId: $i, amount: "5.00" }] }) { payment { id } } }',
        { a, i: rich.id, c: rich.currency },
      );
      await q(
        'mutation ($p: ID!) { refundPayment(input: { paymentId: $p, amount: "1.00", reason: "Scope harness" }) { refund { id } } }',
        { p: paid.recordPayment.payment.id },
      );
      // A quote of A accepted by its contact and converted into an order and an
      // invoice: every quote, order and invoice link (Quote.invoices,
      // PurchaseOrder.invoices, Invoice.quote, …) has a row on one path.
      const inDays = (n: number) =>
        new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      const quote = await q<{ createQuote: { quote: { id: string } } }>(
        'mutation ($a: ID!, $e: String!) { createQuote(input: { customerId: $a, currency: "GBP", expiryDate: $e, lines: [{ description: "Scope harness", quantity: "1", unitPrice: "10.00" }] }) { quote { id } } }',
        { a, e: inDays(30) },
      );
      const quoteId = quote.createQuote.quote.id;
      await q('mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }', {
        id: quoteId,
      });
      const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      const accepted = await stack.query(
        'mutation ($id: ID!) { acceptQuote(input: { id: $id, revision: 1, signerName: "Alice", acceptTerms: true }) { quote { id } } }',
        { token: alice, variables: { id: quoteId } },
      );
      if (accepted.body.errors) throw new Error(accepted.text);
      const converted = await q<{ convertQuote: { purchaseOrder: { id: string } } }>(
        'mutation ($id: ID!, $d: String!) { convertQuote(input: { id: $id, createInvoice: true, invoiceDueDate: $d }) { purchaseOrder { id } } }',
        { id: quoteId, d: inDays(30) },
      );
      const order = converted.convertQuote.purchaseOrder;
      const deadline = Date.now() + 20_000;
      for (;;) {
        const linked = await q<{ purchaseOrder: { invoices: Array<{ id: string }> } }>(
          'query ($id: ID!) { purchaseOrder(id: $id) { invoices { id } } }',
          { id: order.id },
        );
        if (linked.purchaseOrder.invoices.length > 0) break;
        if (Date.now() > deadline)
          throw new Error("billing did not raise the converted quote's invoice");
        await new Promise((r) => setTimeout(r, 200));
      }
      // A document of A attached to each kind of record, and A's contract acknowledged by
      // its contact: Document.invoice, .quote, .purchaseOrder and .acknowledgements have rows.
      for (const [kind, id] of [
        ['INVOICE', rich.id],
        ['QUOTE', quoteId],
        ['PURCHASE_ORDER', order.id],
      ] as const) {
        const shared = await q<{ shareDocument: { upload: { url: string } } }>(
          'mutation ($a: ID!, $kind: DocumentAttachmentKind!, $id: ID!) { shareDocument(input: { customerId: $a, title: "Scope harness", category: OTHER, attachTo: { kind: $kind, id: $id }, file: { fileName: "scope.txt", contentType: "text/plain" } }) { upload { url } } }',
          { a, kind, id },
        );
        await upload(shared.shareDocument.upload.url, `Attached to a ${kind.toLowerCase()}.\n`);
      }
      const contracts = await stack.query(
        '{ documents(category: [CONTRACT]) { nodes { id currentVersion { version } } } }',
        { token: alice },
      );
      const contract = (
        contracts.body.data as {
          documents: { nodes: Array<{ id: string; currentVersion: { version: number } }> };
        }
      ).documents.nodes[0]!;
      const acknowledged = await stack.query(
        'mutation ($id: ID!, $v: Int!) { acknowledgeDocument(input: { documentId: $id, version: $v, name: "Alice" }) { acknowledgement { id } } }',
        { token: alice, variables: { id: contract.id, v: contract.currentVersion.version } },
      );
      if (acknowledged.body.errors) throw new Error(acknowledged.text);
      // A message of A's contact with a document attached: Comment.attachments has a row.
      const posted = await stack.query(
        'mutation ($t: ID!, $d: ID!) { postComment(input: { threadId: $t, body: "The contract, attached", attachmentIds: [$d] }) { comment { id } } }',
        { token: alice, variables: { t: `general:${a}`, d: contract.id } },
      );
      if (posted.body.errors) throw new Error(posted.text);
      return {
        customerId: a,
        invoiceId: rich.id,
        payableInvoiceId: payable.id,
        purchaseOrderId: order.id,
      };
    }

    let admin: string;
    beforeAll(async () => {
      own = await ownTargets();
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });

    /** A partner client of customer A with these scopes, and a token from its credentials. */
    async function partnerOfA(scopes: string[]): Promise<string> {
      const created = await stack.query(
        'mutation ($input: CreatePartnerClientInput!) { createPartnerClient(input: $input) { clientSecret client { id } } }',
        {
          token: admin,
          variables: { input: { name: 'Scope partner', scopes, customerIds: [own.customerId] } },
        },
      );
      const { clientSecret, client } = (
        created.body.data as {
          createPartnerClient: { clientSecret: string; client: { id: string } };
        }
      ).createPartnerClient;
      const issued = await stack.query(
        'mutation ($input: IssuePartnerTokenInput!) { issuePartnerToken(input: $input) { accessToken } }',
        { variables: { input: { clientId: client.id, clientSecret } } },
      );
      return (issued.body.data as { issuePartnerToken: { accessToken: string } }).issuePartnerToken
        .accessToken;
    }

    it('classifies every type of the supergraph, and every field of Customer, by scope', () => {
      expect(unclassified(supergraph())).toEqual([]);
    });

    it('finds no path into data a partner scope does not grant', async () => {
      const paths = scopePaths(supergraph());
      const all = [...PARTNER_SCOPES];
      const guarded = [...new Set(paths.map((p) => p.kind).filter((k) => k !== NO_SCOPE))];
      // Each scope alone, and every scope but one that guards data; plus a
      // control holding every scope, which shows each path reaches data.
      const partners: Array<{ label: string; scopes: string[] }> = [
        { label: 'every scope', scopes: all },
        ...all.map((scope) => ({ label: `only ${scope}`, scopes: [scope] })),
        ...guarded.map((scope) => ({
          label: `all but ${scope}`,
          scopes: all.filter((s) => s !== scope),
        })),
      ];
      const ask = async (token: string, path: ScopePath) => {
        const response = await stack.query(path.text, { token, variables: path.variables(own) });
        return response.body.data;
      };
      const proven = new Set<string>();
      const leaks: string[] = [];
      let attempts = 0;
      for (const partner of partners) {
        const token = await partnerOfA(partner.scopes);
        // A few requests in flight at once: thousands of attempts, one after another, take minutes.
        for (let start = 0; start < paths.length; start += 8) {
          await Promise.all(
            paths.slice(start, start + 8).map(async (path) => {
              const granted = path.kind !== NO_SCOPE && partner.scopes.includes(path.kind);
              const data = await ask(token, path);
              if (granted) {
                if (partner.label === 'every scope' && reached(data, path)) {
                  proven.add(path.target);
                }
                return;
              }
              attempts += 1;
              if (reached(data, path)) {
                leaks.push(`${partner.label}: ${path.target} (${path.kind}) — ${path.text}`);
              }
            }),
          );
        }
      }
      // A kind no path reaches with data under the control would make its attempts prove nothing.
      const unproven = [
        ...new Set(paths.filter((p) => p.kind !== NO_SCOPE).map((p) => p.target)),
      ].filter((target) => !proven.has(target) && !UNREACHABLE_FOR_PARTNERS[target]);
      process.stdout.write(
        `cross-customer harness: ${attempts} scope attempts, ${leaks.length} scope leaks (${paths.length} paths, ${partners.length} partners)\n`,
      );
      expect(leaks).toEqual([]);
      expect(unproven).toEqual([]);
      expect(attempts).toBeGreaterThan(paths.length);
    }, 300_000);
  });
  describe('subscriptions over graphql-ws', () => {
    it('has a socket attempt for every Subscription field', () => {
      const fields = rootFields().filter((field) => field.startsWith('Subscription.'));
      expect(fields.length).toBeGreaterThan(0);
      expect(fields.filter((field) => !SOCKET_ATTEMPTS[field]?.length)).toEqual([]);
    });

    it("delivers nothing of customer B's to any foreign principal, whatever it follows", async () => {
      const admin = await stack.signIn(
        'admin@portico.example',
        'admin-demo-password',
        'signInStaff',
      );
      const q = async <T>(
        token: string,
        query: string,
        variables: Record<string, unknown> = {},
      ): Promise<T> => {
        const response = await stack.query(query, { token, variables });
        if (response.body.errors) throw new Error(response.text);
        return response.body.data as T;
      };
      const post = (token: string, threadId: string, body: string, kind = 'MESSAGE') =>
        q<{ postComment: { comment: { id: string } } }>(
          token,
          'mutation ($t: ID!, $b: String!, $k: PostedCommentKind!) { postComment(input: { threadId: $t, body: $b, kind: $k }) { comment { id } } }',
          { t: threadId, b: body, k: kind },
        ).then((data) => data.postComment.comment.id);
      const ship = (orderId: string, lineId: string, tracking: string) =>
        q(
          admin,
          'mutation ($o: ID!, $l: ID!, $t: String!) { addShipment(input: { orderId: $o, carrier: "DHL", trackingNumber: $t, shippedAt: "2026-01-05", lines: [{ orderLineId: $l, quantity: "1" }] }) { shipment { id } } }',
          { o: orderId, l: lineId, t: tracking },
        );
      const createOrder = (customerId: string, currency: string, description: string) =>
        q<{
          createPurchaseOrder: { purchaseOrder: { id: string; lines: Array<{ id: string }> } };
        }>(
          admin,
          'mutation ($c: ID!, $cur: String!, $d: String!) { createPurchaseOrder(input: { customerId: $c, currency: $cur, lines: [{ description: $d, quantity: "3", unitPrice: "10.00" }] }) { purchaseOrder { id lines { id } } } }',
          { c: customerId, cur: currency, d: description },
        ).then((data) => data.createPurchaseOrder.purchaseOrder);
      // An order of A's to ship once B's events are out: the fence of A's order followers.
      const ownOrder = await createOrder(foreign.ownCustomerId, 'GBP', 'Fence order');
      const note = 'Socket note for staff only';
      const socketMarkers = [...markers, note, 'Mensaje secreto', 'Otro pedido secreto'];
      const socketTokens: Record<SocketActor, string | undefined> = {
        contact: await stack.signIn('alice@acme.example', 'acme-demo-password'),
        partner: tokens.partner,
        partnerWithoutScope: await stack.partnerToken(
          ['customers:read', 'invoices:read'],
          [foreign.customerId],
        ),
        anonymous: undefined,
      };
      const closes: Record<string, Array<{ code: number }>> = {};
      const clients = SOCKET_ACTORS.map((actor) => {
        closes[actor] = [];
        return connectWs(stack.gateway.url, socketTokens[actor], closes[actor]);
      });
      const started = Date.now();
      try {
        const runs: SocketRun[] = SOCKET_ACTORS.flatMap((actor, i) =>
          subscribeAll(actor, clients[i]!, foreign),
        );
        // Settled: each subscription refused, or following the subgraph's live tail.
        const following = () =>
          stack.messaging.services.live.liveSubscribers.size +
          stack.sales.services.live.liveSubscribers.size;
        await until(
          () => {
            const open = runs.filter(isOpen).length;
            return following() === open && stack.gateway.subscriptionStats().upstream === open;
          },
          20_000,
          'every subscription refused or following',
        );
        // Customer B's side: messages by staff and its contact, internal notes (one in
        // A's thread), a reading, an assignment, a shipment and a new order.
        const lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
        const message = await post(admin, foreign.threadId, 'Mensaje secreto para B');
        await post(admin, foreign.threadId, note, 'INTERNAL_NOTE');
        await post(admin, foreign.ownThreadId, note, 'INTERNAL_NOTE');
        await post(admin, foreign.invoiceThreadId, 'Mensaje secreto sobre la factura');
        await post(lucia, foreign.threadId, 'Mensaje secreto de Lucía');
        await q(
          lucia,
          'mutation ($t: ID!, $c: ID!) { markThreadRead(input: { threadId: $t, upToCommentId: $c }) { readUpToPosition } }',
          { t: foreign.threadId, c: message },
        );
        await q(
          admin,
          'mutation ($t: ID!, $s: ID) { assignThread(input: { threadId: $t, staffUserId: $s }) { thread { id } } }',
          { t: foreign.threadId, s: foreign.staffUserId },
        );
        await ship(foreign.purchaseOrderId, foreign.orderLineId, 'GLOBEX-TRACK-2');
        await createOrder(foreign.customerId, 'EUR', 'Otro pedido secreto');
        // Then A's own: each stray event of B would have come before these.
        const fence = await post(admin, foreign.ownThreadId, 'Fence message for A');
        await ship(ownOrder.id, ownOrder.lines[0]!.id, 'ACME-FENCE-1');
        const fenced = (run: SocketRun) => {
          const text = JSON.stringify(run.subscription.events);
          return run.field === 'Subscription.orderChanged'
            ? text.includes('order.shipment_added') && text.includes(ownOrder.id)
            : text.includes(fence);
        };
        // A's contact and partner follow their own: each such run must see the fence.
        const controls = runs.filter((r) => r.attempt.permittedFor?.includes(r.actor));
        // Leaks are reported even when a fence never comes.
        const unfenced = await until(() => controls.every(fenced), 20_000, 'fences').then(
          () => [],
          () => controls.filter((r) => !fenced(r)).map((r) => `${r.actor} ${r.field}`),
        );
        // The others have no fence to see; a moment more for anything in flight.
        await new Promise((r) => setTimeout(r, 1_000));
        const leaks = runs.flatMap((run) => leaksOf(run, socketMarkers));
        if (closes.anonymous![0]?.code !== 4401) {
          leaks.push(`anonymous socket not closed 4401: ${JSON.stringify(closes.anonymous)}`);
        }
        process.stdout.write(
          `cross-customer harness: ${runs.length} socket attempts on ${Object.keys(SOCKET_ATTEMPTS).length} subscription fields by ${SOCKET_ACTORS.length} principals (${runs.filter(isOpen).length} following, ${runs.length - runs.filter(isOpen).length} refused), ${leaks.length} leaks, ${Date.now() - started} ms\n`,
        );
        expect(leaks).toEqual([]);
        // A's own followers saw A's fence: the socket paths do deliver.
        expect(unfenced).toEqual([]);
        expect(controls.length).toBeGreaterThan(0);
      } finally {
        await Promise.all(clients.map((client) => client.dispose()));
      }
    }, 60_000);
  });
});
