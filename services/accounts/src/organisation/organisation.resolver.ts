import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { SignedIn, StaffOnly } from '@portico/kit';
import { actorOf } from '../audit/audit.service';
import type { AccountsContext } from '../context';
import { PostalAddressInput } from '../customer/customer.inputs';
import { OrganisationProfile } from './organisation.entity';

@InputType({ description: 'Fields left out stay as they are; null clears an optional field.' })
export class UpdateOrganisationProfileInput {
  @Field(() => String, { nullable: true })
  legalName?: string | null;

  @Field(() => String, { nullable: true })
  tradingName?: string | null;

  @Field(() => PostalAddressInput, { nullable: true, description: 'Replaces the whole address.' })
  address?: PostalAddressInput | null;

  @Field(() => String, { nullable: true })
  taxId?: string | null;

  @Field(() => String, { nullable: true })
  supportEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217, e.g. "EUR".' })
  defaultCurrency?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47, e.g. "en" or "es-ES".' })
  defaultLocale?: string | null;

  @Field(() => String, { nullable: true, description: "The customer portal's public URL." })
  portalUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The logo as base64: a PNG or JPEG of at most 60 KiB, recognised by its bytes. Null removes it.',
  })
  logoBase64?: string | null;
}

@ObjectType()
export class OrganisationProfilePayload {
  @Field(() => OrganisationProfile)
  organisation!: OrganisationProfile;
}

@Resolver(() => OrganisationProfile)
export class OrganisationResolver {
  @Query(() => OrganisationProfile, {
    nullable: true,
    description:
      'The business that issues invoices and runs the portal; null until an admin sets it up.',
  })
  @SignedIn()
  organisation(@Ctx() ctx: AccountsContext): Promise<OrganisationProfile | null> {
    return ctx.services.organisation.get();
  }

  @Mutation(() => OrganisationProfilePayload, {
    description:
      'Staff admins: change the organisation profile (the first call creates it and needs every required field).',
  })
  @StaffOnly('admin')
  async updateOrganisationProfile(
    @Arg('input', () => UpdateOrganisationProfileInput) input: UpdateOrganisationProfileInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<OrganisationProfilePayload> {
    return {
      organisation: await ctx.services.organisation.update(actorOf(ctx.principal), input),
    };
  }

  @FieldResolver(() => Date, { description: 'Staff: when the profile last changed.' })
  @StaffOnly()
  updatedAt(@Root() profile: OrganisationProfile): Date {
    return profile.updatedAt;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Staff: the staff user who last changed it (null when the system did).',
  })
  @StaffOnly()
  updatedByStaffUserId(@Root() profile: OrganisationProfile): string | null {
    return profile.updatedByKind === 'staff' ? profile.updatedById : null;
  }
}
