import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The accounts subgraph's Customer, as documents knows it: only the key. */
@ObjectType({ description: 'A business customer (owned by accounts).' })
@Directive('@key(fields: "id")')
export class Customer {
  @Field(() => ID)
  id!: string;
}
