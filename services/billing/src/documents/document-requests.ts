import type { GraphQLError } from 'graphql';
import type { Invoice } from '../invoice/invoice.entity';
import { badInput, documentLanguage } from '@portico/commerce';
import { parseStatementRange } from '../statement/statement.service';

/**
 * What each document link may name, checked by one function per kind both
 * when a link is minted and when it is served: the API never hands out a link
 * that the route would refuse, and refuses it with the coded error the route
 * would give.
 */

/** Why an invoice has no PDF, or null when it has one. */
export function invoicePdfRefusal(invoice: Invoice): GraphQLError | null {
  return invoice.state === 'draft' ? badInput('drafts have no PDF', 'id') : null;
}

/** The grant parameters of an invoice's PDF link; throws when the invoice has none. */
export function invoicePdfParams(invoice: Invoice, locale?: string): Record<string, string> {
  const refusal = invoicePdfRefusal(invoice);
  if (refusal) throw refusal;
  return { invoiceId: invoice.id, locale: documentLanguage(locale) };
}

export interface StatementDocumentRequest {
  currency: string;
  from: string;
  to: string;
  locale?: string;
}

export interface StatementDocumentParams extends Record<string, string> {
  currency: string;
  from: string;
  to: string;
  locale: string;
}

/** The grant parameters of a statement link: the range exactly as `statement` accepts it. */
export function statementDocumentParams(
  request: StatementDocumentRequest,
): StatementDocumentParams {
  const { currency, from, to } = parseStatementRange(request.currency, request.from, request.to);
  return { currency, from, to, locale: documentLanguage(request.locale) };
}
