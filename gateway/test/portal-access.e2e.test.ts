import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';
import { mailsTo, type Mail } from '../../services/accounts/test/mail-folder';

/** Mail sent after the answer (password reset) lands a moment later. */
async function waitForMails(folder: string, address: string, count: number): Promise<Mail[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mails = await mailsTo(folder, address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'invitations, password reset and portal access on %s',
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    let folder: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      folder = stack.accounts.mailFolder;
    });
    afterAll(() => stack?.stop());

    const invite = (customerId: string, name: string, email: string, token = admin) =>
      stack.query(
        'mutation ($input: InviteContactInput!) { inviteContact(input: $input) { contact { id email portalAccess } } }',
        { token, variables: { input: { customerId, name, email } } },
      );
    const accept = (token: string, password: string) =>
      stack.query(
        'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken refreshToken viewer { kind contact { email } } } }',
        { variables: { input: { token, password } } },
      );
    const contactMutation = (name: string, contactId: string) =>
      stack.query(
        `mutation ($input: ContactIdInput!) { ${name}(input: $input) { contact { id portalAccess disabledAt } } }`,
        {
          token: admin,
          variables: { input: { contactId } },
        },
      );
    const signInAs = (email: string, password: string) =>
      stack.query('mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }', {
        variables: { input: { email, password } },
      });
    const code = (r: testing.GraphQLResponse) => r.body.errors?.[0]?.extensions?.code;
    const viewerStatus = async (token: string) =>
      (await stack.query('{ viewer { kind } }', { token })).status;

    it('invites a contact by mail; the link sets a password once and signs them in', async () => {
      const invited = await invite(stack.accounts.demo.acmeId, 'Carol Chen', 'Carol@Acme.example');
      const contact = (
        invited.body.data as { inviteContact: { contact: { id: string; email: string } } }
      ).inviteContact.contact;
      expect(contact.email).toBe('carol@acme.example');
      const [mail] = await mailsTo(folder, 'carol@acme.example');
      expect(mail?.subject).toBe('Your invitation to the Portico customer portal');
      expect(mail?.text).toContain('Acme Supplies Ltd');
      expect(mail?.token).toMatch(/^inv_/);

      const weak = await accept(mail!.token!, 'password123');
      expect(weak.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'password',
        reason: 'common',
      });
      const accepted = await accept(mail!.token!, 'lantern orchard velvet');
      expect(accepted.body.data).toMatchObject({
        acceptInvitation: { viewer: { kind: 'CONTACT', contact: { email: 'carol@acme.example' } } },
      });
      const again = await accept(mail!.token!, 'another fine passphrase');
      expect(again.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'invalid-token',
      });
      expect(code(await signInAs('carol@acme.example', 'lantern orchard velvet'))).toBeUndefined();
    });

    it("refuses an expired invitation, and a re-invite replaces the old link (in the customer's language)", async () => {
      const invited = await invite(
        stack.accounts.demo.globexId,
        'Diego Ruiz',
        'diego@globex.example',
      );
      const contactId = (invited.body.data as { inviteContact: { contact: { id: string } } })
        .inviteContact.contact.id;
      const [first] = await mailsTo(folder, 'diego@globex.example');
      expect(first?.subject).toBe('Invitación al portal de clientes Portico');
      await stack.accounts.running.db.dataSource
        .getRepository('ActionToken')
        .update(
          { subjectId: contactId, purpose: 'invitation' },
          { expiresAt: new Date(Date.now() - 60_000) },
        );
      expect(
        (await accept(first!.token!, 'lantern orchard velvet')).body.errors?.[0]?.extensions
          ?.reason,
      ).toBe('invalid-token');
      await contactMutation('reinviteContact', contactId);
      const mails = await mailsTo(folder, 'diego@globex.example');
      expect(mails).toHaveLength(2);
      expect(mails[1]!.token).not.toBe(first!.token);
      expect(code(await accept(mails[1]!.token!, 'lantern orchard velvet'))).toBeUndefined();
    });

    it('refuses bad invitations with a coded error and creates no contact', async () => {
      const count = async () =>
        Number(
          (
            (await stack.accounts.running.db.dataSource.query(
              'SELECT COUNT(*) AS n FROM contacts',
            )) as Array<{ n: number }>
          )[0]!.n,
        );
      const before = await count();
      for (const [customerId, email, field] of [
        [stack.accounts.demo.acmeId, 'alice@acme.example', 'email'],
        [stack.accounts.demo.acmeId, 'not-an-email', 'email'],
        ['00000000-0000-4000-8000-000000000000', 'new@acme.example', 'customerId'],
      ] as const) {
        const response = await invite(customerId, 'Someone', email);
        expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      }
      expect(await count()).toBe(before);
      const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      expect(code(await invite(stack.accounts.demo.acmeId, 'Eve', 'eve@acme.example', alice))).toBe(
        'FORBIDDEN',
      );
    });

    it('revoking portal access ends sessions at once; a re-invite restores it; a disabled contact stays out', async () => {
      const invited = await invite(stack.accounts.demo.acmeId, 'Frank Fox', 'frank@acme.example');
      const id = (invited.body.data as { inviteContact: { contact: { id: string } } }).inviteContact
        .contact.id;
      const [mail] = await mailsTo(folder, 'frank@acme.example');
      await accept(mail!.token!, 'lantern orchard velvet');
      const token = await stack.signIn('frank@acme.example', 'lantern orchard velvet');
      expect(await viewerStatus(token)).toBe(200);

      await contactMutation('revokePortalAccess', id);
      expect(await viewerStatus(token)).toBe(401);
      expect(code(await signInAs('frank@acme.example', 'lantern orchard velvet'))).toBe(
        'INVALID_CREDENTIALS',
      );

      await contactMutation('reinviteContact', id);
      expect(code(await signInAs('frank@acme.example', 'lantern orchard velvet'))).toBeUndefined();

      const disabled = await contactMutation('disableContact', id);
      expect(
        (disabled.body.data as { disableContact: { contact: { disabledAt: string | null } } })
          .disableContact.contact.disabledAt,
      ).not.toBeNull();
      expect(code(await signInAs('frank@acme.example', 'lantern orchard velvet'))).toBe(
        'INVALID_CREDENTIALS',
      );
      expect((await contactMutation('reinviteContact', id)).body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'contactId',
      });
    });

    it('resets a password by mailed link without revealing who has an account', async () => {
      const request = (email: string) =>
        stack.query(
          'mutation ($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { accepted } }',
          {
            variables: { input: { email } },
          },
        );
      const session = await stack.signIn('bob@acme.example', 'acme-demo-password');
      const known = await request('bob@acme.example');
      const unknown = await request('nobody@acme.example');
      expect(known.body).toEqual(unknown.body);
      expect(known.body).toEqual({ data: { requestPasswordReset: { accepted: true } } });
      const [mail] = await waitForMails(folder, 'bob@acme.example', 1);
      expect(await mailsTo(folder, 'nobody@acme.example')).toEqual([]);
      expect(mail?.subject).toBe('Reset your Portico password');

      const reset = (token: string, newPassword: string) =>
        stack.query(
          'mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) { passwordChanged } }',
          {
            variables: { input: { token, newPassword } },
          },
        );
      expect((await reset(mail!.token!, 'short')).body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'newPassword',
        reason: 'too-short',
      });
      expect((await reset(mail!.token!, 'new harbour lights')).body.data).toEqual({
        resetPassword: { passwordChanged: true },
      });
      expect(await viewerStatus(session)).toBe(401);
      expect(code(await signInAs('bob@acme.example', 'acme-demo-password'))).toBe(
        'INVALID_CREDENTIALS',
      );
      expect(code(await signInAs('bob@acme.example', 'new harbour lights'))).toBeUndefined();
      expect(
        (await reset(mail!.token!, 'yet another passphrase')).body.errors?.[0]?.extensions?.reason,
      ).toBe('invalid-token');
    });

    it('changes a password: the current one is checked, other sessions end, this one stays', async () => {
      const elsewhere = await stack.signIn('alice@acme.example', 'acme-demo-password');
      const here = await stack.signIn('alice@acme.example', 'acme-demo-password');
      const change = (currentPassword: string, newPassword: string) =>
        stack.query(
          'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { otherSessionsEnded } }',
          {
            token: here,
            variables: { input: { currentPassword, newPassword } },
          },
        );
      expect(code(await change('wrong password', 'river stone meadow'))).toBe(
        'INVALID_CREDENTIALS',
      );
      expect(
        (await change('acme-demo-password', 'qwertyuiop')).body.errors?.[0]?.extensions?.reason,
      ).toBe('common');
      const changed = await change('acme-demo-password', 'river stone meadow');
      expect(
        (changed.body.data as { changePassword: { otherSessionsEnded: number } }).changePassword
          .otherSessionsEnded,
      ).toBeGreaterThanOrEqual(1);
      expect(await viewerStatus(here)).toBe(200);
      expect(await viewerStatus(elsewhere)).toBe(401);
      expect(code(await signInAs('alice@acme.example', 'river stone meadow'))).toBeUndefined();
    });
  },
);
