import { readFileSync } from 'node:fs';
import { buildASTSchema, parse } from 'graphql';
import { testing } from '@portico/kit';
import { startTestStack, SUPERGRAPH_PATH, type TestStack } from '../stack-harness';
import { ATTEMPTS, type Actor, type ForeignTargets } from './attempts';

/**
 * Reads the composed supergraph, makes every defined attempt on every root
 * field through the real gateway, and counts leaks: foreign data in an answer,
 * data for a field the actor may not call, or a foreign row changed.
 */
function rootFields(): string[] {
  const schema = buildASTSchema(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')), {
    assumeValidSDL: true,
  });
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
    // A fresh contact sign-in per attempt: more than the per-address hourly limit.
    stack = await startTestStack(sqlite, { accountsEnv: { SIGNIN_LIMIT_PER_ADDRESS: '500' } });
    const { demo } = stack.accounts;
    const admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    const created = await stack.query(
      'mutation { createPartnerClient(input: { name: "Other partner", scopes: ["customers:read"] }) { client { id } } }',
      { token: admin },
    );
    const billing = await foreignBilling(admin, demo.globexId, demo.acmeId);
    foreign = {
      customerId: demo.globexId,
      contactId: demo.lucia.id,
      contactEmail: demo.lucia.email,
      staffEmail: demo.admin.email,
      staffUserId: demo.admin.id,
      partnerClientId: (created.body.data as { createPartnerClient: { client: { id: string } } })
        .createPartnerClient.client.id,
      ...billing,
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
        attempts += 1;
        // A fresh sign-in per contact attempt: some attempts end their own session.
        const token =
          attempt.as === 'contact'
            ? await stack.signIn('alice@acme.example', 'acme-demo-password')
            : tokens[attempt.as];
        const response = await stack.query(attempt.query, {
          token,
          variables: attempt.variables?.(foreign),
        });
        const where = `${field} as ${attempt.as}: ${attempt.label}`;
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
    const after = await foreignRows();
    const changed = before === after ? 0 : 1;
    process.stdout.write(
      `cross-customer harness: ${attempts} attempts on ${rootFields().length} root fields, ${leaks.length} leaks, ${changed ? 'foreign rows CHANGED' : '0 foreign rows changed'}\n`,
    );
    expect(leaks).toEqual([]);
    expect(after).toEqual(before);
    expect(attempts).toBeGreaterThanOrEqual(rootFields().length);
  });
});
