import DataLoader from 'dataloader';
import { groupByKeys, type RequestMeta } from '@portico/kit';
import type {
  Quote,
  QuoteChangeRequest,
  QuoteDecision,
  QuoteLine,
  QuoteRevision,
} from './quote.entity';
import type { QuoteService } from './quote.service';

/**
 * Quotes load through the principal's row-level scope; revisions, lines,
 * decisions and change requests hang off quotes already in scope. One SQL
 * statement per batch, whatever the list's length.
 */
export function createQuoteLoaders(quotes: QuoteService, meta: RequestMeta) {
  return {
    quote: new DataLoader<string, Quote | null>(async (ids) => {
      const rows = await quotes.findVisible(meta.principal, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    revisionsByQuote: new DataLoader<string, QuoteRevision[]>(async (ids) =>
      groupByKeys(await quotes.revisionsFor(ids), (r) => r.quoteId, ids),
    ),
    linesByRevision: new DataLoader<string, QuoteLine[]>(async (ids) =>
      groupByKeys(await quotes.linesFor(ids), (l) => l.revisionId, ids),
    ),
    decisionByQuote: new DataLoader<string, QuoteDecision | null>(async (ids) => {
      const rows = await quotes.decisionsFor(ids);
      const byQuote = new Map(rows.map((r) => [r.quoteId, r]));
      return ids.map((id) => byQuote.get(id) ?? null);
    }),
    changeRequestsByQuote: new DataLoader<string, QuoteChangeRequest[]>(async (ids) =>
      groupByKeys(await quotes.changeRequestsFor(ids), (c) => c.quoteId, ids),
    ),
  };
}

export type QuoteLoaders = ReturnType<typeof createQuoteLoaders>;
