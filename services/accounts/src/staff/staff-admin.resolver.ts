import {
  Arg,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { StaffOnly } from '@portico/kit';
import { actorOf } from '../audit/audit.service';
import { SignInPayload } from '../auth/sign-in.inputs';
import { toSignInPayload } from '../auth/viewer.resolver';
import type { AccountsContext } from '../context';
import { StaffRole, StaffUser } from './staff-user.entity';

@InputType()
export class InviteStaffUserInput {
  @Field(() => String, { description: 'The invitation goes here; it becomes the sign-in email.' })
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [StaffRole], { description: 'At least one.' })
  roles!: StaffRole[];
}

@InputType()
export class UpdateStaffUserRolesInput {
  @Field(() => ID)
  staffUserId!: string;

  @Field(() => [StaffRole], { description: 'The new roles, replacing the old; at least one.' })
  roles!: StaffRole[];
}

@InputType()
export class StaffUserIdInput {
  @Field(() => ID)
  staffUserId!: string;
}

@InputType()
export class AcceptStaffInvitationInput {
  @Field(() => String, { description: 'The token from the invitation link.' })
  token!: string;

  @Field(() => String, {
    description: 'At least 8 characters; long passphrases welcome; common passwords are refused.',
  })
  password!: string;
}

@ObjectType()
export class StaffUserPayload {
  @Field(() => StaffUser)
  staffUser!: StaffUser;
}

@Resolver(() => StaffUser)
export class StaffAdminResolver {
  @Query(() => [StaffUser], { description: 'Staff admins: every staff user, by email.' })
  @StaffOnly('admin')
  staffUsers(@Ctx() ctx: AccountsContext): Promise<StaffUser[]> {
    return ctx.services.staffAdmin.list();
  }

  @Mutation(() => StaffUserPayload, {
    description:
      'Staff admins: invite a staff user by email, with roles; they choose a password. Inviting a user who has not accepted yet mails a new link (the old one stops working).',
  })
  @StaffOnly('admin')
  async inviteStaffUser(
    @Arg('input', () => InviteStaffUserInput) input: InviteStaffUserInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<StaffUserPayload> {
    return { staffUser: await ctx.services.staffAdmin.invite(actorOf(ctx.principal), input) };
  }

  @Mutation(() => StaffUserPayload, {
    description:
      "Staff admins: replace a user's roles. Taking a role away ends their sessions. The last active admin keeps ADMIN.",
  })
  @StaffOnly('admin')
  async updateStaffUserRoles(
    @Arg('input', () => UpdateStaffUserRolesInput) input: UpdateStaffUserRolesInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<StaffUserPayload> {
    return {
      staffUser: await ctx.services.staffAdmin.updateRoles(
        actorOf(ctx.principal),
        input.staffUserId,
        input.roles,
      ),
    };
  }

  @Mutation(() => StaffUserPayload, {
    description:
      'Staff admins: disable a staff user; their sessions end now. The last active admin cannot be disabled.',
  })
  @StaffOnly('admin')
  async disableStaffUser(
    @Arg('input', () => StaffUserIdInput) input: StaffUserIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<StaffUserPayload> {
    return {
      staffUser: await ctx.services.staffAdmin.disable(actorOf(ctx.principal), input.staffUserId),
    };
  }

  @Mutation(() => SignInPayload, {
    description: 'Accept a staff invitation by choosing a password; signs the staff user in.',
  })
  async acceptStaffInvitation(
    @Arg('input', () => AcceptStaffInvitationInput) input: AcceptStaffInvitationInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SignInPayload> {
    const staff = await ctx.services.staffAdmin.acceptInvitation(input.token, input.password);
    const result = await ctx.services.signIn.startStaffSession(
      staff,
      ctx.clientAddress ?? 'unknown',
    );
    return toSignInPayload(result, ctx);
  }
}
