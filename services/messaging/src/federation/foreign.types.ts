import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';

/*
 * Other subgraphs' entities as messaging knows them: only the key. Each
 * carries its owner's scope rule (every subgraph that defines a guarded
 * type carries the same rule).
 */

@ObjectType({ description: 'A business customer (owned by accounts).' })
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}

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

@ObjectType({
  description:
    'A file the business shares with a customer (or a customer sends the business), with its versions, downloads and acknowledgements.',
})
@Directive('@key(fields: "id")')
@RequireScopes('documents:read')
export class Document {
  @Field(() => ID)
  id!: string;
}

@ObjectType({
  description:
    'Who wrote a comment: a contact of the customer or a staff member, by name only (owned by accounts).',
})
@Directive('@key(fields: "id")')
export class Author {
  @Field(() => ID, { description: '`contact:<contactId>` or `staff:<staffUserId>`.' })
  id!: string;
}

@ObjectType({ description: "A member of the business's staff." })
@Directive('@key(fields: "id")')
export class StaffUser {
  @Field(() => ID)
  id!: string;
}
