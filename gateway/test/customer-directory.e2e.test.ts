import { randomUUID } from 'node:crypto';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';
import { linkToken } from '../../services/accounts/test/mail-folder';

const { pdfText } = testing;

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Billing learns accounts' customers through accounts' events: what it does
 * not know it refuses (and writes nothing, numbers included), and what it
 * issues carries both parties as they were at issue.
 */
describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  "billing's customer directory through the gateway on %s",
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target, {
        billingEnv: { PUBLIC_BASE_URL: 'http://placeholder.invalid' },
      });
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    const viaGateway = (url: string) =>
      url.replace('http://placeholder.invalid', stack.gateway.url.replace(/\/graphql$/, ''));

    async function numbers(): Promise<string[]> {
      const response = await stack.query('{ invoices(first: 100) { nodes { number } } }', {
        token: admin,
      });
      const nodes = (
        response.body.data as { invoices: { nodes: Array<{ number: string | null }> } }
      ).invoices.nodes;
      return nodes
        .map((n) => n.number)
        .filter((n): n is string => n !== null)
        .sort();
    }

    async function rowCounts(): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (const table of [
        'invoices',
        'credit_notes',
        'payments',
        'event_outbox',
        'number_sequences',
      ]) {
        const [row] = (await stack.billing.db.dataSource.query(
          `SELECT COUNT(*) AS n FROM ${table}`,
        )) as Array<{ n: number | string }>;
        counts[table] = Number(row?.n);
      }
      const [seq] = (await stack.billing.db.dataSource.query(
        'SELECT SUM(nextValue) AS n FROM number_sequences',
      )) as Array<{ n: number | string | null }>;
      counts.nextValues = Number(seq?.n ?? 0);
      return counts;
    }

    it('refuses an unknown customer for invoices, credit notes and payments, writing nothing', async () => {
      const before = await rowCounts();
      const numbersBefore = await numbers();
      const unknown = randomUUID();
      const line = { description: 'Widgets', quantity: '1', unitPrice: '10.00' };
      const attempts = [
        stack.query(
          'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }',
          {
            token: admin,
            variables: {
              input: { customerId: unknown, currency: 'GBP', dueDate: inDays(20), lines: [line] },
            },
          },
        ),
        stack.query(
          'mutation ($input: CreateCreditNoteInput!) { createCreditNote(input: $input) { creditNote { id } } }',
          {
            token: admin,
            variables: { input: { customerId: unknown, currency: 'GBP', lines: [line] } },
          },
        ),
        stack.query(
          'mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }',
          {
            token: admin,
            variables: {
              input: {
                customerId: unknown,
                currency: 'GBP',
                amount: '10.00',
                method: 'BANK_TRANSFER',
                receivedOn: inDays(0),
                allocations: [],
              },
            },
          },
        ),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.body.data).toBeNull();
        expect(response.body.errors?.[0]).toMatchObject({
          message: 'unknown customer',
          extensions: { code: 'BAD_USER_INPUT', field: 'customerId' },
        });
      }
      expect(await rowCounts()).toEqual(before);
      // The gap-free series goes on where it was: the next invoice takes the next number.
      const id = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.globex,
        currency: 'EUR',
        unitPrice: '5.00',
      });
      const after = await numbers();
      const issued = after.filter((n) => !numbersBefore.includes(n));
      expect(issued).toHaveLength(1);
      const last = numbersBefore.filter((n) => n.startsWith(issued[0]!.slice(0, 8))).pop();
      const next = last ? Number(last.slice(-5)) + 1 : 1;
      expect(issued[0]).toBe(`${issued[0]!.slice(0, 9)}${String(next).padStart(5, '0')}`);
      expect(id).toBeTruthy();
    });

    it('freezes issuer and recipient on an issued invoice and prints both on its PDF', async () => {
      const id = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice: '42.00',
        description: 'Frozen parties',
      });
      const response = await stack.query(
        `query ($id: ID!) { invoice(id: $id) {
           number pdfUrl
           issuer { name taxId email address { line1 city postalCode country } }
           recipient { name taxId email address { line1 city postalCode country } }
         } }`,
        { token: admin, variables: { id } },
      );
      expect(response.body.errors).toBeUndefined();
      const invoice = (
        response.body.data as {
          invoice: {
            number: string;
            pdfUrl: string;
            issuer: { name: string; taxId: string | null; address: { line1: string } | null };
            recipient: { name: string; taxId: string | null; address: { line1: string } };
          };
        }
      ).invoice;
      expect(invoice.recipient.name).toBe('Acme Supplies Ltd');
      expect(invoice.recipient.address.line1).toBeTruthy();
      expect(invoice.issuer?.name).toBeTruthy();
      const { text } = await pdfText(await (await fetch(viaGateway(invoice.pdfUrl))).arrayBuffer());
      expect(text).toContain(`Invoice ${invoice.number}`);
      expect(text).toContain('From');
      expect(text).toContain('Bill to');
      expect(text).toContain(invoice.issuer.name);
      expect(text).toContain(invoice.recipient.name);
      expect(text).toContain(invoice.recipient.address.line1);
    });

    async function createCustomer(companyName: string, taxId: string): Promise<string> {
      const created = await stack.query(
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        {
          token: admin,
          variables: {
            input: {
              companyName,
              email: `billing@${taxId.toLowerCase()}.example`,
              billingAddress: {
                line1: 'Calle Mayor 1',
                city: 'Madrid',
                postalCode: '28013',
                country: 'ES',
              },
              taxId,
              locale: 'es',
              currency: 'EUR',
            },
          },
        },
      );
      const id = (created.body.data as { createCustomer?: { customer: { id: string } } } | null)
        ?.createCustomer?.customer.id;
      if (!id) throw new Error(`customer not created: ${created.text}`);
      return id;
    }

    it('bills a customer staff have just created, its contact sees the invoice, and a later address change leaves it as issued', async () => {
      const customerId = await createCustomer('Ribera Distribuciones SL', 'ESB12345678');
      // No wait: billing catches up with accounts before it would refuse the customer.
      const invoiceId = await stack.issueInvoice({
        customerId,
        currency: 'EUR',
        unitPrice: '120.00',
        description: 'Pallets',
      });
      const added = await stack.query(
        'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }',
        {
          token: admin,
          variables: { input: { customerId, name: 'Marta Ruiz', email: 'marta@ribera.example' } },
        },
      );
      expect(added.body.errors).toBeUndefined();
      const contactId = (added.body.data as { addContact: { contact: { id: string } } }).addContact
        .contact.id;
      const invited = await stack.query(
        'mutation ($id: ID!) { reinviteContact(input: { contactId: $id }) { contact { portalAccess } } }',
        { token: admin, variables: { id: contactId } },
      );
      expect(invited.body.errors).toBeUndefined();
      const token = await linkToken(
        stack.accounts.mailFolder,
        'marta@ribera.example',
        '/accept-invitation',
      );
      const accepted = await stack.query(
        'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'olive grove at dawn' } } },
      );
      expect(accepted.body.errors).toBeUndefined();
      const marta = await stack.signIn('marta@ribera.example', 'olive grove at dawn');

      const seen = await stack.query(
        '{ invoices(first: 10) { nodes { id number pdfUrl recipient { name taxId address { line1 } } } } }',
        { token: marta },
      );
      expect(seen.body.errors).toBeUndefined();
      const nodes = (
        seen.body.data as {
          invoices: {
            nodes: Array<{
              id: string;
              number: string;
              pdfUrl: string;
              recipient: { name: string; taxId: string; address: { line1: string } };
            }>;
          };
        }
      ).invoices.nodes;
      expect(nodes.map((n) => n.id)).toEqual([invoiceId]);
      expect(nodes[0]!.recipient).toEqual({
        name: 'Ribera Distribuciones SL',
        taxId: 'ESB12345678',
        address: { line1: 'Calle Mayor 1' },
      });
      // In the customer's language (Spanish) by default, naming both parties.
      const first = await pdfText(await (await fetch(viaGateway(nodes[0]!.pdfUrl))).arrayBuffer());
      expect(first.text).toContain(`Factura ${nodes[0]!.number}`);
      expect(first.text).toContain('Facturar a');
      expect(first.text).toContain('Ribera Distribuciones SL');
      expect(first.text).toContain('ESB12345678');
      expect(first.text).toContain('Calle Mayor 1');
      expect(first.text).toContain('Northwind Components Ltd');

      // The customer moves: the issued invoice keeps the address it was issued with.
      const moved = await stack.query(
        'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id } } }',
        {
          token: admin,
          variables: {
            input: {
              id: customerId,
              billingAddress: {
                line1: 'Paseo de Gracia 50',
                city: 'Barcelona',
                postalCode: '08007',
                country: 'ES',
              },
            },
          },
        },
      );
      expect(moved.body.errors).toBeUndefined();
      const second = await stack.issueInvoice({ customerId, currency: 'EUR', unitPrice: '10.00' });
      const both = await stack.query(
        'query ($a: ID!, $b: ID!) { a: invoice(id: $a) { pdfUrl recipient { address { line1 } } } b: invoice(id: $b) { recipient { address { line1 } } } }',
        { token: marta, variables: { a: invoiceId, b: second } },
      );
      expect(both.body.errors).toBeUndefined();
      const answer = both.body.data as {
        a: { pdfUrl: string; recipient: { address: { line1: string } } };
        b: { recipient: { address: { line1: string } } };
      };
      expect(answer.a.recipient.address.line1).toBe('Calle Mayor 1');
      expect(answer.b.recipient.address.line1).toBe('Paseo de Gracia 50');
      const reprinted = await pdfText(
        await (await fetch(viaGateway(answer.a.pdfUrl))).arrayBuffer(),
      );
      expect(reprinted.text).toContain('Calle Mayor 1');
      expect(reprinted.text).not.toContain('Paseo de Gracia');

      // Archived: nothing new is issued, what was issued stays readable.
      const archived = await stack.query(
        'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { archived } } }',
        { token: admin, variables: { id: customerId } },
      );
      expect(archived.body.errors).toBeUndefined();
      const refused = await stack.query(
        'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }',
        {
          token: admin,
          variables: {
            input: {
              customerId,
              currency: 'EUR',
              dueDate: inDays(10),
              lines: [{ description: 'More pallets', quantity: '1', unitPrice: '1.00' }],
            },
          },
        },
      );
      expect(refused.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'customerId',
      });
      expect(refused.body.errors?.[0]?.message).toMatch(/^unknown customer/);
      const still = await stack.query('{ invoices(first: 10) { nodes { id } } }', { token: marta });
      expect((still.body.data as { invoices: { nodes: unknown[] } }).invoices.nodes).toHaveLength(
        2,
      );
    });

    it('loses no customer change made while billing was down', async () => {
      const ids: string[] = [];
      await stack.restartBilling(async () => {
        for (let i = 0; i < 5; i += 1)
          ids.push(await createCustomer(`Offline ${i} SL`, `ESX000${i}`));
        const renamed = await stack.query(
          'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id } } }',
          { token: admin, variables: { input: { id: ids[0], companyName: 'Offline Renamed SL' } } },
        );
        expect(renamed.body.errors).toBeUndefined();
      });
      // Billing catches up from its cursor: every customer is billable, with its latest name.
      const invoiceId = await stack.issueInvoice({
        customerId: ids[0]!,
        currency: 'EUR',
        unitPrice: '1.00',
      });
      const rows = (await stack.billing.db.dataSource.query(
        `SELECT id, companyName FROM directory_customers WHERE id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      )) as Array<{ id: string; companyName: string }>;
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(rows.find((r) => r.id === ids[0])?.companyName).toBe('Offline Renamed SL');
      const issued = await stack.query(
        'query ($id: ID!) { invoice(id: $id) { recipient { name } } }',
        { token: admin, variables: { id: invoiceId } },
      );
      expect(issued.body.data).toEqual({ invoice: { recipient: { name: 'Offline Renamed SL' } } });
    });
  },
);
