import { Field, ObjectType } from 'type-graphql';
import { Customer } from './customer.entity';

@ObjectType({ description: 'Where a page ends and whether another follows.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'One page of customers, ordered by company name.' })
export class CustomerPage {
  @Field(() => [Customer])
  nodes!: Customer[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
