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
