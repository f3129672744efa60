import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';
import { linkToken } from '../../services/accounts/test/mail-folder';

const ADDRESS = {
  line1: 'Rua Augusta 100',
  city: 'Lisboa',
  postalCode: '1100-053',
  country: 'PT',
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'staff manage business data through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    const code = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions?.code;
    const sql = (query: string, params: unknown[] = []) =>
      stack.accounts.running.db.dataSource.query(query, params) as Promise<
        Array<Record<string, unknown>>
      >;
    const count = async (table: string) =>
      Number((await sql(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    const written = async () => ({
      customers: await count('customers'),
      contacts: await count('contacts'),
      staff: await count('staff_users'),
      audit: await count('audit_entries'),
      events: await count('event_outbox'),
    });
    const data = <T>(r: testing.GraphQLResponse): T => {
      if (r.body.errors) throw new Error(r.text);
      return r.body.data as T;
    };

    it('staff create a customer with a contact and invite it; the contact accepts, signs in and sees its customer', async () => {
      const before = await written();
      const created = data<{ createCustomer: { customer: { id: string } } }>(
        await stack.query(
          'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id companyName archived } } }',
          {
            token: admin,
            variables: {
              input: {
                companyName: 'Tejo Trading Lda',
                email: 'contas@tejo.example',
                billingAddress: ADDRESS,
                taxId: 'PT501234567',
                locale: 'pt',
                currency: 'EUR',
                notes: 'Key account, call before chasing.',
              },
            },
          },
        ),
      );
      const customerId = created.createCustomer.customer.id;
      const added = data<{ addContact: { contact: { id: string; portalAccess: boolean } } }>(
        await stack.query(
          'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id portalAccess } } }',
          {
            token: admin,
            variables: { input: { customerId, name: 'Inês Tavares', email: 'ines@tejo.example' } },
          },
        ),
      );
      expect(added.addContact.contact.portalAccess).toBe(false);
      data(
        await stack.query(
          'mutation ($id: ID!) { reinviteContact(input: { contactId: $id }) { contact { portalAccess } } }',
          { token: admin, variables: { id: added.addContact.contact.id } },
        ),
      );
      const after = await written();
      expect(after).toEqual({
        ...before,
        customers: before.customers + 1,
        contacts: before.contacts + 1,
        // created, added, invited
        audit: before.audit + 3,
        events: before.events + 1,
      });
      const [event] = await sql(
        "SELECT type, customerId, payload FROM event_outbox WHERE aggregateId = ? AND aggregateType = 'customer'",
        [customerId],
      );
      expect(event).toMatchObject({ type: 'customer.created', customerId });
      expect(String(event!.payload)).not.toContain('Key account');

      const token = await linkToken(
        stack.accounts.mailFolder,
        'ines@tejo.example',
        '/accept-invitation',
      );
      const accepted = await stack.query(
        'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'tagus river ferry' } } },
      );
      expect(code(accepted)).toBeUndefined();
      const contact = await stack.signIn('ines@tejo.example', 'tagus river ferry');
      const seen = await stack.query(
        'query ($id: ID!) { viewer { customer { id companyName taxId billingAddress { city country } } } customer(id: $id) { contacts { email } } organisation { legalName } }',
        { token: contact, variables: { id: customerId } },
      );
      expect(seen.body).toEqual({
        data: {
          viewer: {
            customer: {
              id: customerId,
              companyName: 'Tejo Trading Lda',
              taxId: 'PT501234567',
              billingAddress: { city: 'Lisboa', country: 'PT' },
            },
          },
          customer: { contacts: [{ email: 'ines@tejo.example' }] },
          organisation: { legalName: 'Northwind Components Ltd' },
        },
      });
      const notes = await stack.query('query ($id: ID!) { customer(id: $id) { notes } }', {
        token: contact,
        variables: { id: customerId },
      });
      expect(code(notes)).toBe('FORBIDDEN');
      expect(notes.text).not.toContain('Key account');
      const staffNotes = await stack.query('query ($id: ID!) { customer(id: $id) { notes } }', {
        token: admin,
        variables: { id: customerId },
      });
      expect(staffNotes.body.data).toEqual({
        customer: { notes: 'Key account, call before chasing.' },
      });

      // Archived: the contact still signs in and reads; an event says so.
      data(
        await stack.query(
          'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { archived } } }',
          { token: admin, variables: { id: customerId } },
        ),
      );
      const types = await sql(
        'SELECT type FROM event_outbox WHERE aggregateId = ? ORDER BY serial',
        [customerId],
      );
      expect(types.map((t) => t.type)).toEqual(['customer.created', 'customer.archived']);
      const later = await stack.signIn('ines@tejo.example', 'tagus river ferry');
      const still = await stack.query('{ viewer { customer { archived } } }', { token: later });
      expect(still.body.data).toEqual({ viewer: { customer: { archived: true } } });

      // Removing the contact ends its sessions at the gateway at once.
      data(
        await stack.query(
          'mutation ($id: ID!) { removeContact(input: { contactId: $id }) { contact { id } } }',
          { token: admin, variables: { id: added.addContact.contact.id } },
        ),
      );
      expect((await stack.query('{ viewer { kind } }', { token: later })).status).toBe(401);
    });

    it('names the bad field and writes no row, audit entry or event', async () => {
      const before = await written();
      const bad = await stack.query(
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        {
          token: admin,
          variables: {
            input: {
              companyName: 'Nowhere Ltd',
              email: 'a@nowhere.example',
              billingAddress: { ...ADDRESS, country: 'XX' },
              currency: 'EUR',
              locale: 'en',
            },
          },
        },
      );
      expect(bad.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'billingAddress.country',
      });
      const badUpdate = await stack.query(
        'mutation ($id: ID!) { updateCustomer(input: { id: $id, companyName: "Fine", email: "broken" }) { customer { id } } }',
        { token: admin, variables: { id: stack.accounts.demo.acmeId } },
      );
      expect(badUpdate.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'email',
      });
      const badProfile = await stack.query(
        'mutation { updateOrganisationProfile(input: { legalName: "Fine", logoBase64: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" }) { organisation { legalName } } }',
        { token: admin },
      );
      expect(badProfile.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'logoBase64',
      });
      expect(await written()).toEqual(before);
      expect((await sql('SELECT legalName FROM organisation_profile'))[0]!.legalName).toBe(
        'Northwind Components Ltd',
      );
    });

    it('keeps the staff mutations from contacts and partners, notes included', async () => {
      const before = await written();
      const contact = await stack.signIn('alice@acme.example', 'acme-demo-password');
      const partner = await stack.partnerToken(['customers:read'], [stack.accounts.demo.acmeId]);
      for (const token of [contact, partner]) {
        for (const [query, variables] of [
          [
            'mutation ($id: ID!) { updateCustomer(input: { id: $id, notes: "x" }) { customer { id } } }',
            { id: stack.accounts.demo.acmeId },
          ],
          [
            'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { id } } }',
            { id: stack.accounts.demo.acmeId },
          ],
          [
            'mutation { updateOrganisationProfile(input: { legalName: "Mallory" }) { organisation { legalName } } }',
            {},
          ],
          [
            'mutation { inviteStaffUser(input: { email: "m@evil.example", name: "M", roles: [ADMIN] }) { staffUser { id } } }',
            {},
          ],
          ['query ($id: ID!) { customer(id: $id) { notes } }', { id: stack.accounts.demo.acmeId }],
        ] as const) {
          const response = await stack.query(query, { token, variables });
          expect(code(response)).toBe('FORBIDDEN');
          expect(response.body.data ?? null).toBeNull();
          expect(response.text).not.toContain('Prefers invoices');
        }
      }
      // The partner client made above is no change to business data.
      expect(await written()).toEqual(before);
    });

    it('invites a staff admin who signs in; the last active admin is kept, also when two admins demote each other at once', async () => {
      const staffMutation = (token: string, query: string, variables: Record<string, unknown>) =>
        stack.query(query, { token, variables });
      const invited = data<{ inviteStaffUser: { staffUser: { id: string; status: string } } }>(
        await staffMutation(
          admin,
          'mutation ($input: InviteStaffUserInput!) { inviteStaffUser(input: $input) { staffUser { id status } } }',
          { input: { email: 'second.admin@portico.example', name: 'Second', roles: ['ADMIN'] } },
        ),
      );
      expect(invited.inviteStaffUser.staffUser.status).toBe('INVITED');
      const token = await linkToken(
        stack.accounts.mailFolder,
        'second.admin@portico.example',
        '/staff/accept-invitation',
      );
      data(
        await stack.query(
          'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { accessToken } }',
          { variables: { input: { token, password: 'second admin passphrase' } } },
        ),
      );
      const second = await stack.signIn(
        'second.admin@portico.example',
        'second admin passphrase',
        'signInStaff',
      );
      const demoAdminId = stack.accounts.demo.admin.id;
      const secondId = invited.inviteStaffUser.staffUser.id;
      const demote = (by: string, id: string) =>
        staffMutation(
          by,
          'mutation ($id: ID!) { updateStaffUserRoles(input: { staffUserId: $id, roles: [ACCOUNTANT] }) { staffUser { id roles } } }',
          { id },
        );
      const [a, b] = await Promise.all([demote(admin, secondId), demote(second, demoAdminId)]);
      // One wins. The other is refused as the last admin, or (when the winner
      // committed first) because the demotion already ended its session.
      const refusals = [a, b]
        .filter((r) => r.body.errors)
        .map((r) => r.body.errors![0]!.extensions?.reason ?? r.body.errors![0]!.extensions?.code);
      expect([a, b].filter((r) => !r.body.errors)).toHaveLength(1);
      expect(refusals).toHaveLength(1);
      expect(['last-admin', 'UNAUTHENTICATED']).toContain(refusals[0]);
      const admins = await sql(
        'SELECT id FROM staff_users WHERE disabledAt IS NULL AND passwordHash IS NOT NULL AND roleList LIKE ?',
        ['%admin%'],
      );
      expect(admins).toHaveLength(1);
      // The remaining admin cannot demote or disable themself either.
      const remainingId = String(admins[0]!.id);
      const remaining = remainingId === demoAdminId ? admin : second;
      const before = await written();
      const self = await demote(remaining, remainingId);
      expect(self.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'roles',
        reason: 'last-admin',
      });
      const disable = await staffMutation(
        remaining,
        'mutation ($id: ID!) { disableStaffUser(input: { staffUserId: $id }) { staffUser { id } } }',
        { id: remainingId },
      );
      expect(disable.body.errors?.[0]?.extensions?.reason).toBe('last-admin');
      expect(await written()).toEqual(before);
      // The demoted admin's token stopped working: it carried the admin role.
      const demoted = remaining === admin ? second : admin;
      expect((await stack.query('{ viewer { kind } }', { token: demoted })).status).toBe(401);
      admin = remaining;
    });
  },
);
