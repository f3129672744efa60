import { Field } from 'type-graphql';

/**
 * The fields every token-issuing payload shares. Not an @ObjectType itself:
 * type-graphql copies inherited @Field metadata into each subclass.
 */
export abstract class AccessTokenPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => Date)
  expiresAt!: Date;
}
