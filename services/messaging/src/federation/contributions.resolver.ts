import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { canSeeCustomer, RequireScopes, SignedIn } from '@portico/kit';
import type { MessagingContext } from '../context';
import { ThreadPage } from '../thread/thread.inputs';
import { threadPage } from '../thread/thread.resolver';
import { threadIdOf, type RecordKind } from '../thread/thread-id';
import { Thread } from '../thread/thread.types';
import { Customer, Document, Invoice, PurchaseOrder, Quote } from './foreign.types';

const recordThread = (what: string) =>
  ({
    nullable: true,
    description: `The conversation about this ${what}, in your scope (answered before anything is written in it). Null while messaging has not heard of the ${what}.`,
  }) as const;

function threadOf(ctx: MessagingContext, kind: RecordKind, id: string): Promise<Thread | null> {
  return ctx.loaders.thread.load(threadIdOf({ kind, id }));
}

/** What messaging adds to accounts' Customer: its threads, in the principal's scope. */
@Resolver(() => Customer)
export class CustomerThreadsResolver {
  @FieldResolver(() => ThreadPage, {
    description:
      "This customer's threads with anything in them you can see, latest activity first.",
  })
  @SignedIn()
  @RequireScopes('messages:read')
  async threads(
    @Root() customer: Customer,
    @Ctx() ctx: MessagingContext,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ThreadPage> {
    return threadPage(
      ctx,
      await ctx.services.threadReads.listForCustomer(ctx.principal, customer.id, first, after),
    );
  }

  @FieldResolver(() => Thread, {
    nullable: true,
    description:
      "The customer's general conversation with the business (answered before anything is written in it).",
  })
  @SignedIn()
  @RequireScopes('messages:read')
  conversation(@Root() customer: Customer, @Ctx() ctx: MessagingContext): Promise<Thread | null> {
    if (!canSeeCustomer(ctx.principal, customer.id)) return Promise.resolve(null);
    return ctx.loaders.thread.load(threadIdOf({ kind: 'general', id: customer.id }));
  }
}

@Resolver(() => Invoice)
export class InvoiceThreadResolver {
  @FieldResolver(() => Thread, recordThread('invoice'))
  @SignedIn()
  @RequireScopes('messages:read')
  thread(@Root() invoice: Invoice, @Ctx() ctx: MessagingContext): Promise<Thread | null> {
    return threadOf(ctx, 'invoice', invoice.id);
  }
}

@Resolver(() => Quote)
export class QuoteThreadResolver {
  @FieldResolver(() => Thread, recordThread('quote'))
  @SignedIn()
  @RequireScopes('messages:read')
  thread(@Root() quote: Quote, @Ctx() ctx: MessagingContext): Promise<Thread | null> {
    return threadOf(ctx, 'quote', quote.id);
  }
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderThreadResolver {
  @FieldResolver(() => Thread, recordThread('purchase order'))
  @SignedIn()
  @RequireScopes('messages:read')
  thread(@Root() order: PurchaseOrder, @Ctx() ctx: MessagingContext): Promise<Thread | null> {
    return threadOf(ctx, 'purchase_order', order.id);
  }
}

@Resolver(() => Document)
export class DocumentThreadResolver {
  @FieldResolver(() => Thread, recordThread('document'))
  @SignedIn()
  @RequireScopes('messages:read')
  thread(@Root() document: Document, @Ctx() ctx: MessagingContext): Promise<Thread | null> {
    return threadOf(ctx, 'document', document.id);
  }
}
