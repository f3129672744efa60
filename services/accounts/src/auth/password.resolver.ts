import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { codedError, ErrorCode, SignedIn } from '@portico/kit';
import type { AccountsContext } from '../context';
import { sessionSubjectOf } from '../session/session.service';

@InputType()
export class RequestPasswordResetInput {
  @Field(() => String)
  email!: string;
}

@ObjectType()
export class RequestPasswordResetPayload {
  @Field(() => Boolean, {
    description: 'Always true: whether the email belongs to anyone is not revealed.',
  })
  accepted!: boolean;
}

@InputType()
export class ResetPasswordInput {
  @Field(() => String, { description: 'The token from the reset link.' })
  token!: string;

  @Field(() => String)
  newPassword!: string;
}

@ObjectType()
export class ResetPasswordPayload {
  @Field(() => Boolean)
  passwordChanged!: boolean;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String)
  newPassword!: string;
}

@ObjectType()
export class ChangePasswordPayload {
  @Field(() => Int, { description: 'Other sessions that were ended; this one stays signed in.' })
  otherSessionsEnded!: number;
}

@Resolver()
export class PasswordResolver {
  @Mutation(() => RequestPasswordResetPayload, {
    description: 'Mail a portal contact a single-use password reset link, if the email is theirs.',
  })
  async requestPasswordReset(
    @Arg('input', () => RequestPasswordResetInput) input: RequestPasswordResetInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<RequestPasswordResetPayload> {
    await ctx.services.passwords.requestReset(input.email, ctx.clientAddress ?? 'unknown');
    return { accepted: true };
  }

  @Mutation(() => ResetPasswordPayload, {
    description: 'Set a new password from a reset link; every session of the contact ends.',
  })
  async resetPassword(
    @Arg('input', () => ResetPasswordInput) input: ResetPasswordInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ResetPasswordPayload> {
    await ctx.services.passwords.reset(input.token, input.newPassword);
    return { passwordChanged: true };
  }

  @Mutation(() => ChangePasswordPayload, {
    description: "Change the signed-in person's password; other sessions end.",
  })
  @SignedIn()
  async changePassword(
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<ChangePasswordPayload> {
    const subject = sessionSubjectOf(ctx.principal);
    if (!subject) throw codedError(ErrorCode.Forbidden, 'Only people have passwords');
    const ended = await ctx.services.passwords.change(
      { kind: subject.kind, id: subject.id },
      subject.sessionId,
      input.currentPassword,
      input.newPassword,
      ctx.clientAddress ?? 'unknown',
    );
    return { otherSessionsEnded: ended };
  }
}
