import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { subgraphSchemaHeader } from '../schema/federated-schema';
import type { Principal } from './principal';
import { enforceSchemaRules } from './schema-rules';

const schema = buildSubgraphSchema({
  typeDefs: parse(`${subgraphSchemaHeader()}
    type Query {
      invoice: Invoice @signedIn
      secrets: [Secret!]!
    }
    type Invoice @key(fields: "id") {
      id: ID!
      customer: Customer!
      allocations: [Allocation!]!
    }
    type Customer @key(fields: "id") {
      id: ID!
      companyName: String! @scopes(all: ["customers:read"])
    }
    type Allocation @scopes(all: ["payments:read"]) {
      id: ID!
      reference: String!
    }
    type Secret @staff {
      id: ID!
    }
  `),
  resolvers: {
    Query: {
      invoice: () => ({ id: 'i-1' }),
      secrets: () => [{ id: 's-1' }],
    },
    Invoice: {
      __resolveReference: (ref: { id: string }) => ref,
      customer: () => ({ id: 'c-1', companyName: 'Acme' }),
      allocations: () => [{ id: 'a-1', reference: 'REF-1' }],
    },
  } as never,
});
enforceSchemaRules(schema);

const partner = (scopes: string[]): Principal => ({
  kind: 'partner',
  clientId: 'p',
  scopes,
  customerIds: null,
});

async function run(source: string, principal: Principal) {
  const result = await graphql({ schema, source, contextValue: { principal } });
  return {
    data: result.data ?? null,
    errors: result.errors?.map((e) => `${String(e.extensions.code)}: ${e.message}`) ?? [],
  };
}

describe("a subgraph's own wall", () => {
  it("enforces a field's rule", async () => {
    const query = '{ invoice { id customer { id companyName } } }';
    expect((await run(query, partner(['invoices:read']))).errors).toEqual([
      'FORBIDDEN: Missing scope: customers:read',
    ]);
    expect((await run(query, partner(['customers:read']))).data).toEqual({
      invoice: { id: 'i-1', customer: { id: 'c-1', companyName: 'Acme' } },
    });
    expect((await run('{ invoice { customer { id } } }', partner([]))).errors).toEqual([]);
  });

  it("enforces a type's rule on the field that returns it and on each of its fields", async () => {
    const denied = await run('{ invoice { allocations { id } } }', partner(['invoices:read']));
    expect(denied.errors).toEqual(['FORBIDDEN: Missing scope: payments:read']);
    expect(JSON.stringify(denied.data)).not.toContain('a-1');
    const viaEntities = await run(
      '{ _entities(representations: [{ __typename: "Invoice", id: "i-1" }]) { ... on Invoice { allocations { reference } } } }',
      partner([]),
    );
    expect(viaEntities.errors).toEqual(['FORBIDDEN: Missing scope: payments:read']);
    expect(JSON.stringify(viaEntities.data)).not.toContain('REF-1');
    expect(
      (await run('{ invoice { allocations { reference } } }', partner(['payments:read']))).data,
    ).toEqual({ invoice: { allocations: [{ reference: 'REF-1' }] } });
  });

  it('enforces rules other than scopes the same way, and leaves people unlimited by scopes', async () => {
    const contact: Principal = { kind: 'contact', contactId: 'c', customerId: 'c-1' };
    expect((await run('{ secrets { id } }', contact)).errors[0]).toBe('FORBIDDEN: Staff only');
    expect((await run('{ invoice { id } }', { kind: 'anonymous' })).errors).toEqual([
      'UNAUTHENTICATED: Sign-in required',
    ]);
    expect(
      (await run('{ invoice { customer { companyName } allocations { id } } }', contact)).errors,
    ).toEqual([]);
  });
});
