import { CLAIMS_HEADER, encodeClaims, testing, type PartnerPrincipal } from '@portico/kit';
import { TEST_CLAIMS_SECRET } from '../../services/accounts/test/accounts-harness';
import { startTestStack, type TestStack } from './stack-harness';

/**
 * A partner scope protects a kind of data by whatever path it is reached:
 * the gateway refuses before any subgraph call, and each subgraph refuses
 * again on its own when asked directly with the gateway's claims.
 */
describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'partner scopes beyond the root field on %s',
  (_name, target) => {
    let stack: TestStack;
    let acmeId: string;
    let invoicesOnly: string;
    let invoiceId: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      acmeId = stack.accounts.demo.acmeId;
      invoicesOnly = await stack.partnerToken(['invoices:read'], [acmeId]);
      const page = await stack.query('{ invoices(first: 100) { nodes { id } } }', {
        token: invoicesOnly,
      });
      invoiceId = (page.body.data as { invoices: { nodes: Array<{ id: string }> } }).invoices
        .nodes[0]!.id;
    });
    afterAll(() => stack?.stop());

    const partner = (scopes: string[]): PartnerPrincipal => ({
      kind: 'partner',
      clientId: '00000000-0000-4000-8000-000000000001',
      scopes,
      customerIds: [acmeId],
    });

    async function direct(url: string, query: string, principal: PartnerPrincipal) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CLAIMS_HEADER]: encodeClaims(principal, TEST_CLAIMS_SECRET),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as testing.GraphQLResponse['body'];
    }

    it("refuses an invoices:read partner the customer's profile and contacts through Invoice", async () => {
      const before = stack.accounts.running.stats.executed + stack.billing.stats.executed;
      for (const [selection, scope] of [
        ['customer { companyName }', 'customers:read'],
        ['customer { contacts { name email } }', 'contacts:read'],
        ['customer { billingAddress { city } }', 'customers:read'],
      ]) {
        const response = await stack.query(`{ invoices { nodes { id ${selection} } } }`, {
          token: invoicesOnly,
        });
        expect(response.body.errors).toEqual([
          { message: `Missing scope: ${scope}`, extensions: { code: 'FORBIDDEN' } },
        ]);
        expect(response.body.data ?? null).toBeNull();
      }
      expect(stack.accounts.running.stats.executed + stack.billing.stats.executed).toBe(before);
      // the customer's id is the reference the partner already holds
      const ids = await stack.query('{ invoices { nodes { id customer { id } } } }', {
        token: invoicesOnly,
      });
      expect(ids.body.errors).toBeUndefined();
    });

    it("keeps contacts' names and emails behind contacts:read, apart from the customer's profile", async () => {
      const profileOnly = await stack.partnerToken(['customers:read'], [acmeId]);
      const withContacts = await stack.partnerToken(['customers:read', 'contacts:read'], [acmeId]);
      const query = `{ customer(id: "${acmeId}") { companyName contacts { name email } } }`;
      const before = stack.accounts.running.stats.executed;
      const refused = await stack.query(query, { token: profileOnly });
      expect(refused.body.errors).toEqual([
        { message: 'Missing scope: contacts:read', extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(refused.body.data ?? null).toBeNull();
      expect(stack.accounts.running.stats.executed).toBe(before);
      const profile = await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, {
        token: profileOnly,
      });
      expect(profile.body.errors).toBeUndefined();
      const granted = await stack.query(query, { token: withContacts });
      expect(granted.body.errors).toBeUndefined();
      const contacts = (granted.body.data as { customer: { contacts: Array<{ email: string }> } })
        .customer.contacts;
      expect(contacts.map((c) => c.email)).toContain('alice@acme.example');
      // The subgraph refuses on its own too, asked directly with the gateway's claims.
      const direct_ = await direct(stack.accounts.running.url, query, partner(['customers:read']));
      expect(direct_.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(direct_.data ?? null)).not.toContain('@');
    });

    it('refuses an invoices:read partner payments, their references and refunds through Invoice', async () => {
      for (const selection of [
        'paymentAllocations { amount { amount } }',
        'paymentAllocations { payment { reference refunds { amount { amount } } } }',
      ]) {
        const response = await stack.query(
          `query ($id: ID!) { invoice(id: $id) { id ${selection} } }`,
          { token: invoicesOnly, variables: { id: invoiceId } },
        );
        expect(response.body.errors).toEqual([
          { message: 'Missing scope: payments:read', extensions: { code: 'FORBIDDEN' } },
        ]);
      }
    });

    it('refuses the same paths inside each subgraph, asked directly with gateway claims', async () => {
      const profile = await direct(
        stack.accounts.running.url,
        `{ _entities(representations: [{ __typename: "Customer", id: "${acmeId}" }]) { ... on Customer { id companyName } } }`,
        partner(['invoices:read']),
      );
      expect(profile.errors?.[0]).toMatchObject({
        message: 'Missing scope: customers:read',
        extensions: { code: 'FORBIDDEN' },
      });
      expect(JSON.stringify(profile.data)).not.toContain('Acme');
      const contacts = await direct(
        stack.accounts.running.url,
        `{ _entities(representations: [{ __typename: "Customer", id: "${acmeId}" }]) { ... on Customer { contacts { email } } } }`,
        partner(['invoices:read']),
      );
      expect(contacts.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(contacts.data)).not.toContain('@');
      const payments = await direct(
        stack.billing.url,
        `{ invoice(id: "${invoiceId}") { id paymentAllocations { payment { reference } } } }`,
        partner(['invoices:read']),
      );
      expect(payments.errors?.[0]).toMatchObject({ message: 'Missing scope: payments:read' });
      expect(JSON.stringify(payments.data)).not.toContain('reference');
      const payment = await direct(
        stack.billing.url,
        `{ _entities(representations: [{ __typename: "Invoice", id: "${invoiceId}" }]) { ... on Invoice { id number } } }`,
        partner(['payments:read']),
      );
      expect(payment.errors?.[0]).toMatchObject({ message: 'Missing scope: invoices:read' });
      // and with the scope, each subgraph answers
      const granted = await direct(
        stack.accounts.running.url,
        `{ _entities(representations: [{ __typename: "Customer", id: "${acmeId}" }]) { ... on Customer { companyName } } }`,
        partner(['customers:read']),
      );
      expect(granted).toEqual({ data: { _entities: [{ companyName: 'Acme Supplies Ltd' }] } });
    });
  },
);
