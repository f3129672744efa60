import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'partner clients through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    let acmeId: string;
    let globexId: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      acmeId = stack.accounts.demo.acmeId;
      globexId = stack.accounts.demo.globexId;
    });
    afterAll(() => stack?.stop());

    const CREATE = `mutation ($input: CreatePartnerClientInput!) {
      createPartnerClient(input: $input) { clientSecret client { id name scopes customerIds revokedAt } }
    }`;
    const ISSUE = `mutation ($input: IssuePartnerTokenInput!) {
      issuePartnerToken(input: $input) { accessToken tokenType scopes }
    }`;

    async function create(input: Record<string, unknown>) {
      const response = await stack.query(CREATE, { token: admin, variables: { input } });
      const payload = (
        response.body.data as {
          createPartnerClient: { clientSecret: string; client: { id: string } };
        } | null
      )?.createPartnerClient;
      return { response, payload };
    }

    async function issue(clientId: string, clientSecret: string) {
      return stack.query(ISSUE, { variables: { input: { clientId, clientSecret } } });
    }

    function tokenOf(response: testing.GraphQLResponse): string {
      return (response.body.data as { issuePartnerToken: { accessToken: string } })
        .issuePartnerToken.accessToken;
    }

    it('creates a client limited to some customers whose token sees only those', async () => {
      const { payload } = await create({
        name: 'Ledgerly',
        scopes: ['customers:read', 'invoices:read'],
        customerIds: [acmeId],
      });
      expect(payload?.clientSecret).toMatch(/^pcs_[A-Za-z0-9_-]{43}$/);
      const issued = await issue(payload!.client.id, payload!.clientSecret);
      expect(issued.body.data).toMatchObject({
        issuePartnerToken: { tokenType: 'Bearer', scopes: ['customers:read', 'invoices:read'] },
      });
      const token = tokenOf(issued);
      const viewer = await stack.query('{ viewer { kind partnerClientId scopes } }', { token });
      expect(viewer.body.data).toEqual({
        viewer: {
          kind: 'PARTNER',
          partnerClientId: payload!.client.id,
          scopes: ['customers:read', 'invoices:read'],
        },
      });
      expect(
        (await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, { token })).body.data,
      ).toEqual({
        customer: { companyName: 'Acme Supplies Ltd' },
      });
      const other = await stack.query(`{ customer(id: "${globexId}") { companyName } }`, { token });
      expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(other.text).not.toContain('Globex');
      const list = await stack.query('{ customers { nodes { id } } }', { token });
      expect(list.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses a token without the needed scope', async () => {
      const { payload } = await create({ name: 'Invoices only', scopes: ['invoices:read'] });
      const token = tokenOf(await issue(payload!.client.id, payload!.clientSecret));
      const response = await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, {
        token,
      });
      expect(response.body.errors?.[0]).toEqual({
        message: 'Missing scope: customers:read',
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it('stops the old secret at once on rotation, and every secret on revocation', async () => {
      const { payload } = await create({ name: 'Rotating', scopes: ['customers:read'] });
      const id = payload!.client.id;
      const rotated = await stack.query(
        'mutation ($input: RotatePartnerClientSecretInput!) { rotatePartnerClientSecret(input: $input) { clientSecret } }',
        { token: admin, variables: { input: { id } } },
      );
      const newSecret = (
        rotated.body.data as { rotatePartnerClientSecret: { clientSecret: string } }
      ).rotatePartnerClientSecret.clientSecret;
      expect(newSecret).not.toBe(payload!.clientSecret);
      expect((await issue(id, payload!.clientSecret)).body.errors?.[0]?.extensions?.code).toBe(
        'INVALID_CREDENTIALS',
      );
      expect((await issue(id, newSecret)).body.errors).toBeUndefined();
      await stack.query(
        'mutation ($input: PartnerClientIdInput!) { revokePartnerClient(input: $input) { client { revokedAt } } }',
        {
          token: admin,
          variables: { input: { id } },
        },
      );
      const afterRevoke = await issue(id, newSecret);
      expect(afterRevoke.body.errors?.[0]).toMatchObject({
        message: 'Client id or secret is incorrect',
        extensions: { code: 'INVALID_CREDENTIALS' },
      });
      const unknown = await issue('00000000-0000-4000-8000-000000000000', newSecret);
      expect(unknown.body.errors?.[0]).toEqual(afterRevoke.body.errors?.[0]);
    });

    describe('tokens issued before a rotation', () => {
      const ROTATE = `mutation ($input: RotatePartnerClientSecretInput!) {
        rotatePartnerClientSecret(input: $input) { clientSecret issuedTokensEnded client { id } }
      }`;
      async function rotate(id: string, endIssuedTokens?: boolean) {
        const response = await stack.query(ROTATE, {
          token: admin,
          variables: { input: endIssuedTokens === undefined ? { id } : { id, endIssuedTokens } },
        });
        expect(response.body.errors).toBeUndefined();
        return (
          response.body.data as {
            rotatePartnerClientSecret: { clientSecret: string; issuedTokensEnded: boolean };
          }
        ).rotatePartnerClientSecret;
      }
      /** HTTP status of a request that reaches accounts with the token. */
      const use = async (token: string) =>
        (await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, { token })).status;

      it('ends them by default, while a token issued right after keeps working', async () => {
        const { payload } = await create({ name: 'Rotated at once', scopes: ['customers:read'] });
        const id = payload!.client.id;
        const old = tokenOf(await issue(id, payload!.clientSecret));
        // asked twice: the second answer comes from the gateway's memory
        expect(await use(old)).toBe(200);
        expect(await use(old)).toBe(200);
        const rotated = await rotate(id);
        expect(rotated.issuedTokensEnded).toBe(true);
        const fresh = tokenOf(await issue(id, rotated.clientSecret));
        expect(await use(fresh)).toBe(200);
        const refused = await stack.query('{ viewer { kind } }', { token: old });
        expect(refused.status).toBe(401);
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(await use(fresh)).toBe(200);
        expect(await use(fresh)).toBe(200);
      });

      it('keeps them until they expire when asked to, and says so', async () => {
        const { payload } = await create({ name: 'Rotated softly', scopes: ['customers:read'] });
        const id = payload!.client.id;
        const first = tokenOf(await issue(id, payload!.clientSecret));
        expect(await use(first)).toBe(200);
        const soft = await rotate(id, false);
        expect(soft.issuedTokensEnded).toBe(false);
        const second = tokenOf(await issue(id, soft.clientSecret));
        expect(await use(first)).toBe(200);
        expect(await use(second)).toBe(200);
        // a later rotation that ends tokens ends every older generation
        const hard = await rotate(id, true);
        expect(hard.issuedTokensEnded).toBe(true);
        const third = tokenOf(await issue(id, hard.clientSecret));
        expect(await use(first)).toBe(401);
        expect(await use(second)).toBe(401);
        expect(await use(third)).toBe(200);
      });
    });

    it('refuses bad input with a coded error and creates nothing', async () => {
      const before = await stack.query('{ partnerClients { id } }', { token: admin });
      const count = (before.body.data as { partnerClients: unknown[] }).partnerClients.length;
      const badScope = await create({ name: 'x', scopes: ['root'] });
      expect(badScope.response.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'scopes',
      });
      const badCustomer = await create({
        name: 'x',
        scopes: ['invoices:read'],
        customerIds: ['nope'],
      });
      expect(badCustomer.response.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'customerIds',
      });
      const noName = await create({ name: '  ', scopes: ['invoices:read'] });
      expect(noName.response.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'name',
      });
      const after = await stack.query('{ partnerClients { id } }', { token: admin });
      expect((after.body.data as { partnerClients: unknown[] }).partnerClients).toHaveLength(count);
    });

    it('lets only staff admins manage clients, and never shows a secret again', async () => {
      const alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      const accountant = await stack.mintToken({
        kind: 'staff',
        staffUserId: stack.accounts.demo.admin.id,
        roles: ['accountant'],
      });
      for (const token of [alice, accountant]) {
        const response = await stack.query(CREATE, {
          token,
          variables: { input: { name: 'x', scopes: ['invoices:read'] } },
        });
        expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const listed = await stack.query('{ partnerClients { id name scopes } }', { token: admin });
      expect(listed.text).not.toContain('pcs_');
    });
  },
);
