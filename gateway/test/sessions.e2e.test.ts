import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'sessions through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack(target);
    });
    afterAll(() => stack?.stop());

    async function signIn(
      email = 'bob@acme.example',
      password = 'acme-demo-password',
    ): Promise<Tokens> {
      const response = await stack.query(
        'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken } }',
        { variables: { input: { email, password } } },
      );
      return (response.body.data as { signIn: Tokens }).signIn;
    }

    const refresh = (refreshToken: string) =>
      stack.query(
        'mutation ($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }',
        {
          variables: { input: { refreshToken } },
        },
      );

    const viewerStatus = async (token: string) => {
      const response = await stack.query('{ viewer { kind } }', { token });
      return { status: response.status, code: response.body.errors?.[0]?.extensions?.code };
    };

    it('rotates the refresh token, and reuse of an old one revokes the whole family', async () => {
      const first = await signIn();
      expect(first.refreshToken).toMatch(/^prt_/);
      const rotated = await refresh(first.refreshToken);
      const second = (rotated.body.data as { refreshSession: Tokens }).refreshSession;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(await viewerStatus(second.accessToken)).toEqual({ status: 200, code: undefined });

      const reused = await refresh(first.refreshToken);
      expect(reused.body.errors?.[0]).toMatchObject({
        message: 'Refresh token is not valid',
        extensions: { code: 'INVALID_CREDENTIALS' },
      });
      // the family is gone: the newer refresh token and the live access tokens stop working
      expect((await refresh(second.refreshToken)).body.errors?.[0]?.extensions?.code).toBe(
        'INVALID_CREDENTIALS',
      );
      expect(await viewerStatus(second.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(await viewerStatus(first.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    });

    it('lets at most one of ten concurrent uses of a refresh token through, and ends the session', async () => {
      const tokens = await signIn();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => refresh(tokens.refreshToken)),
      );
      const succeeded = results.filter((r) => !r.body.errors);
      expect(succeeded.length).toBeLessThanOrEqual(1);
      // a reuse happened, so the session is revoked either way
      expect(await viewerStatus(tokens.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    });

    it('refuses the access token on the very next request after sign-out', async () => {
      const tokens = await signIn();
      expect(await viewerStatus(tokens.accessToken)).toEqual({ status: 200, code: undefined });
      const out = await stack.query('mutation { signOut { sessionsEnded } }', {
        token: tokens.accessToken,
      });
      expect(out.body.data).toEqual({ signOut: { sessionsEnded: 1 } });
      expect(await viewerStatus(tokens.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect((await refresh(tokens.refreshToken)).body.errors?.[0]?.extensions?.code).toBe(
        'INVALID_CREDENTIALS',
      );
    });

    it('lists active sessions and signs out everywhere', async () => {
      const laptop = await signIn();
      const phone = await signIn();
      const listed = await stack.query('{ mySessions { id } }', { token: phone.accessToken });
      const before = (listed.body.data as { mySessions: unknown[] }).mySessions.length;
      expect(before).toBeGreaterThanOrEqual(2);
      const everywhere = await stack.query('mutation { signOutEverywhere { sessionsEnded } }', {
        token: phone.accessToken,
      });
      expect(
        (everywhere.body.data as { signOutEverywhere: { sessionsEnded: number } }).signOutEverywhere
          .sessionsEnded,
      ).toBe(before);
      expect(await viewerStatus(laptop.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(await viewerStatus(phone.accessToken)).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      // another person's sessions are untouched
      const alice = await signIn('alice@acme.example');
      expect(await viewerStatus(alice.accessToken)).toEqual({ status: 200, code: undefined });
    });

    it("refuses a revoked partner client's token on the next request", async () => {
      const admin = await stack.signIn(
        'admin@portico.example',
        'admin-demo-password',
        'signInStaff',
      );
      const token = await stack.partnerToken(['customers:read']);
      expect(await viewerStatus(token)).toEqual({ status: 200, code: undefined });
      const clients = await stack.query('{ partnerClients { id } }', { token: admin });
      const ids = (
        clients.body.data as { partnerClients: Array<{ id: string }> }
      ).partnerClients.map((c) => c.id);
      await stack.query(
        'mutation ($input: PartnerClientIdInput!) { revokePartnerClient(input: $input) { client { id } } }',
        {
          token: admin,
          variables: { input: { id: ids[ids.length - 1] } },
        },
      );
      expect(await viewerStatus(token)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    });
  },
);
