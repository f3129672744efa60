import { Field, InputType, ObjectType } from 'type-graphql';
import { AccessTokenPayload } from './access-token.types';
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
export class SignInPayload extends AccessTokenPayload {
  @Field(() => Viewer, { description: 'Who the token signs in.' })
  viewer!: Viewer;
}
