import { composeSupergraph, subgraphSchemaHeader } from '@portico/kit';
import { buildSchema as buildAccountsSchema } from '@portico/accounts';
import { buildSchema } from '@portico/billing';

/**
 * Sales owns Quote and PurchaseOrder; billing adds their invoices on key-only
 * stubs. This stands in for sales' schema (only what the stubs must agree
 * with: the key `id: ID!`, the types' scope rules) to check that billing's
 * subgraph composes with it and that each field is planned on the right side.
 */
const SALES_STAND_IN = `${subgraphSchemaHeader()}
type Query {
  quote(id: ID!): Quote! @signedIn @scopes(all: ["quotes:read"])
}
type Quote @key(fields: "id") @scopes(all: ["quotes:read"]) {
  id: ID!
  number: String!
  purchaseOrder: PurchaseOrder
}
type PurchaseOrder @key(fields: "id") @scopes(all: ["orders:read"]) {
  id: ID!
  number: String!
  quote: Quote
}
type Customer @key(fields: "id") {
  id: ID!
  quotes: [Quote!]!
}
`;

describe("billing's sales stubs", () => {
  it('compose with a sales subgraph that owns Quote and PurchaseOrder', async () => {
    const supergraph = composeSupergraph([
      { name: 'accounts', sdl: (await buildAccountsSchema()).sdl, routingUrl: 'http://a/graphql' },
      { name: 'billing', sdl: (await buildSchema()).sdl, routingUrl: 'http://b/graphql' },
      { name: 'sales', sdl: SALES_STAND_IN, routingUrl: 'http://s/graphql' },
    ]);
    const typeBlock = (name: string) =>
      new RegExp(`^type ${name}\\b[^{]*\\{[^}]*\\}`, 'm').exec(supergraph)?.[0] ?? '';
    for (const [type, scope] of [
      ['Quote', 'quotes:read'],
      ['PurchaseOrder', 'orders:read'],
    ] as const) {
      const block = typeBlock(type);
      expect(block).toContain('@join__type(graph: BILLING, key: "id")');
      expect(block).toContain('@join__type(graph: SALES, key: "id")');
      expect(block).toContain(`@scopes(all: ["${scope}"])`);
      expect(block).toMatch(/invoices: \[Invoice!\]! @join__field\(graph: BILLING\)/);
      expect(block).toMatch(/number: String! @join__field\(graph: SALES\)/);
    }
    // Billing alone defines Invoice: its links are billing's fields, nullable.
    const invoice = typeBlock('Invoice');
    expect(invoice).toMatch(/^type Invoice\s+@join__type\(graph: BILLING, key: "id"\)\s+@scopes/);
    expect(invoice).toMatch(/\bquote: Quote\n/);
    expect(invoice).toMatch(/\bpurchaseOrder: PurchaseOrder\n/);
  });
});
