import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CustomerScoped, notFoundError, RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import { documentParty, DocumentParty, money, Money, parseParty } from '@portico/commerce';
import type { SalesContext } from '../context';
import { Customer } from '../customer/customer.type';
import { quotePdfParams } from '../documents/document-requests';
import { Quote, QuoteChangeRequest, QuoteDecision, QuoteLine, QuoteRevision } from './quote.entity';
import {
  AcceptQuoteInput,
  CreateQuoteInput,
  DeclineQuoteInput,
  QuoteIdInput,
  QuotePage,
  QuotePayload,
  RequestQuoteChangesInput,
  ReviseQuoteInput,
  UpdateDraftQuoteInput,
} from './quote.inputs';
import { currentOf } from './quote.rules';
import { quoteStatus, QuoteStatus } from './quote.status';

/** The quote's current revision, through the per-request loader. */
export async function currentRevisionOf(quote: Quote, ctx: SalesContext): Promise<QuoteRevision> {
  const revision = currentOf(quote, await ctx.loaders.revisionsByQuote.load(quote.id));
  if (!revision) throw new Error(`quote ${quote.id} has no revision ${quote.currentRevision}`);
  return revision;
}

/** Lines of a revision, each knowing the quote's currency (for its Money fields). */
export async function linesOf(
  revisionId: string,
  currency: string,
  ctx: SalesContext,
): Promise<QuoteLine[]> {
  const lines = await ctx.loaders.linesByRevision.load(revisionId);
  for (const line of lines) line.currency = currency;
  return lines;
}

export function pdfLocale(
  revision: QuoteRevision,
  locale: string | null | undefined,
): string | undefined {
  return locale ?? parseParty(revision.recipientParty)?.locale ?? undefined;
}

const LOCALE_ARG = {
  nullable: true,
  description: 'Document language: "en" or "es"; by default the customer\'s language.',
} as const;

/** A page of quotes in the principal's scope, primed into the per-request loader. */
export async function listQuotes(
  ctx: SalesContext,
  args: {
    customerId: string | null;
    status: QuoteStatus[] | null;
    first: number;
    after: string | null;
  },
): Promise<QuotePage> {
  const page = await ctx.services.quotes.list(ctx.principal, {
    customerId: args.customerId,
    statuses: args.status,
    first: args.first,
    after: args.after,
  });
  for (const node of page.nodes) ctx.loaders.quote.prime(node.id, node);
  return {
    nodes: page.nodes,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

@Resolver(() => Quote)
export class QuoteResolver {
  @Query(() => QuotePage, {
    description:
      "Quotes in your scope, newest first. Contacts see their own customer's (never drafts); staff may filter by customer.",
  })
  @SignedIn()
  @RequireScopes('quotes:read')
  @CustomerScoped('customerId')
  async quotes(
    @Ctx() ctx: SalesContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | null,
    @Arg('status', () => [QuoteStatus], { nullable: true }) status: QuoteStatus[] | null,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<QuotePage> {
    return listQuotes(ctx, { customerId, status, first, after });
  }

  @Query(() => Quote, {
    description:
      "One quote. Anything outside your scope, existing or not, is NOT_FOUND. A contact's first opening is recorded.",
  })
  @SignedIn()
  @RequireScopes('quotes:read')
  async quote(@Arg('id', () => ID) id: string, @Ctx() ctx: SalesContext): Promise<Quote> {
    const quote = await ctx.loaders.quote.load(id);
    if (!quote) throw notFoundError('Quote');
    await ctx.services.quotes.recordFirstView(ctx.principal, quote);
    return quote;
  }

  @FieldResolver(() => Int, { description: 'The current revision (1 for the first one sent).' })
  revision(@Root() quote: Quote): number {
    return quote.currentRevision;
  }

  @FieldResolver(() => QuoteStatus)
  status(@Root() quote: Quote): QuoteStatus {
    return quoteStatus(quote);
  }

  @FieldResolver(() => Customer)
  customer(@Root() quote: Quote): Customer {
    return { id: quote.customerId };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'YYYY-MM-DD the current revision was sent; null while a draft.',
  })
  issueDate(@Root() quote: Quote): string | null {
    return quote.issueDate;
  }

  @FieldResolver(() => String, { description: 'YYYY-MM-DD: the last day to accept.' })
  expiryDate(@Root() quote: Quote): string {
    return quote.expiryDate;
  }

  @FieldResolver(() => [QuoteLine], { description: "The current revision's lines." })
  async lines(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<QuoteLine[]> {
    return linesOf((await currentRevisionOf(quote, ctx)).id, quote.currency, ctx);
  }

  @FieldResolver(() => Money, { description: 'Required lines: quantity × unit price, summed.' })
  async subtotal(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<Money> {
    return money((await currentRevisionOf(quote, ctx)).subtotalMinor, quote.currency);
  }

  @FieldResolver(() => Money, { description: 'Required lines: discounts, summed.' })
  async discount(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<Money> {
    return money((await currentRevisionOf(quote, ctx)).discountMinor, quote.currency);
  }

  @FieldResolver(() => Money, { description: 'Required lines: tax, summed.' })
  async tax(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<Money> {
    return money((await currentRevisionOf(quote, ctx)).taxMinor, quote.currency);
  }

  @FieldResolver(() => Money, {
    description: 'Required lines: subtotal − discount + tax. Optional lines are not in it.',
  })
  async total(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<Money> {
    return money((await currentRevisionOf(quote, ctx)).totalMinor, quote.currency);
  }

  @FieldResolver(() => Money, { description: "The optional lines' totals, summed." })
  async optionalTotal(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<Money> {
    return money((await currentRevisionOf(quote, ctx)).optionalTotalMinor, quote.currency);
  }

  @FieldResolver(() => String, { nullable: true })
  async terms(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<string | null> {
    return (await currentRevisionOf(quote, ctx)).terms;
  }

  @FieldResolver(() => String, { nullable: true })
  async notes(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<string | null> {
    return (await currentRevisionOf(quote, ctx)).notes;
  }

  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The business that issued it, as printed on the current revision when it was sent (null while a draft).',
  })
  async issuer(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<DocumentParty | null> {
    return documentParty((await currentRevisionOf(quote, ctx)).issuerParty);
  }

  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The customer it is for, as printed on the current revision when it was sent (null while a draft).',
  })
  async recipient(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<DocumentParty | null> {
    return documentParty((await currentRevisionOf(quote, ctx)).recipientParty);
  }

  @FieldResolver(() => [QuoteRevision], {
    description:
      'Every revision, oldest first; the last is the current one. Each says what changed from the one before.',
  })
  revisions(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<QuoteRevision[]> {
    return ctx.loaders.revisionsByQuote.load(quote.id);
  }

  @FieldResolver(() => QuoteDecision, {
    nullable: true,
    description: "The customer's decision (accepted or declined), once made.",
  })
  decision(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<QuoteDecision | null> {
    return ctx.loaders.decisionByQuote.load(quote.id);
  }

  @FieldResolver(() => [QuoteChangeRequest], { description: 'Changes the customer asked for.' })
  changeRequests(@Root() quote: Quote, @Ctx() ctx: SalesContext): Promise<QuoteChangeRequest[]> {
    return ctx.loaders.changeRequestsByQuote.load(quote.id);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'Staff: when a contact first opened the quote in the portal.',
  })
  @StaffOnly()
  viewedAt(@Root() quote: Quote): Date | null {
    return quote.firstViewedAt;
  }

  @FieldResolver(() => String, {
    description:
      "A link to the current revision as a print-ready PDF, valid for a few minutes, for this quote's customer only.",
  })
  @SignedIn()
  @RequireScopes('quotes:read')
  async pdfUrl(
    @Root() quote: Quote,
    @Ctx() ctx: SalesContext,
    @Arg('locale', () => String, LOCALE_ARG) locale: string | null | undefined,
  ): Promise<string> {
    const revision = await currentRevisionOf(quote, ctx);
    return ctx.services.documents.url({
      kind: 'quote.pdf',
      customerId: quote.customerId,
      params: quotePdfParams(quote, revision, pdfLocale(revision, locale)),
    });
  }

  @Mutation(() => QuotePayload, { description: 'Staff: a new draft quote.' })
  @StaffOnly('sales')
  async createQuote(
    @Arg('input', () => CreateQuoteInput) input: CreateQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quotes.createDraft(input) };
  }

  @Mutation(() => QuotePayload, { description: 'Staff: edit a draft.' })
  @StaffOnly('sales')
  async updateDraftQuote(
    @Arg('input', () => UpdateDraftQuoteInput) input: UpdateDraftQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quotes.updateDraft(input) };
  }

  @Mutation(() => QuotePayload, {
    description:
      'Staff: send a draft; it gets its number, its parties are frozen, and the customer sees it.',
  })
  @StaffOnly('sales')
  async sendQuote(
    @Arg('input', () => QuoteIdInput) input: QuoteIdInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quotes.send(input.id) };
  }

  @Mutation(() => QuotePayload, {
    description:
      'Staff: a new revision of a sent quote not yet decided (also after changes were asked, or once expired). It is sent at once and becomes the one the customer may decide on.',
  })
  @StaffOnly('sales')
  async reviseQuote(
    @Arg('input', () => ReviseQuoteInput) input: ReviseQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quotes.revise(input) };
  }

  @Mutation(() => QuotePayload, {
    description: 'Staff: withdraw a quote the customer has not decided on.',
  })
  @StaffOnly('sales')
  async withdrawQuote(
    @Arg('input', () => QuoteIdInput) input: QuoteIdInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quotes.withdraw(input.id) };
  }

  @Mutation(() => QuotePayload, {
    description:
      "Accept the current revision of one of your quotes, with the signer's name, the terms accepted and the optional lines chosen. Refused (BAD_USER_INPUT) with reason quote-already-decided, quote-expired, revision-superseded or quote-withdrawn.",
  })
  @SignedIn()
  @RequireScopes('quotes:decide')
  async acceptQuote(
    @Arg('input', () => AcceptQuoteInput) input: AcceptQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return {
      quote: await ctx.services.quoteDecisions.accept(ctx.principal, ctx.clientAddress, input),
    };
  }

  @Mutation(() => QuotePayload, {
    description:
      'Decline the current revision of one of your quotes, with a reason. Refused like acceptQuote.',
  })
  @SignedIn()
  @RequireScopes('quotes:decide')
  async declineQuote(
    @Arg('input', () => DeclineQuoteInput) input: DeclineQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return {
      quote: await ctx.services.quoteDecisions.decline(ctx.principal, ctx.clientAddress, input),
    };
  }

  @Mutation(() => QuotePayload, {
    description:
      'Ask the business for changes to the current revision, with a comment: the quote goes back to the business, undecided.',
  })
  @SignedIn()
  @RequireScopes('quotes:decide')
  async requestQuoteChanges(
    @Arg('input', () => RequestQuoteChangesInput) input: RequestQuoteChangesInput,
    @Ctx() ctx: SalesContext,
  ): Promise<QuotePayload> {
    return { quote: await ctx.services.quoteDecisions.requestChanges(ctx.principal, input) };
  }
}
