import { openAccountsDatabase } from '@portico/accounts';
import { principalFromAccessTokenClaims, testing, type Database } from '@portico/kit';
import { RevocationLog } from '../../services/accounts/src/session/revocation-log';
import { SessionService } from '../../services/accounts/src/session/session.service';
import { startTestStack, type TestStack } from './stack-harness';

/** The principal an access token names (the gateway verified it; here it is only read). */
function principalOf(token: string) {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  const principal = principalFromAccessTokenClaims(payload as Record<string, unknown>);
  if (!principal) throw new Error('token names no principal');
  return principal;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'remembered session status on %s',
  (_name, target) => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack(target);
      await until(() => stack.gateway.principalStatusStats().following, 5_000);
    });
    afterAll(() => stack?.stop());

    const viewerStatus = async (token: string) =>
      (await stack.query('{ viewer { kind } }', { token })).status;
    const signInBob = () => stack.signIn('bob@acme.example', 'acme-demo-password');

    it('asks accounts once per session while it follows the revocation log', async () => {
      const token = await signInBob();
      const before = stack.gateway.principalStatusStats();
      for (let i = 0; i < 4; i += 1) expect(await viewerStatus(token)).toBe(200);
      const after = stack.gateway.principalStatusStats();
      expect(after.asked - before.asked).toBe(1);
      expect(after.remembered - before.remembered).toBe(3);
    });

    it('refuses a remembered token on the very next request after sign-out', async () => {
      const token = await signInBob();
      expect(await viewerStatus(token)).toBe(200);
      expect(await viewerStatus(token)).toBe(200);
      const out = await stack.query('mutation { signOut { sessionsEnded } }', { token });
      expect(out.body.errors).toBeUndefined();
      expect(await viewerStatus(token)).toBe(401);
    });

    it('refuses every remembered token of a person signed out everywhere', async () => {
      // signOutEverywhere revokes by person (contact:<id>), not by session
      const first = await signInBob();
      const second = await signInBob();
      expect(await viewerStatus(first)).toBe(200);
      expect(await viewerStatus(second)).toBe(200);
      await stack.query('mutation { signOutEverywhere { sessionsEnded } }', { token: second });
      expect(await viewerStatus(first)).toBe(401);
      expect(await viewerStatus(second)).toBe(401);
    });

    it('learns of a revocation another accounts instance wrote to the same database', async () => {
      const token = await signInBob();
      expect(await viewerStatus(token)).toBe(200);
      expect(await viewerStatus(token)).toBe(200);
      let other: Database | undefined;
      try {
        other = await openAccountsDatabase(stack.accounts.dbConfig);
        const elsewhere = new SessionService(other, new RevocationLog(other));
        const principal = principalOf(token);
        if (principal.kind !== 'contact' || !principal.sessionId) {
          throw new Error('expected a contact with a session');
        }
        await elsewhere.revoke(principal.sessionId, 'signed-out');
        const revokedAt = Date.now();
        await until(async () => (await viewerStatus(token)) === 401, 5_000);
        // accounts re-reads the log every second for what other instances wrote
        expect(Date.now() - revokedAt).toBeLessThan(2_500);
      } finally {
        await other?.dataSource.destroy();
      }
    });

    it('refuses a remembered partner token once its client is revoked', async () => {
      const token = await stack.partnerToken(['invoices:read']);
      expect(await viewerStatus(token)).toBe(200);
      expect(await viewerStatus(token)).toBe(200);
      const principal = principalOf(token);
      if (principal.kind !== 'partner') throw new Error('expected a partner');
      const admin = await stack.signIn(
        'admin@portico.example',
        'admin-demo-password',
        'signInStaff',
      );
      const revoked = await stack.query(
        'mutation ($id: ID!) { revokePartnerClient(input: { id: $id }) { client { id } } }',
        { token: admin, variables: { id: principal.clientId } },
      );
      expect(revoked.body.errors).toBeUndefined();
      expect(await viewerStatus(token)).toBe(401);
    });
  },
);

describe('session status when the revocation log cannot be followed', () => {
  const target = testing.databaseTargets(process.env)[0]!;
  let stack: TestStack;
  beforeAll(async () => {
    // Nothing listens on port 9: the follow never starts.
    stack = await startTestStack(target, {
      gatewayEnv: { AUTH_REVOCATIONS_URL: 'http://127.0.0.1:9/internal/revocations' },
    });
  });
  afterAll(() => stack?.stop());

  it('remembers nothing and asks accounts on every request', async () => {
    const token = await stack.signIn('bob@acme.example', 'acme-demo-password');
    const before = stack.gateway.principalStatusStats();
    for (let i = 0; i < 3; i += 1) {
      expect((await stack.query('{ viewer { kind } }', { token })).status).toBe(200);
    }
    const after = stack.gateway.principalStatusStats();
    expect(after).toMatchObject({ following: false, remembered: before.remembered });
    expect(after.asked - before.asked).toBe(3);
    await stack.query('mutation { signOut { sessionsEnded } }', { token });
    expect((await stack.query('{ viewer { kind } }', { token })).status).toBe(401);
  });
});
