import { encodeClaims, EVENTS_FEED_PATH, testing, type Principal } from '@portico/kit';
import {
  contactPrincipal,
  staffPrincipal,
  startTestAccounts,
  TEST_CLAIMS_SECRET,
  type TestAccounts,
} from './accounts-harness';
import { Contact } from '../src/contact/contact.entity';

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const NEW_CUSTOMER = {
  companyName: 'Initech Iberia S.A.',
  displayName: 'Initech',
  email: 'Billing@Initech.example',
  billingAddress: {
    line1: 'Avenida Diagonal 1',
    line2: null,
    city: 'Barcelona',
    region: 'Cataluña',
    postalCode: '08019',
    country: 'es',
  },
  taxId: 'esa12345678',
  locale: 'es-es',
  currency: 'eur',
  notes: 'Net 45 agreed by phone.',
};

const CUSTOMER_FIELDS =
  'id companyName displayName email taxId locale currency archived archivedAt billingAddress { line1 line2 city region postalCode country }';

interface OutboxRowJson {
  type: string;
  aggregateType: string;
  aggregateId: string;
  customerId: string | null;
  schemaVersion: number;
  payload: string;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'business data staff manage, on %s',
  (_name, target) => {
    let accounts: TestAccounts;
    let admin: Principal;
    beforeAll(async () => {
      accounts = await startTestAccounts(target);
      admin = staffPrincipal(accounts.demo.admin);
    });
    afterAll(async () => {
      await accounts?.stop();
    });

    const sql = (query: string, params: unknown[] = []) =>
      accounts.running.db.dataSource.query(query, params) as Promise<
        Array<Record<string, unknown>>
      >;
    const count = async (table: string) =>
      Number((await sql(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    const written = async () => ({
      customers: await count('customers'),
      contacts: await count('contacts'),
      organisation: JSON.stringify(await sql('SELECT * FROM organisation_profile')),
      audit: await count('audit_entries'),
      events: await count('event_outbox'),
    });
    const events = async () =>
      (await sql('SELECT * FROM event_outbox ORDER BY serial')) as unknown as OutboxRowJson[];
    const lastEvent = async () => (await events()).at(-1)!;
    const code = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions?.code;
    const field = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions?.field;

    const createCustomer = (input: Record<string, unknown>, principal: Principal = admin) =>
      accounts.post(
        `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} notes } } }`,
        { principal, variables: { input } },
      );
    const updateCustomer = (input: Record<string, unknown>, principal: Principal = admin) =>
      accounts.post(
        `mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} notes } } }`,
        { principal, variables: { input } },
      );
    const customerOf = (r: testing.GraphQLResponse, key: string) =>
      (r.body.data as Record<string, { customer: Record<string, unknown> }>)[key]!.customer;

    it('seeds the organisation profile and the demo customers with their events', async () => {
      const seeded = await events();
      expect(seeded.map((e) => [e.type, e.aggregateId])).toEqual([
        ['organisation.updated', 'default'],
        ['customer.created', accounts.demo.acmeId],
        ['customer.created', accounts.demo.globexId],
      ]);
      expect(seeded[0]!.customerId).toBeNull();
      expect(JSON.parse(seeded[1]!.payload)).toMatchObject({
        id: accounts.demo.acmeId,
        companyName: 'Acme Supplies Ltd',
        taxId: 'GB987654321',
        archived: false,
      });
      expect(seeded[1]!.payload).not.toContain('Prefers invoices');
    });

    it('creates a customer with its audit entry and customer.created event in one go', async () => {
      const before = await written();
      const response = await createCustomer(NEW_CUSTOMER);
      expect(response.body.errors).toBeUndefined();
      const customer = customerOf(response, 'createCustomer');
      expect(customer).toMatchObject({
        companyName: 'Initech Iberia S.A.',
        email: 'billing@initech.example',
        taxId: 'ESA12345678',
        locale: 'es-ES',
        currency: 'EUR',
        archived: false,
        archivedAt: null,
        notes: 'Net 45 agreed by phone.',
        billingAddress: { country: 'ES', line2: null, region: 'Cataluña' },
      });
      const after = await written();
      expect(after.customers).toBe(before.customers + 1);
      expect(after.audit).toBe(before.audit + 1);
      expect(after.events).toBe(before.events + 1);
      const event = await lastEvent();
      expect(event).toMatchObject({
        type: 'customer.created',
        aggregateType: 'customer',
        aggregateId: customer.id,
        customerId: customer.id,
      });
      expect(Number(event.schemaVersion)).toBe(1);
      const payload = JSON.parse(event.payload) as Record<string, unknown>;
      expect(payload).toEqual({
        id: customer.id,
        companyName: 'Initech Iberia S.A.',
        displayName: 'Initech',
        email: 'billing@initech.example',
        billingAddress: {
          line1: 'Avenida Diagonal 1',
          line2: null,
          city: 'Barcelona',
          region: 'Cataluña',
          postalCode: '08019',
          country: 'ES',
        },
        taxId: 'ESA12345678',
        locale: 'es-ES',
        currency: 'EUR',
        archived: false,
        archivedAt: null,
      });
      const [entry] = await sql(
        "SELECT * FROM audit_entries WHERE entityType = 'customer' AND entityId = ?",
        [customer.id],
      );
      expect(entry).toMatchObject({
        actorKind: 'staff',
        actorId: accounts.demo.admin.id,
        action: 'customer.create',
      });
    });

    it.each([
      ['companyName', { companyName: '   ' }],
      ['email', { email: 'not-an-email' }],
      [
        'billingAddress.country',
        { billingAddress: { ...NEW_CUSTOMER.billingAddress, country: 'QQ' } },
      ],
      [
        'billingAddress.postalCode',
        { billingAddress: { ...NEW_CUSTOMER.billingAddress, postalCode: '' } },
      ],
      ['currency', { currency: 'XYZ' }],
      ['locale', { locale: 'not a locale!' }],
      ['taxId', { taxId: 'ES<script>' }],
      ['notes', { notes: 'x'.repeat(10_001) }],
    ])('refuses a customer with a bad %s, naming it and writing nothing', async (name, patch) => {
      const before = await written();
      const response = await createCustomer({ ...NEW_CUSTOMER, ...patch });
      expect(code(response)).toBe('BAD_USER_INPUT');
      expect(field(response)).toBe(name);
      expect(await written()).toEqual(before);
    });

    it('updates only what was sent, records the changed fields, and publishes customer.updated', async () => {
      const created = customerOf(
        await createCustomer({ ...NEW_CUSTOMER, email: 'update@initech.example' }),
        'createCustomer',
      );
      const before = await written();
      const response = await updateCustomer({
        id: created.id,
        billingAddress: { ...NEW_CUSTOMER.billingAddress, line1: 'Carrer de Mallorca 2' },
        taxId: null,
      });
      expect(response.body.errors).toBeUndefined();
      expect(customerOf(response, 'updateCustomer')).toMatchObject({
        companyName: 'Initech Iberia S.A.',
        taxId: null,
        notes: 'Net 45 agreed by phone.',
        billingAddress: { line1: 'Carrer de Mallorca 2' },
      });
      const after = await written();
      expect(after.audit).toBe(before.audit + 1);
      expect(after.events).toBe(before.events + 1);
      const event = await lastEvent();
      expect(event.type).toBe('customer.updated');
      expect(JSON.parse(event.payload)).toMatchObject({
        id: created.id,
        taxId: null,
        billingAddress: { line1: 'Carrer de Mallorca 2' },
      });
      const log = await accounts.post(
        'query ($id: ID) { auditLog(entityType: "customer", entityId: $id, first: 1) { nodes { action actorKind actorId changes { field from to } } } }',
        { principal: admin, variables: { id: created.id } },
      );
      const [entry] = (
        log.body.data as {
          auditLog: { nodes: Array<{ action: string; changes: Array<{ field: string }> }> };
        }
      ).auditLog.nodes;
      expect(entry).toMatchObject({ action: 'customer.update', actorKind: 'staff' });
      expect(entry!.changes.map((c) => c.field).sort()).toEqual(['billingAddress', 'taxId']);

      // The same values again change nothing: no audit entry, no event.
      const same = await written();
      await updateCustomer({ id: created.id, companyName: 'Initech Iberia S.A.' });
      expect(await written()).toEqual(same);

      // A bad field in an update writes nothing, the good ones included.
      const bad = await updateCustomer({
        id: created.id,
        companyName: 'Renamed',
        currency: 'EURO',
      });
      expect(code(bad)).toBe('BAD_USER_INPUT');
      expect(field(bad)).toBe('currency');
      expect(await written()).toEqual(same);
      const missing = await updateCustomer({
        id: '00000000-0000-4000-8000-000000000000',
        companyName: 'x',
      });
      expect(code(missing)).toBe('NOT_FOUND');
      expect(await written()).toEqual(same);
    });

    it('archives and unarchives a customer, filters lists by status and searches by tax id and email', async () => {
      const created = customerOf(
        await createCustomer({
          ...NEW_CUSTOMER,
          companyName: 'Zeta Archivable SL',
          email: 'zeta@archivable.example',
          taxId: 'ESB99887766',
        }),
        'createCustomer',
      );
      const archive = await accounts.post(
        'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { archived archivedAt } } }',
        { principal: admin, variables: { id: created.id } },
      );
      expect(customerOf(archive, 'archiveCustomer').archived).toBe(true);
      const archivedEvent = await lastEvent();
      expect(archivedEvent.type).toBe('customer.archived');
      expect(JSON.parse(archivedEvent.payload)).toMatchObject({ archived: true });
      expect(JSON.parse(archivedEvent.payload).archivedAt).toEqual(
        customerOf(archive, 'archiveCustomer').archivedAt,
      );
      const reread = await accounts.post('query ($id: ID!) { customer(id: $id) { archivedAt } }', {
        principal: admin,
        variables: { id: created.id },
      });
      expect((reread.body.data as { customer: { archivedAt: string } }).customer.archivedAt).toBe(
        JSON.parse(archivedEvent.payload).archivedAt,
      );
      // Archiving twice changes nothing.
      const before = await written();
      await accounts.post(
        'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { id } } }',
        {
          principal: admin,
          variables: { id: created.id },
        },
      );
      expect(await written()).toEqual(before);

      const list = async (args: string) => {
        const r = await accounts.post(`{ customers(first: 100${args}) { nodes { id } } }`, {
          principal: admin,
        });
        return (r.body.data as { customers: { nodes: Array<{ id: string }> } }).customers.nodes.map(
          (n) => n.id,
        );
      };
      expect(await list('')).not.toContain(created.id);
      expect(await list(', status: ARCHIVED')).toEqual([created.id]);
      expect(await list(', status: ALL')).toContain(created.id);
      expect(await list(', status: ALL, search: "b99887"')).toEqual([created.id]);
      expect(await list(', status: ALL, search: "ZETA@archivable"')).toEqual([created.id]);
      expect(await list(', search: "gb987654321"')).toEqual([accounts.demo.acmeId]);

      const unarchive = await accounts.post(
        'mutation ($id: ID!) { unarchiveCustomer(input: { id: $id }) { customer { archived archivedAt } } }',
        { principal: admin, variables: { id: created.id } },
      );
      expect(customerOf(unarchive, 'unarchiveCustomer')).toEqual({
        archived: false,
        archivedAt: null,
      });
      expect((await lastEvent()).type).toBe('customer.updated');
      expect(await list('')).toContain(created.id);
    });

    it("lets an archived customer's contacts sign in and read their customer", async () => {
      await accounts.post(
        'mutation ($id: ID!) { archiveCustomer(input: { id: $id }) { customer { id } } }',
        {
          principal: admin,
          variables: { id: accounts.demo.globexId },
        },
      );
      try {
        const signIn = await accounts.post(
          'mutation { signIn(input: { email: "lucia@globex.example", password: "globex-demo-password" }) { viewer { customer { archived } } } }',
        );
        expect(signIn.body.data).toEqual({ signIn: { viewer: { customer: { archived: true } } } });
      } finally {
        await accounts.post(
          'mutation ($id: ID!) { unarchiveCustomer(input: { id: $id }) { customer { id } } }',
          { principal: admin, variables: { id: accounts.demo.globexId } },
        );
      }
    });

    it('keeps notes and the staff mutations from contacts, partners and the wrong staff roles', async () => {
      const partner: Principal = {
        kind: 'partner',
        clientId: 'p1',
        scopes: ['customers:read'],
        customerIds: null,
      };
      for (const principal of [contactPrincipal(accounts.demo.alice), partner]) {
        const notes = await accounts.post(
          `{ customer(id: "${accounts.demo.acmeId}") { id notes } }`,
          {
            principal,
          },
        );
        expect(code(notes)).toBe('FORBIDDEN');
        expect(notes.text).not.toContain('Prefers invoices');
      }
      const before = await written();
      const support: Principal = { kind: 'staff', staffUserId: 's1', roles: ['support'] };
      for (const principal of [contactPrincipal(accounts.demo.alice), partner, support]) {
        expect(code(await createCustomer(NEW_CUSTOMER, principal))).toBe('FORBIDDEN');
        expect(
          code(await updateCustomer({ id: accounts.demo.acmeId, notes: 'owned' }, principal)),
        ).toBe('FORBIDDEN');
      }
      expect(await written()).toEqual(before);
      const sales: Principal = { kind: 'staff', staffUserId: 's2', roles: ['sales'] };
      const bySales = await createCustomer({ ...NEW_CUSTOMER, companyName: 'Sold Ltd' }, sales);
      expect(bySales.body.errors).toBeUndefined();
      const staffRead = await accounts.post(
        `{ customer(id: "${accounts.demo.acmeId}") { notes } }`,
        {
          principal: sales,
        },
      );
      expect(staffRead.body.data).toEqual({
        customer: { notes: 'Prefers invoices at the start of the month.' },
      });
    });

    describe('organisation profile', () => {
      const update = (input: Record<string, unknown>, principal: Principal = admin) =>
        accounts.post(
          'mutation ($input: UpdateOrganisationProfileInput!) { updateOrganisationProfile(input: $input) { organisation { legalName tradingName taxId address { city country } logoUrl logoSha256 defaultCurrency defaultLocale portalUrl supportEmail } } }',
          { principal, variables: { input } },
        );

      it('lets anyone signed in read the issuer details, and only staff the rest', async () => {
        const contact = await accounts.post(
          '{ organisation { legalName tradingName taxId supportEmail address { line1 city postalCode country } } }',
          { principal: contactPrincipal(accounts.demo.alice) },
        );
        expect(contact.body.data).toEqual({
          organisation: {
            legalName: 'Northwind Components Ltd',
            tradingName: 'Northwind',
            taxId: 'GB123456789',
            supportEmail: 'support@northwind.example',
            address: {
              line1: '1 Market Square',
              city: 'Cambridge',
              postalCode: 'CB2 3QJ',
              country: 'GB',
            },
          },
        });
        const contactUpdatedAt = await accounts.post('{ organisation { updatedAt } }', {
          principal: contactPrincipal(accounts.demo.alice),
        });
        expect(code(contactUpdatedAt)).toBe('FORBIDDEN');
        const staff = await accounts.post('{ organisation { updatedAt } }', { principal: admin });
        expect(staff.body.errors).toBeUndefined();
        const anonymous = await accounts.post('{ organisation { legalName } }');
        expect(code(anonymous)).toBe('UNAUTHENTICATED');
      });

      it('changes the profile with a logo checked by its bytes, audited, with organisation.updated', async () => {
        const before = await written();
        const response = await update({
          tradingName: 'Northwind Parts',
          defaultCurrency: 'eur',
          logoBase64: PNG_1X1.toString('base64'),
        });
        expect(response.body.errors).toBeUndefined();
        const organisation = (
          response.body.data as {
            updateOrganisationProfile: { organisation: Record<string, string> };
          }
        ).updateOrganisationProfile.organisation;
        expect(organisation).toMatchObject({
          legalName: 'Northwind Components Ltd',
          tradingName: 'Northwind Parts',
          defaultCurrency: 'EUR',
          logoUrl: `data:image/png;base64,${PNG_1X1.toString('base64')}`,
        });
        expect(organisation.logoSha256).toMatch(/^[0-9a-f]{64}$/);
        const after = await written();
        expect(after.audit).toBe(before.audit + 1);
        expect(after.events).toBe(before.events + 1);
        const event = await lastEvent();
        expect(event).toMatchObject({
          type: 'organisation.updated',
          aggregateType: 'organisation',
          customerId: null,
        });
        expect(JSON.parse(event.payload)).toMatchObject({
          legalName: 'Northwind Components Ltd',
          tradingName: 'Northwind Parts',
          defaultCurrency: 'EUR',
          logoSha256: organisation.logoSha256,
          address: { city: 'Cambridge' },
        });
        expect(event.payload).not.toContain(PNG_1X1.toString('base64'));
      });

      it.each([
        ['a GIF', GIF_1X1.toString('base64')],
        ['bytes that are no image', Buffer.from('hello, world, not a png').toString('base64')],
        ['text that is not base64', 'not base64 at all!'],
        [
          'a PNG over the size limit',
          Buffer.concat([PNG_1X1, Buffer.alloc(61 * 1024)]).toString('base64'),
        ],
      ])('refuses %s as the logo and writes nothing', async (_what, logoBase64) => {
        const before = await written();
        const response = await update({ tradingName: 'Changed', logoBase64 });
        expect(code(response)).toBe('BAD_USER_INPUT');
        expect(field(response)).toBe('logoBase64');
        expect(await written()).toEqual(before);
      });

      it.each([
        ['legalName', { legalName: '' }],
        ['supportEmail', { supportEmail: 'nope' }],
        ['defaultCurrency', { defaultCurrency: 'EURO' }],
        ['defaultLocale', { defaultLocale: '' }],
        ['portalUrl', { portalUrl: 'ftp://portal.example' }],
        ['address.country', { address: { line1: 'x', city: 'y', postalCode: 'z', country: 'QQ' } }],
      ])('refuses a bad %s and writes nothing', async (name, input) => {
        const before = await written();
        const response = await update(input);
        expect(code(response)).toBe('BAD_USER_INPUT');
        expect(field(response)).toBe(name);
        expect(await written()).toEqual(before);
      });

      it('creates the first profile once when two admins save it at once; it needs every required field', async () => {
        await sql('DELETE FROM organisation_profile');
        const first = {
          legalName: 'Fresh Start Ltd',
          address: { line1: '2 New Street', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
          supportEmail: 'help@fresh.example',
          defaultCurrency: 'GBP',
          defaultLocale: 'en-GB',
          portalUrl: 'https://portal.fresh.example',
        };
        const before = await written();
        const partial = await update({ legalName: 'Fresh Start Ltd' });
        expect(code(partial)).toBe('BAD_USER_INPUT');
        expect(field(partial)).toBe('address');
        expect(await written()).toEqual(before);
        const answers = await Promise.all(
          ['Fresh', 'Fresher', 'Freshest', 'Fresh Too'].map((tradingName) =>
            update({ ...first, tradingName }),
          ),
        );
        expect(answers.map((a) => a.body.errors)).toEqual([
          undefined,
          undefined,
          undefined,
          undefined,
        ]);
        const rows = await sql('SELECT tradingName FROM organisation_profile');
        expect(rows).toHaveLength(1);
        const actions = await sql(
          "SELECT action FROM audit_entries WHERE entityType = 'organisation' ORDER BY occurredAt DESC LIMIT 4",
        );
        expect(actions.map((a) => a.action).sort()).toEqual([
          'organisation.create',
          'organisation.update',
          'organisation.update',
          'organisation.update',
        ]);
        const last = await lastEvent();
        expect(last.type).toBe('organisation.updated');
        expect(JSON.parse(last.payload).tradingName).toBe(rows[0]!.tradingName);
      });

      it('lets only admins change it', async () => {
        const before = await written();
        for (const principal of [
          contactPrincipal(accounts.demo.alice),
          { kind: 'staff', staffUserId: 's', roles: ['accountant'] } as Principal,
        ]) {
          expect(code(await update({ legalName: 'Taken Over Ltd' }, principal))).toBe('FORBIDDEN');
        }
        expect(await written()).toEqual(before);
      });
    });

    describe('contacts of a customer', () => {
      const addContact = (input: Record<string, unknown>, principal: Principal = admin) =>
        accounts.post(
          'mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id name email portalAccess removedAt customerId } } }',
          { principal, variables: { input } },
        );

      it('adds, updates and removes a contact; removal ends its sessions through the revocation log', async () => {
        const added = await addContact({
          customerId: accounts.demo.acmeId,
          name: 'Carol Chen',
          email: 'Carol@Acme.example',
        });
        expect(added.body.errors).toBeUndefined();
        const contact = (added.body.data as { addContact: { contact: Record<string, string> } })
          .addContact.contact;
        expect(contact).toMatchObject({
          email: 'carol@acme.example',
          portalAccess: false,
          removedAt: null,
        });
        const updated = await accounts.post(
          'mutation ($input: UpdateContactInput!) { updateContact(input: $input) { contact { name email } } }',
          {
            principal: admin,
            variables: { input: { contactId: contact.id, name: 'Carol Chen-Archer' } },
          },
        );
        expect(updated.body.data).toEqual({
          updateContact: { contact: { name: 'Carol Chen-Archer', email: 'carol@acme.example' } },
        });
        // Give the contact a password and a live session, then remove it.
        await accounts.running.db.manager
          .getRepository(Contact)
          .update(
            { id: contact.id },
            { portalAccess: true, passwordHash: accounts.demo.alice.passwordHash },
          );
        const signIn = await accounts.post(
          'mutation { signIn(input: { email: "carol@acme.example", password: "acme-demo-password" }) { accessToken } }',
        );
        expect(signIn.body.errors).toBeUndefined();
        const subject = { kind: 'contact' as const, id: contact.id };
        expect(await accounts.running.services.sessions.listActive(subject)).toHaveLength(1);
        const removed = await accounts.post(
          'mutation ($id: ID!) { removeContact(input: { contactId: $id }) { contact { removedAt portalAccess } } }',
          { principal: admin, variables: { id: contact.id } },
        );
        expect(removed.body.errors).toBeUndefined();
        expect(await accounts.running.services.sessions.listActive(subject)).toHaveLength(0);
        expect(
          await sql('SELECT subject FROM revocations WHERE subject = ?', [`contact:${contact.id}`]),
        ).toHaveLength(1);
        const again = await accounts.post(
          'mutation { signIn(input: { email: "carol@acme.example", password: "acme-demo-password" }) { accessToken } }',
        );
        expect(code(again)).toBe('INVALID_CREDENTIALS');
        const listed = await accounts.post(
          `{ customer(id: "${accounts.demo.acmeId}") { contacts { email } } }`,
          { principal: contactPrincipal(accounts.demo.alice) },
        );
        expect(listed.text).not.toContain('carol@acme.example');
        const actions = await sql(
          "SELECT action FROM audit_entries WHERE entityType = 'contact' AND entityId = ? ORDER BY occurredAt",
          [contact.id],
        );
        expect(actions.map((a) => a.action)).toEqual([
          'contact.add',
          'contact.update',
          'contact.remove',
        ]);
        // Re-adding the email to the same customer brings the contact back.
        const back = await addContact({
          customerId: accounts.demo.acmeId,
          name: 'Carol Chen',
          email: 'carol@acme.example',
        });
        expect(
          (back.body.data as { addContact: { contact: { id: string } } }).addContact.contact.id,
        ).toBe(contact.id);
      });

      it.each([
        ['name', { name: '' }],
        ['email', { email: 'carol' }],
        ['email', { email: 'lucia@globex.example' }],
        ['customerId', { customerId: '00000000-0000-4000-8000-000000000000' }],
      ])('refuses a contact with a bad %s and writes nothing', async (name, patch) => {
        const before = await written();
        const response = await addContact({
          customerId: accounts.demo.acmeId,
          name: 'Dave',
          email: 'dave@acme.example',
          ...patch,
        });
        expect(code(response)).toBe('BAD_USER_INPUT');
        expect(field(response)).toBe(name);
        expect(await written()).toEqual(before);
      });

      it('adds one contact when two staff add the same email at once', async () => {
        for (let round = 0; round < 3; round += 1) {
          const email = `twin${round}@acme.example`;
          const answers = await Promise.all([
            addContact({ customerId: accounts.demo.acmeId, name: 'Twin A', email }),
            addContact({ customerId: accounts.demo.acmeId, name: 'Twin B', email }),
          ]);
          const refused = answers.filter((a) => a.body.errors);
          expect(refused).toHaveLength(1);
          expect(refused[0]!.body.errors?.[0]?.extensions).toEqual({
            code: 'BAD_USER_INPUT',
            field: 'email',
          });
          expect(await sql('SELECT id FROM contacts WHERE email = ?', [email])).toHaveLength(1);
        }
      });

      it('records who invited, revoked and disabled a contact in the audit log', async () => {
        const added = await addContact({
          customerId: accounts.demo.globexId,
          name: 'Elena Ortiz',
          email: 'elena@globex.example',
        });
        const id = (added.body.data as { addContact: { contact: { id: string } } }).addContact
          .contact.id;
        for (const mutation of ['reinviteContact', 'revokePortalAccess', 'disableContact']) {
          const response = await accounts.post(
            `mutation ($id: ID!) { ${mutation}(input: { contactId: $id }) { contact { id } } }`,
            { principal: admin, variables: { id } },
          );
          expect(response.body.errors).toBeUndefined();
        }
        const entries = await sql(
          "SELECT action, actorKind, actorId, changes FROM audit_entries WHERE entityType = 'contact' AND entityId = ? ORDER BY occurredAt, action",
          [id],
        );
        expect(entries.map((e) => [e.action, e.actorKind, e.actorId])).toEqual([
          ['contact.add', 'staff', accounts.demo.admin.id],
          ['contact.invite', 'staff', accounts.demo.admin.id],
          ['contact.revokePortalAccess', 'staff', accounts.demo.admin.id],
          ['contact.disable', 'staff', accounts.demo.admin.id],
        ]);
        expect(Object.keys(JSON.parse(String(entries[3]!.changes)))).toEqual(['disabledAt']);
      });

      it('keeps the contact mutations from contacts and partners', async () => {
        const before = await written();
        const partner: Principal = {
          kind: 'partner',
          clientId: 'p1',
          scopes: ['customers:read'],
          customerIds: null,
        };
        for (const principal of [contactPrincipal(accounts.demo.alice), partner]) {
          expect(
            code(
              await addContact(
                { customerId: accounts.demo.acmeId, name: 'M', email: 'm@evil.example' },
                principal,
              ),
            ),
          ).toBe('FORBIDDEN');
          const remove = await accounts.post(
            'mutation ($id: ID!) { removeContact(input: { contactId: $id }) { contact { id } } }',
            { principal, variables: { id: accounts.demo.lucia.id } },
          );
          expect(code(remove)).toBe('FORBIDDEN');
        }
        expect(await written()).toEqual(before);
      });
    });

    it('pages the audit log for admins only', async () => {
      const page = async (after: string | null) => {
        const r = await accounts.post(
          'query ($after: String) { auditLog(first: 2, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }',
          { principal: admin, variables: { after } },
        );
        return (
          r.body.data as {
            auditLog: {
              nodes: Array<{ id: string }>;
              pageInfo: { endCursor: string; hasNextPage: boolean };
            };
          }
        ).auditLog;
      };
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const p = await page(after);
        seen.push(...p.nodes.map((n) => n.id));
        if (!p.pageInfo.hasNextPage) break;
        after = p.pageInfo.endCursor;
      }
      expect(seen.length).toBe(await count('audit_entries'));
      expect(new Set(seen).size).toBe(seen.length);
      const accountant = await accounts.post('{ auditLog { nodes { id } } }', {
        principal: { kind: 'staff', staffUserId: 's', roles: ['accountant'] },
      });
      expect(code(accountant)).toBe('FORBIDDEN');
    });

    it('serves the outbox on the internal event feed to gateway-signed callers only', async () => {
      const url = accounts.running.url.replace(/\/graphql$/, EVENTS_FEED_PATH);
      const post = (headers: Record<string, string>) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ consumer: 'test-reader', after: 0, waitMs: 2_000 }),
        });
      expect((await post({})).status).toBe(401);
      const response = await post({
        'x-portico-claims': encodeClaims({ kind: 'anonymous' }, TEST_CLAIMS_SECRET),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        producer: string;
        events: Array<{ type: string; position: number; aggregateId: string }>;
      };
      expect(body.producer).toBe('accounts');
      expect(body.events.slice(0, 3).map((e) => [e.type, e.position])).toEqual([
        ['organisation.updated', 1],
        ['customer.created', 2],
        ['customer.created', 3],
      ]);
    });
  },
);
