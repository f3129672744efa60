import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * The accounts subgraph's Customer, as sales knows it: only the key.
 * Sales contributes its quotes and purchase orders.
 */
@ObjectType({ description: 'A business customer (owned by accounts).' })
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}
