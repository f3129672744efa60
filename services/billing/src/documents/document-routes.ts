import type { ServerResponse } from 'node:http';
import type { RouteHandler } from '@portico/kit';
import {
  documentLanguage,
  sendFile as send,
  signedFileRoute,
  type DocumentGrant,
} from '@portico/commerce';
import type { BillingServices } from '../context';
import { Invoice } from '../invoice/invoice.entity';
import {
  invoicePdfRefusal,
  statementDocumentParams,
  type StatementDocumentRequest,
} from './document-requests';
import { renderInvoicePdf } from './invoice-pdf';
import { renderStatementCsv, renderStatementPdf } from './statement-documents';

function statementRequest(grant: DocumentGrant): StatementDocumentRequest {
  const { currency = '', from = '', to = '', locale } = grant.params;
  return { currency, from, to, locale };
}

/**
 * Public download routes behind signed links. Each link is checked (signature,
 * expiry, kind) and the document must still belong to the customer named in it.
 */
export function documentRoutes(services: BillingServices): Record<string, RouteHandler> {
  const route = (
    kind: string,
    serve: (grant: DocumentGrant, res: ServerResponse) => Promise<boolean>,
  ) => signedFileRoute(services.documents, kind, serve);
  return {
    '/files/invoice.pdf': route('invoice.pdf', async (grant, res) => {
      const invoice = await services.db.manager
        .getRepository(Invoice)
        .findOneBy({ id: grant.params.invoiceId ?? '' });
      // A draft looks like a missing invoice: contacts never see drafts.
      if (!invoice || invoice.customerId !== grant.customerId || invoicePdfRefusal(invoice))
        return false;
      const lines = await services.invoices.linesFor([invoice.id]);
      const pdf = await renderInvoicePdf(invoice, lines, documentLanguage(grant.params.locale));
      send(res, pdf, 'application/pdf', `${invoice.number ?? invoice.id}.pdf`);
      return true;
    }),
    '/files/statement.pdf': route('statement.pdf', async (grant, res) => {
      const { currency, from, to } = statementDocumentParams(statementRequest(grant));
      const statement = await services.statements.build(grant.customerId, currency, from, to);
      // A statement is printed now, so it shows both parties as they are now.
      const customer = await services.directory.find(grant.customerId);
      const parties = {
        issuer: await services.directory.issuer(),
        recipient: customer ? services.directory.recipient(customer) : null,
      };
      send(
        res,
        await renderStatementPdf(statement, documentLanguage(grant.params.locale), parties),
        'application/pdf',
        `statement-${from}-${to}.pdf`,
      );
      return true;
    }),
    '/files/statement.csv': route('statement.csv', async (grant, res) => {
      const { currency, from, to } = statementDocumentParams(statementRequest(grant));
      const statement = await services.statements.build(grant.customerId, currency, from, to);
      send(
        res,
        renderStatementCsv(statement, documentLanguage(grant.params.locale)),
        'text/csv; charset=utf-8',
        `statement-${from}-${to}.csv`,
      );
      return true;
    }),
  };
}
