import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';

/**
 * Billing's Invoice, as sales knows it: only the key. Sales contributes
 * nothing to it; `PurchaseOrder.invoices` points at billing's, which
 * resolves (and scopes) them.
 */
@ObjectType({ description: 'An invoice (owned by billing).' })
@Directive('@key(fields: "id", resolvable: false)')
// The same rule as billing's Invoice: every subgraph defining it carries it.
@RequireScopes('invoices:read')
export class Invoice {
  @Field(() => ID)
  id!: string;
}
