import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'gateway over accounts on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let admin: string;
    let acmeId: string;
    let globexId: string;

    beforeAll(async () => {
      stack = await startTestStack(target);
      acmeId = stack.accounts.demo.acmeId;
      globexId = stack.accounts.demo.globexId;
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(async () => {
      await stack?.stop();
    });

    /** Runs `work` and returns how many requests the accounts subgraph executed meanwhile. */
    async function subgraphCalls(work: () => Promise<unknown>): Promise<number> {
      const before = stack.accounts.running.stats.executed;
      await work();
      return stack.accounts.running.stats.executed - before;
    }

    it('answers a signed-in viewer query', async () => {
      const response = await stack.query(
        '{ viewer { kind contact { email } customer { companyName billingAddress { country } } } }',
        { token: alice },
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        data: {
          viewer: {
            kind: 'CONTACT',
            contact: { email: 'alice@acme.example' },
            customer: { companyName: 'Acme Supplies Ltd', billingAddress: { country: 'GB' } },
          },
        },
      });
    });

    it('lets a contact read its own customer', async () => {
      const response = await stack.query(
        `{ customer(id: "${acmeId}") { companyName contacts { email } } }`,
        {
          token: alice,
        },
      );
      expect(response.body.data).toEqual({
        customer: {
          companyName: 'Acme Supplies Ltd',
          contacts: [{ email: 'alice@acme.example' }, { email: 'bob@acme.example' }],
        },
      });
    });

    const foreignReads: Record<
      string,
      (id: string) => { query: string; variables?: Record<string, unknown>; operationName?: string }
    > = {
      'a literal argument': (id) => ({ query: `{ customer(id: "${id}") { companyName } }` }),
      'a variable': (id) => ({
        query: 'query ($id: ID!) { customer(id: $id) { companyName } }',
        variables: { id },
      }),
      'an alias next to an allowed field': (id) => ({
        query: `{ mine: customer(id: "${acmeId}") { id } theirs: customer(id: "${id}") { companyName } }`,
      }),
      'a named fragment': (id) => ({
        query: `query { ...Q } fragment Q on Query { customer(id: "${id}") { companyName } }`,
      }),
      'an inline fragment': (id) => ({
        query: `{ ... on Query { customer(id: "${id}") { companyName } } }`,
      }),
      'nested fragments with a variable': (id) => ({
        query:
          'query ($id: ID!) { ...A } fragment A on Query { ...B } fragment B on Query { customer(id: $id) { id } }',
        variables: { id },
      }),
      'the second operation of a document': (id) => ({
        query: `query Mine { viewer { kind } } query Theirs { customer(id: "${id}") { companyName } }`,
        operationName: 'Theirs',
      }),
    };

    it.each(Object.keys(foreignReads))(
      'answers a contact reading another customer through %s exactly like a missing id, without calling accounts',
      async (shape) => {
        const build = foreignReads[shape]!;
        let foreign!: testing.GraphQLResponse;
        let missing!: testing.GraphQLResponse;
        const calls = await subgraphCalls(async () => {
          const f = build(globexId);
          foreign = await stack.query(f.query, {
            token: alice,
            variables: f.variables,
            operationName: f.operationName,
          });
          const m = build(MISSING_ID);
          missing = await stack.query(m.query, {
            token: alice,
            variables: m.variables,
            operationName: m.operationName,
          });
        });
        expect(calls).toBe(0);
        expect(foreign.status).toBe(missing.status);
        expect(foreign.body).toEqual(missing.body);
        expect(foreign.body).toEqual({
          errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }],
        });
        expect(foreign.text).not.toContain('Globex');
      },
    );

    it('lets staff read any customer and refuses the staff list to a contact without calling accounts', async () => {
      const staffRead = await stack.query(`{ customer(id: "${globexId}") { companyName } }`, {
        token: admin,
      });
      expect(staffRead.body.data).toEqual({ customer: { companyName: 'Globex Ibérica S.L.' } });
      let refused!: testing.GraphQLResponse;
      const calls = await subgraphCalls(async () => {
        refused = await stack.query('{ customers { nodes { id } } }', { token: alice });
      });
      expect(calls).toBe(0);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({
        errors: [{ message: 'Staff only', extensions: { code: 'FORBIDDEN' } }],
      });
      const listed = await stack.query('{ customers { nodes { companyName } } }', { token: admin });
      expect(listed.body.data).toEqual({
        customers: {
          nodes: [{ companyName: 'Acme Supplies Ltd' }, { companyName: 'Globex Ibérica S.L.' }],
        },
      });
    });

    it('asks an anonymous caller to sign in before any subgraph call', async () => {
      let response!: testing.GraphQLResponse;
      const calls = await subgraphCalls(async () => {
        response = await stack.query(`{ customer(id: "${acmeId}") { companyName } }`);
      });
      expect(calls).toBe(0);
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('holds partners to their scopes and their customers', async () => {
      const noScope = await stack.partnerToken(['invoices:read']);
      const limited = await stack.partnerToken(['customers:read'], [acmeId]);
      const refused = await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, {
        token: noScope,
      });
      expect(refused.body.errors?.[0]).toEqual({
        message: 'Missing scope: customers:read',
        extensions: { code: 'FORBIDDEN' },
      });
      const own = await stack.query(`{ customer(id: "${acmeId}") { companyName } }`, {
        token: limited,
      });
      expect(own.body.data).toEqual({ customer: { companyName: 'Acme Supplies Ltd' } });
      const other = await stack.query(`{ customer(id: "${globexId}") { companyName } }`, {
        token: limited,
      });
      expect(other.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const staffOnly = await stack.query('{ customers { nodes { id } } }', { token: limited });
      expect(staffOnly.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    describe('refuses tokens that are not genuine', () => {
      const contactClaims = () => ({ pk: 'contact', cus: globexId });
      const forgeries: Record<string, () => Promise<string>> = {
        'signed by another key': async () => {
          const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
          return new SignJWT(contactClaims())
            .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
            .setSubject(`contact:${stack.accounts.demo.lucia.id}`)
            .setIssuer('portico-accounts')
            .setAudience('portico')
            .setIssuedAt()
            .setExpirationTime('10m')
            .sign(privateKey);
        },
        'unsigned (alg none)': async () => {
          const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc({ ...contactClaims(), sub: `contact:${stack.accounts.demo.lucia.id}`, iss: 'portico-accounts', aud: 'portico', iat: now, exp: now + 600 })}.`;
        },
        'HMAC-signed with the public key (algorithm confusion)': async () => {
          const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          const head = `${enc({ alg: 'HS256', typ: 'at+jwt' })}.${enc({ ...contactClaims(), sub: `contact:${stack.accounts.demo.lucia.id}`, iss: 'portico-accounts', aud: 'portico', iat: now, exp: now + 600 })}`;
          const jwks = (await (await fetch(stack.accounts.running.jwksUrl)).json()) as {
            keys: object[];
          };
          const sig = createHmac('sha256', JSON.stringify(jwks.keys[0]))
            .update(head)
            .digest('base64url');
          return `${head}.${sig}`;
        },
        'a genuine token with its customer swapped': async () => {
          const [head, payload, sig] = alice.split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<
            string,
            unknown
          >;
          const swapped = Buffer.from(JSON.stringify({ ...claims, cus: globexId })).toString(
            'base64url',
          );
          return `${head}.${swapped}.${sig}`;
        },
        'expired (signed by the real key)': () =>
          stack.mintToken(
            { kind: 'contact', contactId: stack.accounts.demo.alice.id, customerId: acmeId },
            { ttlSeconds: -60 },
          ),
        'from another issuer (real key)': () =>
          stack.mintToken(
            { kind: 'contact', contactId: stack.accounts.demo.alice.id, customerId: acmeId },
            { issuer: 'someone-else' },
          ),
        'for another audience (real key)': () =>
          stack.mintToken(
            { kind: 'contact', contactId: stack.accounts.demo.alice.id, customerId: acmeId },
            { audience: 'elsewhere' },
          ),
        'a real key with claims that do not fit': async () => {
          const key = await importPKCS8(stack.accounts.signingKeyPem, 'ES256');
          return new SignJWT({ pk: 'staff', roles: ['root'] })
            .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
            .setSubject('staff:x')
            .setIssuer('portico-accounts')
            .setAudience('portico')
            .setIssuedAt()
            .setExpirationTime('10m')
            .sign(key);
        },
      };

      it.each(Object.keys(forgeries))(
        'refuses a token %s with 401 and no data, calling no subgraph',
        async (kind) => {
          const token = await forgeries[kind]!();
          let response!: testing.GraphQLResponse;
          const calls = await subgraphCalls(async () => {
            response = await stack.query(
              `{ viewer { kind } customer(id: "${globexId}") { companyName } }`,
              { token },
            );
          });
          expect(calls).toBe(0);
          expect(response.status).toBe(401);
          expect(response.body.data).toBeUndefined();
          expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
          expect(response.text).not.toContain('Globex');
        },
      );

      it('refuses an Authorization header that is not a bearer token', async () => {
        const response = await fetch(stack.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Basic YWxpY2U6cGFzcw==' },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
        expect(response.status).toBe(401);
      });
    });

    it('stops honouring a token it has already verified once it expires', async () => {
      const session = (await stack.accounts.running.db.dataSource.query(
        'SELECT id FROM sessions WHERE subjectId = ? AND revokedAt IS NULL ORDER BY createdAt DESC',
        [stack.accounts.demo.alice.id],
      )) as Array<{ id: string }>;
      const token = await stack.mintToken(
        {
          kind: 'contact',
          contactId: stack.accounts.demo.alice.id,
          customerId: acmeId,
          sessionId: session[0]!.id,
        },
        // expired 3 s ago: still inside the gateway's 5 s clock tolerance for
        // two seconds, room for two requests on a busy machine
        { ttlSeconds: -3 },
      );
      expect((await stack.query('{ viewer { kind } }', { token })).status).toBe(200);
      expect((await stack.query('{ viewer { kind } }', { token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2_600));
      const expired = await stack.query('{ viewer { kind } }', { token });
      expect(expired.status).toBe(401);
      expect(expired.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('gives no data to a direct call on the accounts port without gateway claims', async () => {
      for (const query of [
        `{ customer(id: "${acmeId}") { companyName } }`,
        `{ _entities(representations: [{ __typename: "Customer", id: "${acmeId}" }]) { ... on Customer { companyName } } }`,
        '{ _service { sdl } }',
      ]) {
        const direct = await testing.postGraphQL(stack.accounts.running.url, query, {
          headers: { authorization: `Bearer ${admin}` },
        });
        expect(direct.status).toBe(401);
        expect(direct.body.data).toBeUndefined();
        expect(direct.text).not.toContain('Acme');
      }
    });

    it('refuses batched requests and oversized bodies with coded errors', async () => {
      const batch = await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }]),
      });
      expect(batch.status).toBe(400);
      expect(
        ((await batch.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions,
      ).toEqual({
        code: 'BATCHING_DISABLED',
      });
      const big = await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ viewer { kind } } # ${'x'.repeat(300 * 1024)}` }),
      });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({
        errors: [
          {
            message: 'Request body is larger than 262144 bytes',
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    });

    it('reports health and readiness', async () => {
      const base = stack.gateway.url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    });

    // Last: stops the accounts subgraph.
    it('masks a dead subgraph: no host, port or socket error reaches the client, and readiness drops', async () => {
      await stack.accounts.stop();
      const port = String(new URL(stack.accounts.running.url).port);
      const anonymous = await stack.query('{ viewer { kind } }');
      expect(anonymous.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      expect(anonymous.body.errors?.[0]?.message).toBe('The accounts service is unavailable');
      // A signed-in request stops earlier, at the session check, just as cleanly.
      const signedIn = await stack.query('{ viewer { kind } }', { token: alice });
      expect(signedIn.status).toBe(503);
      expect(signedIn.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      for (const response of [anonymous, signedIn]) {
        expect(response.text).not.toContain(port);
        expect(response.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack|at \w+ \(/);
      }
      const base = stack.gateway.url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
    });
  },
);
