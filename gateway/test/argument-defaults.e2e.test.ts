import { testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

/**
 * The gateway judges arguments as execution will: a variable's default counts
 * when the variable is not sent. Refusals here must come from the gateway
 * alone: no subgraph receives a GraphQL request for them.
 */
describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'argument values before execution on %s',
  (_name, target) => {
    let stack: TestStack;
    let acmeId: string;
    let globexId: string;
    let alice: string;
    let partner: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      acmeId = stack.accounts.demo.acmeId;
      globexId = stack.accounts.demo.globexId;
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      partner = await stack.partnerToken(['customers:read', 'invoices:read'], [acmeId]);
    });
    afterAll(() => stack?.stop());

    /** GraphQL requests the subgraphs executed while `work` ran. */
    async function subgraphRequests(work: () => Promise<unknown>): Promise<number> {
      const executed = () => stack.accounts.running.stats.executed + stack.billing.stats.executed;
      const before = executed();
      await work();
      return executed() - before;
    }

    it("lets a contact read its own customer through a variable's default", async () => {
      const response = await stack.query(
        `query ($id: ID! = "${acmeId}") { customer(id: $id) { id companyName } }`,
        { token: alice },
      );
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toEqual({
        customer: { id: acmeId, companyName: 'Acme Supplies Ltd' },
      });
    });

    it("refuses another customer's id given as a variable's default, before any subgraph", async () => {
      for (const [who, token] of [
        ['contact', alice],
        ['partner', partner],
      ] as const) {
        const attempts = [
          `query ($c: ID = "${globexId}") { invoices(customerId: $c) { nodes { id number } } }`,
          `query ($id: ID! = "${globexId}") { customer(id: $id) { id companyName } }`,
          `query Q($c: ID = "${globexId}") { ...F } fragment F on Query { invoices(customerId: $c) { nodes { id } } }`,
        ];
        for (const query of attempts) {
          let response!: testing.GraphQLResponse;
          const requests = await subgraphRequests(async () => {
            response = await stack.query(query, { token });
          });
          expect({ who, query, requests }).toEqual({ who, query, requests: 0 });
          expect(response.body.errors?.[0]).toEqual({
            message: 'Not found',
            extensions: { code: 'NOT_FOUND' },
          });
          expect(response.body.data ?? null).toBeNull();
          expect(response.text).not.toContain('Globex');
        }
      }
    });

    it('still lets a sent variable override its default', async () => {
      const query = `query ($c: ID = "${globexId}") { invoices(customerId: $c) { nodes { id } } }`;
      const own = await stack.query(query, { token: alice, variables: { c: acmeId } });
      expect(own.body.errors).toBeUndefined();
      const nulled = await stack.query(query, { token: alice, variables: { c: null } });
      expect(nulled.body.errors).toBeUndefined();
    });

    it('refuses variables execution would refuse, before any subgraph', async () => {
      let response!: testing.GraphQLResponse;
      const requests = await subgraphRequests(async () => {
        response = await stack.query(
          'query ($c: ID!) { invoices(customerId: $c) { nodes { id } } }',
          { token: alice },
        );
      });
      expect(requests).toBe(0);
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toMatch(/\$c/);
    });

    it("counts a page size given as a variable's default toward the cost limit", async () => {
      // About 353 per invoice: 100 of them pass the partner's 25,000, one does not.
      // (A page over the 100 lists serve is priced at 100 and refused by the subgraph
      // with "first must be between 1 and 100", not by cost.)
      const dashboard = (n: number) =>
        `query ($n: Int = ${n}) { invoices(first: $n) { nodes { id lines { id description quantity } creditApplications { creditNote { lines { id description quantity } } } } } }`;
      let response!: testing.GraphQLResponse;
      const requests = await subgraphRequests(async () => {
        response = await stack.query(dashboard(100), { token: partner });
      });
      expect(requests).toBe(0);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
      const small = await stack.query(dashboard(1), { token: partner });
      expect(small.body.errors?.[0]?.extensions?.code).not.toBe('COST_LIMIT_EXCEEDED');
    });
  },
);
