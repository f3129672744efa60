import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import { documentParty, DocumentParty, money, Money } from '@portico/commerce';
import type { SalesContext } from '../context';
import { quotePdfParams } from '../documents/document-requests';
import { formatPercent, formatQuantityMilli, diffLines } from './quote.content';
import { Quote, QuoteChangeRequest, QuoteDecision, QuoteLine, QuoteRevision } from './quote.entity';
import { QuoteActor, QuoteRevisionChanges } from './quote.inputs';
import { QuoteDecisionKind, QuoteDeclineReason } from './quote.status';
import { linesOf, pdfLocale } from './quote.resolver';

async function quoteOf(revision: QuoteRevision, ctx: SalesContext): Promise<Quote> {
  const quote = await ctx.loaders.quote.load(revision.quoteId);
  if (!quote) throw new Error(`quote ${revision.quoteId} is out of scope`);
  return quote;
}

function actor(kind: string, id: string): QuoteActor {
  return {
    kind,
    contactId: kind === 'contact' ? id : null,
    partnerClientId: kind === 'partner' ? id : null,
  };
}

@Resolver(() => QuoteRevision)
export class QuoteRevisionResolver {
  @FieldResolver(() => [QuoteLine])
  async lines(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<QuoteLine[]> {
    return linesOf(revision.id, (await quoteOf(revision, ctx)).currency, ctx);
  }

  @FieldResolver(() => Money, { description: 'Required lines: quantity × unit price, summed.' })
  async subtotal(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(revision.subtotalMinor, (await quoteOf(revision, ctx)).currency);
  }

  @FieldResolver(() => Money)
  async discount(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(revision.discountMinor, (await quoteOf(revision, ctx)).currency);
  }

  @FieldResolver(() => Money)
  async tax(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(revision.taxMinor, (await quoteOf(revision, ctx)).currency);
  }

  @FieldResolver(() => Money, { description: 'Required lines only.' })
  async total(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(revision.totalMinor, (await quoteOf(revision, ctx)).currency);
  }

  @FieldResolver(() => Money, { description: "The optional lines' totals, summed." })
  async optionalTotal(@Root() revision: QuoteRevision, @Ctx() ctx: SalesContext): Promise<Money> {
    return money(revision.optionalTotalMinor, (await quoteOf(revision, ctx)).currency);
  }

  @FieldResolver(() => DocumentParty, { nullable: true })
  issuer(@Root() revision: QuoteRevision): DocumentParty | null {
    return documentParty(revision.issuerParty);
  }

  @FieldResolver(() => DocumentParty, { nullable: true })
  recipient(@Root() revision: QuoteRevision): DocumentParty | null {
    return documentParty(revision.recipientParty);
  }

  @FieldResolver(() => QuoteRevisionChanges, {
    nullable: true,
    description: 'What changed from the previous revision; null for the first.',
  })
  async changes(
    @Root() revision: QuoteRevision,
    @Ctx() ctx: SalesContext,
  ): Promise<QuoteRevisionChanges | null> {
    if (revision.revision === 1) return null;
    const revisions = await ctx.loaders.revisionsByQuote.load(revision.quoteId);
    const previous = revisions.find((r) => r.revision === revision.revision - 1);
    if (!previous) return null;
    const { currency } = await quoteOf(revision, ctx);
    const [before, after] = await Promise.all([
      linesOf(previous.id, currency, ctx),
      linesOf(revision.id, currency, ctx),
    ]);
    const diff = diffLines(before, after);
    return {
      previousRevision: previous.revision,
      linesAdded: diff.added,
      linesRemoved: diff.removed,
      linesChanged: diff.changed,
      expiryDateChanged: previous.expiryDate !== revision.expiryDate,
      previousExpiryDate: previous.expiryDate !== revision.expiryDate ? previous.expiryDate : null,
      termsChanged: previous.terms !== revision.terms,
      previousTerms: previous.terms !== revision.terms ? previous.terms : null,
      notesChanged: previous.notes !== revision.notes,
      previousNotes: previous.notes !== revision.notes ? previous.notes : null,
      previousTotal: money(previous.totalMinor, currency),
      totalDifference: money(revision.totalMinor - previous.totalMinor, currency),
    };
  }

  @FieldResolver(() => String, {
    description: 'A link to this revision as a print-ready PDF, valid for a few minutes.',
  })
  @SignedIn()
  @RequireScopes('quotes:read')
  async pdfUrl(
    @Root() revision: QuoteRevision,
    @Ctx() ctx: SalesContext,
    @Arg('locale', () => String, {
      nullable: true,
      description: 'Document language: "en" or "es"; by default the customer\'s language.',
    })
    locale: string | null | undefined,
  ): Promise<string> {
    const quote = await quoteOf(revision, ctx);
    return ctx.services.documents.url({
      kind: 'quote.pdf',
      customerId: quote.customerId,
      params: quotePdfParams(quote, revision, pdfLocale(revision, locale)),
    });
  }
}

@Resolver(() => QuoteLine)
export class QuoteLineResolver {
  @FieldResolver(() => String, { description: 'Decimal quantity, e.g. "1.5".' })
  quantity(@Root() line: QuoteLine): string {
    return formatQuantityMilli(line.quantityMilli);
  }

  @FieldResolver(() => Money)
  unitPrice(@Root() line: QuoteLine): Money {
    return money(line.unitPriceMinor, line.currency ?? 'XXX');
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "10".' })
  discountPercent(@Root() line: QuoteLine): string {
    return formatPercent(line.discountBasisPoints);
  }

  @FieldResolver(() => Money)
  discount(@Root() line: QuoteLine): Money {
    return money(line.discountMinor, line.currency ?? 'XXX');
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "21".' })
  taxPercent(@Root() line: QuoteLine): string {
    return formatPercent(line.taxBasisPoints);
  }

  @FieldResolver(() => Money)
  tax(@Root() line: QuoteLine): Money {
    return money(line.taxMinor, line.currency ?? 'XXX');
  }

  @FieldResolver(() => Money, {
    description: 'quantity × unit price − discount + tax, rounded half-up per line.',
  })
  total(@Root() line: QuoteLine): Money {
    return money(line.totalMinor, line.currency ?? 'XXX');
  }
}

@Resolver(() => QuoteDecision)
export class QuoteDecisionResolver {
  @FieldResolver(() => QuoteDecisionKind)
  kind(@Root() decision: QuoteDecision): QuoteDecisionKind {
    return decision.kind === 'accepted' ? QuoteDecisionKind.ACCEPTED : QuoteDecisionKind.DECLINED;
  }

  @FieldResolver(() => QuoteActor, { description: 'Who decided: a contact or a partner client.' })
  decidedBy(@Root() decision: QuoteDecision): QuoteActor {
    return actor(decision.actorKind, decision.actorId);
  }

  @FieldResolver(() => [ID], { description: 'Accepted: the optional lines chosen.' })
  optionalLineIds(@Root() decision: QuoteDecision): string[] {
    return JSON.parse(decision.optionalLineIds) as string[];
  }

  @FieldResolver(() => QuoteDeclineReason, { nullable: true, description: 'Declined: why.' })
  reasonCode(@Root() decision: QuoteDecision): QuoteDeclineReason | null {
    return (decision.reasonCode as QuoteDeclineReason | null) ?? null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Staff: the address the decision came from, as the gateway saw the client.',
  })
  @StaffOnly()
  clientAddress(@Root() decision: QuoteDecision): string | null {
    return decision.clientAddress;
  }
}

@Resolver(() => QuoteChangeRequest)
export class QuoteChangeRequestResolver {
  @FieldResolver(() => QuoteActor)
  requestedBy(@Root() request: QuoteChangeRequest): QuoteActor {
    return actor(request.actorKind, request.actorId);
  }
}
