import type { GraphQLError } from 'graphql';
import { badInput, documentLanguage } from '@portico/commerce';
import type { Quote, QuoteRevision } from '../quote/quote.entity';

/**
 * What a quote PDF link may name, checked by one function both when a link
 * is minted and when it is served: the API never hands out a link that the
 * route would refuse.
 */
export function quotePdfRefusal(quote: Quote, revision: QuoteRevision | null): GraphQLError | null {
  if (quote.state === 'draft') return badInput('drafts have no PDF', 'id');
  if (!revision || revision.quoteId !== quote.id || !revision.sentAt) {
    return badInput('this revision was never sent', 'revision');
  }
  return null;
}

/** The grant parameters of a revision's PDF link; throws when it has none. */
export function quotePdfParams(
  quote: Quote,
  revision: QuoteRevision | null,
  locale?: string,
): Record<string, string> {
  const refusal = quotePdfRefusal(quote, revision);
  if (refusal) throw refusal;
  return {
    quoteId: quote.id,
    revision: String(revision!.revision),
    locale: documentLanguage(locale),
  };
}
