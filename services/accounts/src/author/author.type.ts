import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum AuthorKind {
  CONTACT = 'contact',
  STAFF = 'staff',
}
registerEnumType(AuthorKind, {
  name: 'AuthorKind',
  description: "CONTACT: a person of the customer. STAFF: a member of the business's staff.",
});

/**
 * Who wrote something another subgraph shows (a comment): a name and
 * nothing else, so a staff member's email and roles never reach a customer.
 */
@ObjectType({
  description:
    'Who wrote a comment: a contact of the customer or a staff member, by name only (owned by accounts).',
})
@Directive('@key(fields: "id")')
export class Author {
  @Field(() => ID, { description: '`contact:<contactId>` or `staff:<staffUserId>`.' })
  id!: string;

  @Field(() => AuthorKind)
  kind!: AuthorKind;

  @Field(() => String)
  name!: string;
}
