import {
  Arg,
  Ctx,
  Field,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { codedError, ErrorCode, SignedIn, type Principal } from '@portico/kit';
import { SignInPayload } from '../auth/sign-in.inputs';
import { toSignInPayload } from '../auth/viewer.resolver';
import type { AccountsContext } from '../context';
import { Session } from './session.entity';
import { sessionSubjectOf, type SessionSubject } from './session.service';

@InputType()
export class RefreshSessionInput {
  @Field(() => String, { description: 'The refresh token from sign-in or the last refresh.' })
  refreshToken!: string;
}

@ObjectType()
export class SignOutPayload {
  @Field(() => Int, { description: 'How many sessions this ended.' })
  sessionsEnded!: number;
}

function subjectOf(principal: Principal): SessionSubject & { sessionId?: string } {
  const subject = sessionSubjectOf(principal);
  if (!subject) throw codedError(ErrorCode.Forbidden, 'Only people have sessions');
  return subject;
}

@Resolver(() => Session)
export class SessionResolver {
  @Mutation(() => SignInPayload, {
    description:
      'Trades a refresh token for new tokens. Each refresh token works once; using one twice ends its session.',
  })
  async refreshSession(
    @Arg('input', () => RefreshSessionInput) input: RefreshSessionInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SignInPayload> {
    return toSignInPayload(await ctx.services.signIn.refresh(input.refreshToken), ctx);
  }

  @Mutation(() => SignOutPayload, { description: 'Ends this session; its tokens stop working.' })
  @SignedIn()
  async signOut(@Ctx() ctx: AccountsContext): Promise<SignOutPayload> {
    const subject = subjectOf(ctx.principal);
    if (!subject.sessionId) return { sessionsEnded: 0 };
    const active = await ctx.services.sessions.isActive(subject.sessionId, subject);
    await ctx.services.sessions.revoke(subject.sessionId, 'signed-out');
    return { sessionsEnded: active ? 1 : 0 };
  }

  @Mutation(() => SignOutPayload, {
    description: 'Ends every session of the signed-in person, this one included.',
  })
  @SignedIn()
  async signOutEverywhere(@Ctx() ctx: AccountsContext): Promise<SignOutPayload> {
    const subject = subjectOf(ctx.principal);
    return {
      sessionsEnded: await ctx.services.sessions.revokeAll(subject, 'signed-out-everywhere'),
    };
  }

  @Query(() => [Session], { description: "The signed-in person's active sessions." })
  @SignedIn()
  mySessions(@Ctx() ctx: AccountsContext): Promise<Session[]> {
    return ctx.services.sessions.listActive(subjectOf(ctx.principal));
  }
}
