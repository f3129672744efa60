import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireStaffUserId, StaffOnly } from '@portico/kit';
import type { AccountsContext } from '../context';
import { PartnerClient } from './partner-client.entity';
import {
  CreatePartnerClientInput,
  IssuePartnerTokenInput,
  PartnerClientIdInput,
  PartnerClientSecretPayload,
  PartnerTokenPayload,
  RevokePartnerClientPayload,
  RotatePartnerClientSecretInput,
  RotatePartnerClientSecretPayload,
} from './partner-client.inputs';

@Resolver(() => PartnerClient)
export class PartnerClientResolver {
  @Query(() => [PartnerClient], { description: 'Staff admins: every partner API client.' })
  @StaffOnly('admin')
  partnerClients(@Ctx() ctx: AccountsContext): Promise<PartnerClient[]> {
    return ctx.services.partners.list();
  }

  @Mutation(() => PartnerClientSecretPayload, {
    description: 'Staff admins: a new partner client. Its secret is returned once.',
  })
  @StaffOnly('admin')
  async createPartnerClient(
    @Arg('input', () => CreatePartnerClientInput) input: CreatePartnerClientInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<PartnerClientSecretPayload> {
    const { client, secret } = await ctx.services.partners.create(requireStaffUserId(ctx), input);
    return { client, clientSecret: secret };
  }

  @Mutation(() => RotatePartnerClientSecretPayload, {
    description:
      "Staff admins: replace a client's secret; the old one gets no more tokens at once, and by default the tokens it issued end too.",
  })
  @StaffOnly('admin')
  async rotatePartnerClientSecret(
    @Arg('input', () => RotatePartnerClientSecretInput) input: RotatePartnerClientSecretInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<RotatePartnerClientSecretPayload> {
    const rotated = await ctx.services.partners.rotateSecret(input.id, {
      endIssuedTokens: input.endIssuedTokens,
    });
    return {
      client: rotated.client,
      clientSecret: rotated.secret,
      issuedTokensEnded: rotated.issuedTokensEnded,
    };
  }

  @Mutation(() => RevokePartnerClientPayload, {
    description: 'Staff admins: revoke a client; it gets no new tokens.',
  })
  @StaffOnly('admin')
  async revokePartnerClient(
    @Arg('input', () => PartnerClientIdInput) input: PartnerClientIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<RevokePartnerClientPayload> {
    return { client: await ctx.services.partners.revoke(input.id) };
  }

  @Mutation(() => PartnerTokenPayload, {
    description: 'Client-credentials sign-in for partners. Fails with INVALID_CREDENTIALS.',
  })
  async issuePartnerToken(
    @Arg('input', () => IssuePartnerTokenInput) input: IssuePartnerTokenInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<PartnerTokenPayload> {
    const issued = await ctx.services.partners.issueToken(input.clientId, input.clientSecret);
    return {
      accessToken: issued.accessToken,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      scopes: issued.client.scopes,
    };
  }
}
