import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { requireStaffUserId, StaffOnly } from '@portico/kit';
import { actorOf } from '../audit/audit.service';
import { SignInPayload } from '../auth/sign-in.inputs';
import { toSignInPayload } from '../auth/viewer.resolver';
import type { AccountsContext } from '../context';
import { Contact } from './contact.entity';

@InputType()
export class InviteContactInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The invitation goes here; it becomes the sign-in email.' })
  email!: string;
}

@InputType()
export class ContactIdInput {
  @Field(() => ID)
  contactId!: string;
}

@InputType()
export class AcceptInvitationInput {
  @Field(() => String, { description: 'The token from the invitation link.' })
  token!: string;

  @Field(() => String, {
    description: 'At least 8 characters; long passphrases welcome; common passwords are refused.',
  })
  password!: string;
}

@InputType()
export class AddContactInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Sign-in email; unique among contacts.' })
  email!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Mail a portal invitation now; otherwise `reinviteContact` invites later.',
  })
  invite!: boolean;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateContactInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new sign-in email.' })
  email?: string | null;
}

@ObjectType()
export class ContactPayload {
  @Field(() => Contact)
  contact!: Contact;
}

@Resolver(() => Contact)
export class ContactAccessResolver {
  @Mutation(() => ContactPayload, {
    description: 'Staff: add a contact to a customer and mail them a single-use portal invitation.',
  })
  @StaffOnly('admin', 'support')
  async inviteContact(
    @Arg('input', () => InviteContactInput) input: InviteContactInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return {
      contact: await ctx.services.contactAdmin.add(actorOf(ctx.principal), {
        ...input,
        invite: true,
      }),
    };
  }

  @Mutation(() => ContactPayload, {
    description:
      'Staff: mail a new invitation (the previous link stops working); restores portal access.',
  })
  @StaffOnly('admin', 'support')
  async reinviteContact(
    @Arg('input', () => ContactIdInput) input: ContactIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return {
      contact: await ctx.services.contactAccess.reinvite(
        actorOf(ctx.principal),
        requireStaffUserId(ctx),
        input.contactId,
      ),
    };
  }

  @Mutation(() => ContactPayload, {
    description: "Staff: end a contact's portal access now; their sessions and links stop working.",
  })
  @StaffOnly('admin', 'support')
  async revokePortalAccess(
    @Arg('input', () => ContactIdInput) input: ContactIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return {
      contact: await ctx.services.contactAccess.revokePortalAccess(
        actorOf(ctx.principal),
        input.contactId,
      ),
    };
  }

  @Mutation(() => ContactPayload, {
    description: 'Staff: disable a contact altogether (e.g. they left the company).',
  })
  @StaffOnly('admin', 'support')
  async disableContact(
    @Arg('input', () => ContactIdInput) input: ContactIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return {
      contact: await ctx.services.contactAccess.disable(actorOf(ctx.principal), input.contactId),
    };
  }

  @Mutation(() => ContactPayload, {
    description:
      'Staff: add a contact to a customer, with a portal invitation when `invite` is true.',
  })
  @StaffOnly('admin', 'support')
  async addContact(
    @Arg('input', () => AddContactInput) input: AddContactInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return { contact: await ctx.services.contactAdmin.add(actorOf(ctx.principal), input) };
  }

  @Mutation(() => ContactPayload, { description: "Staff: change a contact's name or email." })
  @StaffOnly('admin', 'support')
  async updateContact(
    @Arg('input', () => UpdateContactInput) input: UpdateContactInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    const { contactId, ...changes } = input;
    return {
      contact: await ctx.services.contactAdmin.update(actorOf(ctx.principal), contactId, changes),
    };
  }

  @Mutation(() => ContactPayload, {
    description:
      'Staff: remove a contact from its customer. Its sessions and links end now; what it did keeps its author.',
  })
  @StaffOnly('admin', 'support')
  async removeContact(
    @Arg('input', () => ContactIdInput) input: ContactIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
    return {
      contact: await ctx.services.contactAdmin.remove(actorOf(ctx.principal), input.contactId),
    };
  }

  @Mutation(() => SignInPayload, {
    description: 'Accept a portal invitation by choosing a password; signs the contact in.',
  })
  async acceptInvitation(
    @Arg('input', () => AcceptInvitationInput) input: AcceptInvitationInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SignInPayload> {
    const contact = await ctx.services.contactAccess.acceptInvitation(input.token, input.password);
    const result = await ctx.services.signIn.startContactSession(
      contact,
      ctx.clientAddress ?? 'unknown',
    );
    return toSignInPayload(result, ctx);
  }
}
