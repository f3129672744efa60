import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { codedError, ErrorCode, SignedIn } from '@portico/kit';
import { ContactPayload } from '../contact/contact-access.resolver';
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

@Resolver()
export class NotificationSettingsResolver {
  // The payload every contact mutation answers with.
  @Mutation(() => ContactPayload, {
    description:
      "Turn a contact's email notifications on or off: a contact for itself, staff for any contact. Partners may not.",
  })
  @SignedIn()
  async setEmailNotifications(
    @Arg('input', () => SetEmailNotificationsInput) input: SetEmailNotificationsInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ContactPayload> {
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
