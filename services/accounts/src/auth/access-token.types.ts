import { Field, ObjectType } from 'type-graphql';

/** The fields every token-issuing payload shares. */
@ObjectType({ isAbstract: true })
export abstract class AccessTokenPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => Date)
  expiresAt!: Date;
}
