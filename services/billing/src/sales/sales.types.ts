import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';

/**
 * The sales subgraph's Quote, as billing knows it: only the key. Billing
 * contributes the invoices raised from it. The type's scope rule is sales'
 * (every subgraph that defines a guarded type carries the same rule).
 */
@ObjectType({ description: 'A quote the business sent to a customer (owned by sales).' })
@Directive('@key(fields: "id")')
@RequireScopes('quotes:read')
export class Quote {
  @Field(() => ID)
  id!: string;
}

/** The sales subgraph's PurchaseOrder, as billing knows it: only the key. */
@ObjectType({
  description:
    "The customer's purchase order as the business confirmed it (a sales order on the business's side; owned by sales).",
})
@Directive('@key(fields: "id")')
@RequireScopes('orders:read')
export class PurchaseOrder {
  @Field(() => ID)
  id!: string;
}
