import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
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

@InputType({ description: 'A complete postal address.' })
export class PostalAddressInput {
  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2?: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true, description: 'State, province or county.' })
  region?: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code, e.g. "ES".' })
  country!: string;
}

export enum CustomerStatusFilter {
  ACTIVE = 'active',
  ARCHIVED = 'archived',
  ALL = 'all',
}
registerEnumType(CustomerStatusFilter, {
  name: 'CustomerStatusFilter',
  description: 'Which customers a list shows: active ones (the default), archived ones, or all.',
});

@InputType()
export class CreateCustomerInput {
  @Field(() => String, { description: 'Legal company name, as on invoices; 1 to 200 characters.' })
  companyName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Name shown in the portal; defaults to the company name.',
  })
  displayName?: string | null;

  @Field(() => String, { description: 'Billing email address.' })
  email!: string;

  @Field(() => PostalAddressInput)
  billingAddress!: PostalAddressInput;

  @Field(() => String, { nullable: true })
  taxId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "BCP 47 language tag; defaults to the organisation's default language.",
  })
  locale?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 4217 currency; defaults to the organisation's default currency.",
  })
  currency?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Staff-only notes, up to 10,000 characters.',
  })
  notes?: string | null;
}

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateCustomerInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => PostalAddressInput, { nullable: true, description: 'Replaces the whole address.' })
  billingAddress?: PostalAddressInput | null;

  @Field(() => String, { nullable: true })
  taxId?: string | null;

  @Field(() => String, { nullable: true })
  locale?: string | null;

  @Field(() => String, { nullable: true })
  currency?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@InputType()
export class CustomerIdInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class CustomerPayload {
  @Field(() => Customer)
  customer!: Customer;
}
