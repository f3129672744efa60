import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { codedError, ErrorCode, SignedIn } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import type { AccountsContext } from '../context';

@InputType({ description: "Turns a contact's email notifications on or off." })
export class SetEmailNotificationsInput {
  @Field(() => ID, { description: 'A contact signed in may name only itself.' })
  contactId!: string;

  @Field(() => Boolean, {
    description:
      'true: mailed when the business replies or shares a document; false: no such mail.',
  })
  enabled!: boolean;
}

@ObjectType({ description: 'The contact with its notification setting as it now is.' })
export class SetEmailNotificationsPayload {
  @Field(() => Contact)
  contact!: Contact;
}

@Resolver()
export class NotificationSettingsResolver {
  @Mutation(() => SetEmailNotificationsPayload, {
    description:
      "Turn a contact's email notifications on or off: a contact for itself, staff for any contact. Partners may not.",
  })
  @SignedIn()
  async setEmailNotifications(
    @Arg('input', () => SetEmailNotificationsInput) input: SetEmailNotificationsInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SetEmailNotificationsPayload> {
    if (ctx.principal.kind === 'partner') {
      throw codedError(ErrorCode.Forbidden, 'Partners cannot change notification settings');
    }
    return {
      contact: await ctx.services.notificationSettings.setEmailNotifications(
        ctx.principal,
        input.contactId,
        input.enabled,
      ),
    };
  }
}
