import { testing } from '@portico/kit';
import { startTestAccounts, type TestAccounts } from './accounts-harness';

/**
 * Refused sign-ins show on accounts' /metrics by principal kind and reason,
 * so an operator sees a password-guessing run (invalid credentials, then the
 * limit) without reading logs. The labels never carry the email or address.
 */

const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }`;
const SIGN_IN_STAFF = `mutation ($input: SignInInput!) { signInStaff(input: $input) { accessToken } }`;

function refusals(text: string, principal: string, reason: string): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('portico_sign_in_refusals_total{') &&
        l.includes(`principal="${principal}"`) &&
        l.includes(`reason="${reason}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('sign-in refusals on accounts /metrics', () => {
  let accounts: TestAccounts;
  const scrape = async () => {
    const response = await fetch(accounts.running.url.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(200);
    return response.text();
  };
  const codeOf = (response: testing.GraphQLResponse) =>
    response.body.errors?.[0]?.extensions?.code as string | undefined;

  beforeAll(async () => {
    accounts = await startTestAccounts(testing.databaseTargets(process.env)[0]!, {
      SIGNIN_LIMIT_PER_ACCOUNT_ADDRESS: '3',
    });
  });
  afterAll(() => accounts?.stop());

  it('counts wrong passwords and limited attempts, and not a successful sign-in', async () => {
    const before = await scrape();
    const good = await accounts.post(SIGN_IN, {
      variables: { input: { email: 'alice@acme.example', password: 'acme-demo-password' } },
    });
    expect(codeOf(good)).toBeUndefined();

    const seen: Record<string, number> = {};
    for (let attempt = 0; attempt < 10 && !seen.TOO_MANY_ATTEMPTS; attempt += 1) {
      const code = codeOf(
        await accounts.post(SIGN_IN, {
          variables: { input: { email: 'lucia@globex.example', password: `wrong-${attempt}` } },
        }),
      );
      seen[code ?? 'none'] = (seen[code ?? 'none'] ?? 0) + 1;
    }
    expect(seen.INVALID_CREDENTIALS).toBeGreaterThanOrEqual(1);
    expect(seen.TOO_MANY_ATTEMPTS).toBe(1);
    expect(Object.keys(seen).sort()).toEqual(['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']);
    const staff = await accounts.post(SIGN_IN_STAFF, {
      variables: { input: { email: 'admin@portico.example', password: 'not-the-password' } },
    });
    expect(codeOf(staff)).toBe('INVALID_CREDENTIALS');

    const after = await scrape();
    const delta = (principal: string, reason: string) =>
      refusals(after, principal, reason) - refusals(before, principal, reason);
    expect({
      contactInvalid: delta('contact', 'invalid_credentials'),
      contactLimited: delta('contact', 'limited'),
      staffInvalid: delta('staff', 'invalid_credentials'),
      staffLimited: delta('staff', 'limited'),
    }).toEqual({
      contactInvalid: seen.INVALID_CREDENTIALS,
      contactLimited: 1,
      staffInvalid: 1,
      staffLimited: 0,
    });
    expect(after).not.toContain('lucia@globex.example');
  });
});
