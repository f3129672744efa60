import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode, sendJson, type RouteHandler } from '@portico/kit';
import type { BillingServices } from '../context';
import { Invoice } from '../invoice/invoice.entity';
import { documentLanguage } from './document-locale';
import {
  invoicePdfRefusal,
  statementDocumentParams,
  type StatementDocumentRequest,
} from './document-requests';
import { renderInvoicePdf } from './invoice-pdf';
import type { DocumentGrant, DocumentKind } from './signed-url';
import { renderStatementCsv, renderStatementPdf } from './statement-documents';

function send(res: ServerResponse, body: Buffer | string, type: string, filename: string): void {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(200, {
    'content-type': type,
    'content-length': data.length,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(data);
}

function statementRequest(grant: DocumentGrant): StatementDocumentRequest {
  const { currency = '', from = '', to = '', locale } = grant.params;
  return { currency, from, to, locale };
}

/** One answer for forged, expired and foreign links: no oracle. */
function refuse(res: ServerResponse): void {
  sendJson(res, 404, { error: 'This link is not valid or has expired' });
}

function inputRefusal(error: unknown): { error: string; code: string; field?: unknown } | null {
  if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.BadUserInput)
    return null;
  return { error: error.message, code: ErrorCode.BadUserInput, field: error.extensions.field };
}

/**
 * Public download routes behind signed links. Each link is checked (signature,
 * expiry, kind) and the document must still belong to the customer named in it.
 */
export function documentRoutes(services: BillingServices): Record<string, RouteHandler> {
  const route =
    (kind: DocumentKind, serve: (grant: DocumentGrant, res: ServerResponse) => Promise<boolean>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const grant = services.documents.verify(
        kind,
        url.searchParams.get('t'),
        url.searchParams.get('s'),
      );
      if (!grant) return refuse(res);
      let served: boolean;
      try {
        served = await serve(grant, res);
      } catch (error) {
        // A signed link names what the API accepted when it was minted; if
        // the same check refuses it now, say why as the API would, not 500.
        const coded = inputRefusal(error);
        if (!coded) throw error;
        return sendJson(res, 400, coded);
      }
      if (!served) refuse(res);
    };
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
