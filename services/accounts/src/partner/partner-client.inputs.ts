import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { PartnerClient } from './partner-client.entity';

@InputType()
export class CreatePartnerClientInput {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'Scopes to grant, e.g. ["invoices:read"].' })
  scopes!: string[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Limit the client to these customers; omit for every customer.',
  })
  customerIds?: string[] | null;
}

@InputType()
export class PartnerClientIdInput {
  @Field(() => ID)
  id!: string;
}

@ObjectType({
  description: 'The client and its secret. The secret is shown here once and never again.',
})
export class PartnerClientSecretPayload {
  @Field(() => PartnerClient)
  client!: PartnerClient;

  @Field(() => String)
  clientSecret!: string;
}

@InputType()
export class RotatePartnerClientSecretInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, {
    defaultValue: true,
    description:
      'End the access tokens issued with the older secrets at once (their next request is refused). With false they live until they expire (up to 15 minutes).',
  })
  endIssuedTokens!: boolean;
}

@ObjectType({
  description: 'The client, its new secret (shown here once), and what became of its tokens.',
})
export class RotatePartnerClientSecretPayload {
  @Field(() => PartnerClient)
  client!: PartnerClient;

  @Field(() => String)
  clientSecret!: string;

  @Field(() => Boolean, {
    description:
      'True when the tokens issued with the older secrets were ended; false when they live until they expire.',
  })
  issuedTokensEnded!: boolean;
}

@ObjectType()
export class RevokePartnerClientPayload {
  @Field(() => PartnerClient)
  client!: PartnerClient;
}

@InputType({ description: 'Client credentials of a partner API client.' })
export class IssuePartnerTokenInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => String)
  clientSecret!: string;
}

@ObjectType({ description: 'A short-lived access token for a partner client.' })
export class PartnerTokenPayload {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  accessToken!: string;

  @Field(() => String, { description: 'Always "Bearer".' })
  tokenType!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => [String])
  scopes!: string[];
}
