import { testing, type Principal } from '@portico/kit';
import {
  contactPrincipal,
  staffPrincipal,
  startTestAccounts,
  type TestAccounts,
} from './accounts-harness';

const AUTHORS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Author { id kind name } } }`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'comment authors in accounts on %s',
  (_name, target) => {
    let accounts: TestAccounts;
    beforeAll(async () => {
      accounts = await startTestAccounts(target);
    });
    afterAll(() => accounts?.stop());

    const authors = async (principal: Principal | null, ids: string[]) => {
      const answer = await accounts.post(AUTHORS, {
        principal,
        variables: { reps: ids.map((id) => ({ __typename: 'Author', id })) },
      });
      return answer.body.data?._entities ?? answer.body.errors;
    };

    it("names a staff author for anyone signed in, and a contact only within the principal's scope", async () => {
      const { alice, lucia, admin } = accounts.demo;
      const ids = [`staff:${admin.id}`, `contact:${alice.id}`, `contact:${lucia.id}`];
      const staff = { id: ids[0], kind: 'STAFF', name: admin.name };
      const aliceAuthor = { id: ids[1], kind: 'CONTACT', name: alice.name };
      const luciaAuthor = { id: ids[2], kind: 'CONTACT', name: lucia.name };
      expect(await authors(contactPrincipal(alice), ids)).toEqual([staff, aliceAuthor, null]);
      expect(await authors(staffPrincipal(admin), ids)).toEqual([staff, aliceAuthor, luciaAuthor]);
      const partner = (scopes: string[]): Principal => ({
        kind: 'partner',
        clientId: 'partner-1',
        scopes,
        customerIds: [alice.customerId],
      });
      expect(await authors(partner(['messages:read', 'contacts:read']), ids)).toEqual([
        staff,
        aliceAuthor,
        null,
      ]);
      // A contact's name is personal data: without contacts:read, only the business's names.
      expect(await authors(partner(['messages:read']), ids)).toEqual([staff, null, null]);
      expect(await authors({ kind: 'anonymous' }, ids)).toEqual([null, null, null]);
    });

    it('gives a staff author a name and nothing else, and knows no other kind of id', async () => {
      const { alice, admin } = accounts.demo;
      const answer = await accounts.post(
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Author { id name } } }`,
        {
          principal: contactPrincipal(alice),
          variables: {
            reps: [
              { __typename: 'Author', id: `staff:${admin.id}` },
              { __typename: 'Author', id: admin.id },
              { __typename: 'Author', id: `partner:${admin.id}` },
              { __typename: 'Author', id: 'staff:00000000-0000-4000-8000-000000000000' },
            ],
          },
        },
      );
      expect(answer.body.data?._entities).toEqual([
        { id: `staff:${admin.id}`, name: admin.name },
        null,
        null,
        null,
      ]);
      expect(answer.text).not.toContain(admin.email);
    });
  },
);
