import type { EntityManager } from 'typeorm';
import { notFoundError, type Principal } from '@portico/kit';
import { Quote, QuoteDecision, QuoteLine, QuoteRevision } from './quote.entity';
import { refused, scopeQuotes } from './quote.rules';

/** What an accepted quote is, for turning it into a purchase order. */
export interface AcceptedQuote {
  quote: Quote;
  /** The revision the customer accepted. */
  revision: QuoteRevision;
  decision: QuoteDecision;
  /** The lines the customer ordered: every required line and the optional lines chosen, in order. */
  lines: QuoteLine[];
}

/**
 * Inside the caller's transaction: the accepted quote `quoteId` in the
 * principal's scope, with the revision accepted and the lines chosen.
 * Refused with `quote-not-accepted` unless accepted, `quote-already-converted`
 * once converted; NOT_FOUND outside the scope.
 */
export async function loadAcceptedQuote(
  manager: EntityManager,
  principal: Principal,
  quoteId: string,
): Promise<AcceptedQuote> {
  const query = scopeQuotes(manager.getRepository(Quote).createQueryBuilder('q'), principal);
  const quote = query ? await query.andWhere('q.id = :id', { id: quoteId }).getOne() : null;
  if (!quote) throw notFoundError('Quote');
  if (quote.state === 'converted') {
    throw refused('this quote has already been converted', 'quote-already-converted');
  }
  if (quote.state !== 'accepted') {
    throw refused('only accepted quotes can be converted', 'quote-not-accepted');
  }
  const decision = await manager.getRepository(QuoteDecision).findOneByOrFail({ quoteId });
  const revision = await manager
    .getRepository(QuoteRevision)
    .findOneByOrFail({ quoteId, revision: decision.revision });
  const chosen = new Set(JSON.parse(decision.optionalLineIds) as string[]);
  const lines = (
    await manager
      .getRepository(QuoteLine)
      .find({ where: { revisionId: revision.id }, order: { position: 'ASC' } })
  ).filter((line) => !line.optional || chosen.has(line.id));
  return { quote, revision, decision, lines };
}

/**
 * Inside the caller's transaction: marks the accepted quote converted into
 * `purchaseOrderId`, once (a conditional UPDATE from accepted; a second call,
 * or one racing it, is refused with `quote-already-converted`).
 */
export async function markQuoteConverted(
  manager: EntityManager,
  quoteId: string,
  purchaseOrderId: string,
  now: Date = new Date(),
): Promise<void> {
  const result = await manager
    .createQueryBuilder()
    .update(Quote)
    .set({ state: 'converted', convertedAt: now, purchaseOrderId, updatedAt: now })
    .where("id = :id AND state = 'accepted' AND purchaseOrderId IS NULL", { id: quoteId })
    .execute();
  if (!result.affected) {
    throw refused('this quote has already been converted', 'quote-already-converted');
  }
}

/**
 * Both at once, inside the caller's transaction: loads the accepted quote
 * (as `loadAcceptedQuote`) and marks it converted into `purchaseOrderId`.
 */
export async function convertAcceptedQuote(
  manager: EntityManager,
  principal: Principal,
  quoteId: string,
  purchaseOrderId: string,
  now: Date = new Date(),
): Promise<AcceptedQuote> {
  const accepted = await loadAcceptedQuote(manager, principal, quoteId);
  await markQuoteConverted(manager, quoteId, purchaseOrderId, now);
  Object.assign(accepted.quote, {
    state: 'converted',
    convertedAt: now,
    purchaseOrderId,
    updatedAt: now,
  });
  return accepted;
}
