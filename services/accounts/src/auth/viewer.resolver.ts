import { Ctx, Mutation, Query, Resolver, Arg } from 'type-graphql';
import { createAccountsContext, type AccountsContext } from '../context';
import { SignInInput, SignInPayload } from './sign-in.inputs';
import type { SignInResult } from './sign-in.service';
import { loadViewer, Viewer } from './viewer.types';

/** Requests reach accounts only through the gateway, which always forwards the address. */
function addressOf(ctx: AccountsContext): string {
  return ctx.clientAddress ?? 'unknown';
}

function viewerLoaders(ctx: AccountsContext) {
  return {
    contactById: (id: string) => ctx.loaders.contacts.byId.load(id),
    customerById: (id: string) => ctx.loaders.customer.load(id),
    staffUserById: (id: string) => ctx.loaders.staffUser.load(id),
  };
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who is signed in; kind ANONYMOUS when nobody is.' })
  viewer(@Ctx() ctx: AccountsContext): Promise<Viewer> {
    return loadViewer(ctx.principal, viewerLoaders(ctx));
  }

  @Mutation(() => SignInPayload, {
    description: 'Portal sign-in for a customer contact. Fails with INVALID_CREDENTIALS.',
  })
  async signIn(
    @Arg('input', () => SignInInput) input: SignInInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SignInPayload> {
    return toSignInPayload(
      await ctx.services.signIn.signInContact(input.email, input.password, addressOf(ctx)),
      ctx,
    );
  }

  @Mutation(() => SignInPayload, {
    description: "Sign-in for the business's staff. Fails with INVALID_CREDENTIALS.",
  })
  async signInStaff(
    @Arg('input', () => SignInInput) input: SignInInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<SignInPayload> {
    return toSignInPayload(
      await ctx.services.signIn.signInStaff(input.email, input.password, addressOf(ctx)),
      ctx,
    );
  }
}

export async function toSignInPayload(
  result: SignInResult,
  ctx: AccountsContext,
): Promise<SignInPayload> {
  // The request itself was anonymous; the payload describes the new principal,
  // read with a loader scoped to that principal.
  const scoped = createAccountsContext(ctx.services, {
    principal: result.principal,
    requestId: ctx.requestId,
  });
  return {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    tokenType: 'Bearer',
    expiresAt: result.expiresAt,
    viewer: await loadViewer(result.principal, viewerLoaders(scoped)),
  };
}
