import { testing, type Principal } from '@portico/kit';
import { StaffUser } from '../src/staff/staff-user.entity';
import { linkToken } from './mail-folder';
import { staffPrincipal, startTestAccounts, type TestAccounts } from './accounts-harness';

function invitationTokenFor(folder: string, address: string): Promise<string | null> {
  return linkToken(folder, address, 'staff/accept-invitation');
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'staff users on %s',
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

    const code = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions?.code;
    const ext = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions ?? {};
    const sql = (query: string, params: unknown[] = []) =>
      accounts.running.db.dataSource.query(query, params) as Promise<
        Array<Record<string, unknown>>
      >;
    const staffRows = async () =>
      JSON.stringify(await sql('SELECT * FROM staff_users ORDER BY id'));
    const auditCount = async () =>
      Number((await sql('SELECT COUNT(*) AS n FROM audit_entries'))[0]!.n);

    const invite = (input: Record<string, unknown>, principal: Principal = admin) =>
      accounts.post(
        'mutation ($input: InviteStaffUserInput!) { inviteStaffUser(input: $input) { staffUser { id email roles status } } }',
        { principal, variables: { input } },
      );
    const setRoles = (staffUserId: string, roles: string[], principal: Principal = admin) =>
      accounts.post(
        'mutation ($input: UpdateStaffUserRolesInput!) { updateStaffUserRoles(input: $input) { staffUser { id roles } } }',
        { principal, variables: { input: { staffUserId, roles } } },
      );
    const disable = (staffUserId: string, principal: Principal = admin) =>
      accounts.post(
        'mutation ($id: ID!) { disableStaffUser(input: { staffUserId: $id }) { staffUser { id status disabledAt } } }',
        { principal, variables: { id: staffUserId } },
      );
    const signInStaff = (email: string, password: string) =>
      accounts.post(
        'mutation ($input: SignInInput!) { signInStaff(input: $input) { accessToken viewer { staffUser { email roles } } } }',
        { variables: { input: { email, password } } },
      );

    /** Invites a staff user and accepts for them; returns the user's id. */
    async function activeStaff(email: string, roles: string[]): Promise<string> {
      const invited = await invite({ email, name: email.split('@')[0], roles });
      if (invited.body.errors) throw new Error(invited.text);
      const id = (invited.body.data as { inviteStaffUser: { staffUser: { id: string } } })
        .inviteStaffUser.staffUser.id;
      const token = await invitationTokenFor(accounts.mailFolder, email);
      const accepted = await accounts.post(
        'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'a long staff passphrase' } } },
      );
      if (accepted.body.errors) throw new Error(accepted.text);
      return id;
    }

    it('invites a staff user, who accepts the invitation, sets a password and signs in', async () => {
      const invited = await invite({
        email: 'Nina@Portico.example',
        name: 'Nina Novak',
        roles: ['ACCOUNTANT', 'SALES'],
      });
      expect(invited.body.errors).toBeUndefined();
      expect(
        (invited.body.data as { inviteStaffUser: { staffUser: unknown } }).inviteStaffUser
          .staffUser,
      ).toMatchObject({
        email: 'nina@portico.example',
        roles: ['ACCOUNTANT', 'SALES'],
        status: 'INVITED',
      });
      // Not signed in before accepting, whatever the password.
      expect(code(await signInStaff('nina@portico.example', ''))).toBe('INVALID_CREDENTIALS');
      const token = await invitationTokenFor(accounts.mailFolder, 'nina@portico.example');
      expect(token).toMatch(/^inv_/);
      const weak = await accounts.post(
        'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'password' } } },
      );
      expect(code(weak)).toBe('BAD_USER_INPUT');
      expect(ext(weak).field).toBe('password');
      const accepted = await accounts.post(
        'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { accessToken viewer { kind staffUser { email status } } } }',
        { variables: { input: { token, password: 'nina has a long passphrase' } } },
      );
      expect(accepted.body.errors).toBeUndefined();
      expect(
        (accepted.body.data as { acceptStaffInvitation: { viewer: unknown } }).acceptStaffInvitation
          .viewer,
      ).toEqual({ kind: 'STAFF', staffUser: { email: 'nina@portico.example', status: 'ACTIVE' } });
      const reused = await accounts.post(
        'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'another long passphrase' } } },
      );
      expect(ext(reused).reason).toBe('invalid-token');
      const signIn = await signInStaff('nina@portico.example', 'nina has a long passphrase');
      expect(signIn.body.data).toEqual({
        signInStaff: {
          accessToken: expect.any(String),
          viewer: { staffUser: { email: 'nina@portico.example', roles: ['ACCOUNTANT', 'SALES'] } },
        },
      });
      // A staff invitation does not open a contact account, nor the other way round.
      const asContact = await accounts.post(
        'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
        { variables: { input: { token, password: 'nina has a long passphrase' } } },
      );
      expect(code(asContact)).toBe('BAD_USER_INPUT');
    });

    it('invites again someone who has not accepted: a new link with the new roles, the old link dead', async () => {
      await invite({ email: 'sam@portico.example', name: 'Sam', roles: ['SALES'] });
      const first = await invitationTokenFor(accounts.mailFolder, 'sam@portico.example');
      const again = await invite({
        email: 'sam@portico.example',
        name: 'Sam Stone',
        roles: ['SUPPORT'],
      });
      expect(
        (again.body.data as { inviteStaffUser: { staffUser: unknown } }).inviteStaffUser.staffUser,
      ).toMatchObject({ roles: ['SUPPORT'], status: 'INVITED' });
      const second = await invitationTokenFor(accounts.mailFolder, 'sam@portico.example');
      expect(second).not.toBe(first);
      const accept = (token: string | null) =>
        accounts.post(
          'mutation ($input: AcceptStaffInvitationInput!) { acceptStaffInvitation(input: $input) { viewer { staffUser { name roles } } } }',
          { variables: { input: { token, password: 'sam has a long passphrase' } } },
        );
      expect(ext(await accept(first)).reason).toBe('invalid-token');
      expect((await accept(second)).body.data).toEqual({
        acceptStaffInvitation: { viewer: { staffUser: { name: 'Sam Stone', roles: ['SUPPORT'] } } },
      });
      // Accepted: the email is taken now.
      const taken = await invite({ email: 'sam@portico.example', name: 'Sam', roles: ['ADMIN'] });
      expect(ext(taken)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    });

    it('invites one user when two admins invite the same email at once', async () => {
      for (let round = 0; round < 3; round += 1) {
        const email = `twin${round}@portico.example`;
        const answers = await Promise.all([
          invite({ email, name: 'Twin A', roles: ['SALES'] }),
          invite({ email, name: 'Twin B', roles: ['SUPPORT'] }),
        ]);
        // Either both land (the second re-invites) or the second meets the unique email.
        for (const answer of answers) {
          if (answer.body.errors) {
            expect(ext(answer)).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
          }
        }
        expect(answers.some((a) => !a.body.errors)).toBe(true);
        expect(await sql('SELECT id FROM staff_users WHERE email = ?', [email])).toHaveLength(1);
      }
    });

    it.each([
      ['email', { email: 'nope', name: 'X', roles: ['SALES'] }],
      ['email', { email: 'admin@portico.example', name: 'X', roles: ['SALES'] }],
      ['name', { email: 'x@portico.example', name: ' ', roles: ['SALES'] }],
      ['roles', { email: 'x@portico.example', name: 'X', roles: [] }],
    ])('refuses an invitation with a bad %s and writes nothing', async (field, input) => {
      const before = [await staffRows(), await auditCount()];
      const response = await invite(input);
      expect(code(response)).toBe('BAD_USER_INPUT');
      expect(ext(response).field).toBe(field);
      expect([await staffRows(), await auditCount()]).toEqual(before);
    });

    it('lets only admins manage staff', async () => {
      const before = [await staffRows(), await auditCount()];
      const accountant: Principal = { kind: 'staff', staffUserId: 'x', roles: ['accountant'] };
      const contact: Principal = {
        kind: 'contact',
        contactId: 'c',
        customerId: accounts.demo.acmeId,
      };
      for (const principal of [accountant, contact]) {
        expect(
          code(
            await invite({ email: 'y@portico.example', name: 'Y', roles: ['ADMIN'] }, principal),
          ),
        ).toBe('FORBIDDEN');
        expect(code(await setRoles(accounts.demo.admin.id, ['SALES'], principal))).toBe(
          'FORBIDDEN',
        );
        expect(code(await disable(accounts.demo.admin.id, principal))).toBe('FORBIDDEN');
        const list = await accounts.post('{ staffUsers { email } }', { principal });
        expect(code(list)).toBe('FORBIDDEN');
      }
      expect([await staffRows(), await auditCount()]).toEqual(before);
    });

    it('changes roles and ends the sessions of a user who lost one', async () => {
      const id = await activeStaff('omar@portico.example', ['ACCOUNTANT', 'SALES']);
      const subject = { kind: 'staff' as const, id };
      expect(await accounts.running.services.sessions.listActive(subject)).toHaveLength(1);
      const added = await setRoles(id, ['ACCOUNTANT', 'SALES', 'SUPPORT']);
      expect(added.body.errors).toBeUndefined();
      expect(await accounts.running.services.sessions.listActive(subject)).toHaveLength(1);
      const reduced = await setRoles(id, ['SUPPORT']);
      expect(reduced.body.data).toEqual({
        updateStaffUserRoles: { staffUser: { id, roles: ['SUPPORT'] } },
      });
      expect(await accounts.running.services.sessions.listActive(subject)).toHaveLength(0);
      const [entry] = await sql(
        "SELECT changes FROM audit_entries WHERE entityId = ? AND action = 'staffUser.updateRoles' ORDER BY occurredAt DESC",
        [id],
      );
      expect(JSON.parse(String(entry!.changes))).toEqual({
        roles: { from: ['accountant', 'sales', 'support'], to: ['support'] },
      });
    });

    it('disables a staff user: sessions end through the revocation log and sign-in stops', async () => {
      const id = await activeStaff('pia@portico.example', ['SALES']);
      const response = await disable(id);
      expect(response.body.data).toEqual({
        disableStaffUser: { staffUser: { id, status: 'DISABLED', disabledAt: expect.any(String) } },
      });
      expect(
        await accounts.running.services.sessions.listActive({ kind: 'staff', id }),
      ).toHaveLength(0);
      expect(
        await sql('SELECT subject FROM revocations WHERE subject = ?', [`staff:${id}`]),
      ).toHaveLength(1);
      expect(code(await signInStaff('pia@portico.example', 'a long staff passphrase'))).toBe(
        'INVALID_CREDENTIALS',
      );
    });

    it('keeps the last active admin: no demotion, no disabling, nothing written', async () => {
      const repo = accounts.running.db.manager.getRepository(StaffUser);
      const admins = (await repo.find()).filter(
        (s) => s.status === 'active' && s.roleList.includes('admin'),
      );
      expect(admins.map((a) => a.id)).toEqual([accounts.demo.admin.id]);
      // An invited admin who has not accepted does not count.
      await invite({ email: 'pending-admin@portico.example', name: 'Pending', roles: ['ADMIN'] });
      const before = [await staffRows(), await auditCount()];
      const demote = await setRoles(accounts.demo.admin.id, ['ACCOUNTANT']);
      expect(ext(demote)).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'last-admin',
        field: 'roles',
      });
      const disabled = await disable(accounts.demo.admin.id);
      expect(ext(disabled)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'last-admin' });
      expect([await staffRows(), await auditCount()]).toEqual(before);
    });

    it('leaves an admin when two admins demote each other at the same time', async () => {
      const first = await activeStaff('quinn@portico.example', ['ADMIN']);
      const second = await activeStaff('rosa@portico.example', ['ADMIN']);
      // Only these two remain admins.
      await setRoles(accounts.demo.admin.id, ['SUPPORT'], staffPrincipal(accounts.demo.admin));
      const as = (id: string): Principal => ({ kind: 'staff', staffUserId: id, roles: ['admin'] });
      for (let round = 0; round < 3; round += 1) {
        const [a, b] = await Promise.all([
          setRoles(second, ['SALES'], as(first)),
          setRoles(first, ['SALES'], as(second)),
        ]);
        const outcomes = [a, b].map((r) => (r.body.errors ? String(ext(r).reason) : 'ok')).sort();
        expect(outcomes).toEqual(['last-admin', 'ok']);
        const admins = (await accounts.running.db.manager.getRepository(StaffUser).find()).filter(
          (s) => s.status === 'active' && s.roleList.split(',').includes('admin'),
        );
        expect(admins).toHaveLength(1);
        // Restore both admins for the next round.
        await setRoles(first, ['ADMIN'], as(admins[0]!.id));
        await setRoles(second, ['ADMIN'], as(admins[0]!.id));
      }
      // Disabling each other at once leaves one too.
      const [a, b] = await Promise.all([disable(second, as(first)), disable(first, as(second))]);
      expect([a, b].filter((r) => !r.body.errors)).toHaveLength(1);
      const active = (await accounts.running.db.manager.getRepository(StaffUser).find()).filter(
        (s) => s.status === 'active' && s.roleList.split(',').includes('admin'),
      );
      expect(active).toHaveLength(1);
    });
  },
);
