import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { encodeClaims, testing } from '@portico/kit';
import {
  contactPrincipal,
  staffPrincipal,
  startTestAccounts,
  TEST_CLAIMS_SECRET,
  type TestAccounts,
} from './accounts-harness';
import { Customer } from '../src/customer/customer.entity';

const CHECKED_IN_SDL = readFileSync(
  join(__dirname, '..', '..', '..', 'schema', 'subgraphs', 'accounts.graphql'),
  'utf8',
);

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'accounts subgraph on %s',
  (_name, target) => {
    let accounts: TestAccounts;
    beforeAll(async () => {
      accounts = await startTestAccounts(target);
    });
    afterAll(async () => {
      await accounts?.stop();
    });

    it('has an entity for every table the migrations create', async () => {
      const { dataSource } = accounts.running.db;
      const sql =
        dataSource.options.type === 'better-sqlite3'
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
          : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';
      const tables = ((await dataSource.query(sql)) as Array<{ name: string }>)
        .map((row) => row.name)
        .filter((name) => name !== 'schema_migrations')
        .sort();
      const entities = dataSource.entityMetadatas.map((m) => m.tableName).sort();
      expect(tables).toEqual(entities);
    });

    it('applies migrations that match the entities exactly', async () => {
      const pending = await accounts.running.db.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    describe('without valid gateway claims', () => {
      const attempts = {
        'no claims': () => ({ principal: null }),
        'claims signed with another secret': () => ({
          claims: encodeClaims(
            { kind: 'staff', staffUserId: 'x', roles: ['admin'] },
            'z'.repeat(48),
          ),
        }),
        'expired claims': () => ({
          claims: encodeClaims(
            { kind: 'staff', staffUserId: 'x', roles: ['admin'] },
            TEST_CLAIMS_SECRET,
            {
              now: Date.now() - 10 * 60_000,
            },
          ),
        }),
        'garbage claims': () => ({ claims: 'v1.e30.AAAA' }),
      } as const;

      it.each(Object.keys(attempts))(
        'returns no data to %s, _entities and _service included',
        async (kind) => {
          const options = attempts[kind as keyof typeof attempts]();
          const before = accounts.running.stats.executed;
          for (const query of [
            '{ _service { sdl } }',
            `{ _entities(representations: [{ __typename: "Customer", id: "${accounts.demo.acmeId}" }]) { ... on Customer { companyName } } }`,
            `{ customer(id: "${accounts.demo.acmeId}") { companyName } }`,
          ]) {
            const response = await accounts.post(query, options);
            expect(response.status).toBe(401);
            expect(response.body.data).toBeUndefined();
            expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
            expect(response.text).not.toContain('Acme');
          }
          expect(accounts.running.stats.executed).toBe(before);
        },
      );
    });

    it('answers _service with the checked-in SDL when the gateway asks', async () => {
      const response = await accounts.post('{ _service { sdl } }', {
        principal: { kind: 'anonymous' },
      });
      const sdl = (response.body.data as { _service: { sdl: string } })._service.sdl;
      // _service prints the whole subgraph schema (federation definitions
      // included); reduced to the subgraph's own SDL it is the checked-in file.
      const reduced = printSubgraphSchema(buildSubgraphSchema(parse(sdl)));
      expect(`${reduced.trim()}\n`).toBe(CHECKED_IN_SDL);
    });

    it('signs a contact in and tells the viewer who they are', async () => {
      const signIn = await accounts.post(
        'mutation ($input: SignInInput!) { signIn(input: $input) { tokenType accessToken viewer { kind contact { email } customer { id } } } }',
        { variables: { input: { email: ' Alice@Acme.example ', password: 'acme-demo-password' } } },
      );
      const payload = (signIn.body.data as { signIn: Record<string, unknown> }).signIn;
      expect(payload).toMatchObject({
        tokenType: 'Bearer',
        viewer: {
          kind: 'CONTACT',
          contact: { email: 'alice@acme.example' },
          customer: { id: accounts.demo.acmeId },
        },
      });
      expect(String(payload.accessToken).split('.')).toHaveLength(3);
    });

    it('gives one answer to a wrong password and an unknown email', async () => {
      const wrong = await accounts.post(
        'mutation { signIn(input: { email: "alice@acme.example", password: "nope-nope-nope" }) { accessToken } }',
      );
      const unknown = await accounts.post(
        'mutation { signIn(input: { email: "nobody@acme.example", password: "nope-nope-nope" }) { accessToken } }',
      );
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    });

    it("refuses sign-in when the customer's portal is disabled", async () => {
      const repo = accounts.running.db.manager.getRepository(Customer);
      await repo.update({ id: accounts.demo.globexId }, { portalEnabled: false });
      try {
        const response = await accounts.post(
          'mutation { signIn(input: { email: "lucia@globex.example", password: "globex-demo-password" }) { accessToken } }',
        );
        expect(response.body.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
      } finally {
        await repo.update({ id: accounts.demo.globexId }, { portalEnabled: true });
      }
    });

    it('keeps a staff-only field from a contact even without the gateway (second wall)', async () => {
      const response = await accounts.post('{ customers { nodes { id } } }', {
        principal: contactPrincipal(accounts.demo.alice),
      });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(response.body.data).toBeNull();
    });

    it('answers a contact asking for a foreign customer exactly like a missing one', async () => {
      const principal = contactPrincipal(accounts.demo.alice);
      const foreign = await accounts.post(
        `{ customer(id: "${accounts.demo.globexId}") { companyName } }`,
        { principal },
      );
      const missing = await accounts.post(
        '{ customer(id: "00000000-0000-0000-0000-000000000000") { companyName } }',
        { principal },
      );
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const own = await accounts.post(
        `{ customer(id: "${accounts.demo.acmeId}") { companyName } }`,
        { principal },
      );
      expect(own.body.data).toEqual({ customer: { companyName: 'Acme Supplies Ltd' } });
    });

    it("resolves entity references only within the principal's customers", async () => {
      const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id } ... on Contact { email } } }`;
      const variables = {
        reps: [
          { __typename: 'Customer', id: accounts.demo.acmeId },
          { __typename: 'Customer', id: accounts.demo.globexId },
          { __typename: 'Contact', id: accounts.demo.lucia.id },
        ],
      };
      const asAlice = await accounts.post(query, {
        principal: contactPrincipal(accounts.demo.alice),
        variables,
      });
      expect(asAlice.body.data).toEqual({ _entities: [{ id: accounts.demo.acmeId }, null, null] });
      const asStaff = await accounts.post(query, {
        principal: staffPrincipal(accounts.demo.admin),
        variables,
      });
      expect(asStaff.body.data).toEqual({
        _entities: [
          { id: accounts.demo.acmeId },
          { id: accounts.demo.globexId },
          { email: 'lucia@globex.example' },
        ],
      });
    });

    it('pages and searches customers for staff', async () => {
      const principal = staffPrincipal(accounts.demo.admin);
      const first = await accounts.post(
        '{ customers(first: 1) { nodes { companyName } pageInfo { endCursor hasNextPage } } }',
        { principal },
      );
      const page1 = (
        first.body.data as {
          customers: { nodes: unknown[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
        }
      ).customers;
      expect(page1.nodes).toEqual([{ companyName: 'Acme Supplies Ltd' }]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const second = await accounts.post(
        'query ($after: String) { customers(first: 1, after: $after) { nodes { companyName } pageInfo { hasNextPage } } }',
        {
          principal,
          variables: { after: page1.pageInfo.endCursor },
        },
      );
      expect(second.body.data).toEqual({
        customers: {
          nodes: [{ companyName: 'Globex Ibérica S.L.' }],
          pageInfo: { hasNextPage: false },
        },
      });
      const search = await accounts.post(
        '{ customers(search: "GLOBEX") { nodes { companyName } } }',
        { principal },
      );
      expect(search.body.data).toEqual({
        customers: { nodes: [{ companyName: 'Globex Ibérica S.L.' }] },
      });
      const wildcard = await accounts.post('{ customers(search: "%") { nodes { companyName } } }', {
        principal,
      });
      expect(wildcard.body.data).toEqual({ customers: { nodes: [] } });
    });

    it('refuses an oversized page or a forged cursor with a coded error', async () => {
      const principal = staffPrincipal(accounts.demo.admin);
      const big = await accounts.post('{ customers(first: 500) { nodes { id } } }', { principal });
      expect(big.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
      const cursor = await accounts.post('{ customers(after: "not-a-cursor") { nodes { id } } }', {
        principal,
      });
      expect(cursor.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
    });

    it('loads a list of customers with their contacts in a fixed number of statements', async () => {
      const principal = staffPrincipal(accounts.demo.admin);
      accounts.queries.length = 0;
      await accounts.post('{ customers { nodes { id contacts { email customer { id } } } } }', {
        principal,
      });
      // The events machinery (the outbox sequencer's poll, feed heads, consumers'
      // cursors) runs on its own timers and is not the list's cost.
      const selects = accounts.queries.filter(
        (q) => /^\s*SELECT/i.test(q) && !/\bevent_\w+/.test(q),
      );
      // one page query + one batched contacts query; customer { id } is primed from the page
      expect(selects).toHaveLength(2);
    });
  },
);
