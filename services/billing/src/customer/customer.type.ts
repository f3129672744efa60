import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The accounts subgraph's Customer, as billing knows it: only the key.
 * Billing contributes its invoices, balance, payments, credits and statement.
 */
@ObjectType({ description: 'A business customer (owned by accounts).' })
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}
