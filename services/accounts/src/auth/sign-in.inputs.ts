import { Field, InputType, ObjectType } from 'type-graphql';
import { Viewer } from './viewer.types';

@InputType({ description: 'Email and password of a portal contact or a staff user.' })
export class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@ObjectType({
  description: 'A short-lived access token; send it as `Authorization: Bearer <token>`.',
})
export class SignInPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => String, {
    description:
      'Trade it for new tokens with refreshSession before the access token expires; it works once.',
  })
  refreshToken!: string;

  @Field(() => Viewer, { description: 'Who the token signs in.' })
  viewer!: Viewer;
}
