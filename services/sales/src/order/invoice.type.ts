import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Billing's Invoice, as sales knows it: only the key. Sales contributes
 * nothing to it; `PurchaseOrder.invoices` points at billing's, which
 * resolves (and scopes) them.
 */
@ObjectType({ description: 'An invoice (owned by billing).' })
@Directive('@key(fields: "id", resolvable: false)')
export class Invoice {
  @Field(() => ID)
  id!: string;
}
