import type { RouteHandler } from '@portico/kit';
import { documentLanguage, sendFile, signedFileRoute } from '@portico/commerce';
import type { SalesServices } from '../context';
import { Quote, QuoteRevision } from '../quote/quote.entity';
import { quotePdfRefusal } from './document-requests';
import { renderQuotePdf } from './quote-pdf';

/**
 * Public download routes behind signed links. Each link is checked (signature,
 * expiry, kind), and the document must still belong to the customer named in
 * it and still be one the customer may see.
 */
export function documentRoutes(services: SalesServices): Record<string, RouteHandler> {
  return {
    '/files/quote.pdf': signedFileRoute(services.documents, 'quote.pdf', async (grant, res) => {
      const manager = services.db.manager;
      const quote = await manager
        .getRepository(Quote)
        .findOneBy({ id: grant.params.quoteId ?? '' });
      const number = Number(grant.params.revision);
      if (!quote || quote.customerId !== grant.customerId || !Number.isInteger(number)) {
        return false;
      }
      const revision = await manager
        .getRepository(QuoteRevision)
        .findOneBy({ quoteId: quote.id, revision: number });
      // A draft looks like a missing quote: customers never see drafts.
      if (quotePdfRefusal(quote, revision)) return false;
      const lines = await services.quotes.linesFor([revision!.id]);
      const pdf = await renderQuotePdf(
        quote,
        revision!,
        lines,
        documentLanguage(grant.params.locale),
      );
      sendFile(res, pdf, 'application/pdf', `${quote.number ?? quote.id}-r${number}.pdf`);
      return true;
    }),
  };
}
