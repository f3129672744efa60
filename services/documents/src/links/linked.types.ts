import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';

/*
 * The records of billing and sales a document can be attached to, as
 * documents knows them: only the key. Each carries its owner's scope rule
 * (every subgraph that defines a guarded type carries the same rule).
 */

@ObjectType({ description: 'An invoice sent to a customer. Drafts are visible to staff only.' })
@Directive('@key(fields: "id")')
@RequireScopes('invoices:read')
export class Invoice {
  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: 'A quote the business sent to a customer (owned by sales).' })
@Directive('@key(fields: "id")')
@RequireScopes('quotes:read')
export class Quote {
  @Field(() => ID)
  id!: string;
}

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
