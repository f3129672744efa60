import { badInput, parseCurrency, parseDate } from '@portico/commerce';
import type { DraftLine, DraftSpec } from '../invoice/invoice.service';

/** A line of the invoice sales asks for (`quote.converted`), in integer units. */
export interface InvoiceRequestLine {
  orderLineId: string;
  description: string;
  quantityMilli: number;
  unitPriceMinor: number;
  discountBasisPoints: number;
  taxBasisPoints: number;
}

/** The invoice a converted quote asks billing to raise and issue. */
export interface InvoiceRequest {
  currency: string;
  dueDate: string;
  terms: string | null;
  notes: string | null;
  lines: InvoiceRequestLine[];
}

/** What billing reads of sales' `quote.converted` payload. */
export interface QuoteConvertedFacts {
  quoteId: string;
  customerId: string;
  purchaseOrderId: string;
  purchaseOrderNumber: string;
  invoice: InvoiceRequest | null;
}

const isInteger = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

const isToken = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

function optionalText(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badInput(`${field} must be text`, field);
  return value;
}

/**
 * Checks an invoice request the way a staff member's draft is checked (the
 * same limits, in integer units as sales computed them) and that it can be
 * issued today; throws the coded error a staff member would get.
 */
export function parseInvoiceRequest(
  request: InvoiceRequest,
  facts: Pick<QuoteConvertedFacts, 'customerId' | 'quoteId' | 'purchaseOrderId'>,
  today: string,
): DraftSpec {
  if (typeof request !== 'object' || request === null) throw badInput('no invoice', 'invoice');
  const currency = parseCurrency(String(request.currency));
  const dueDate = parseDate(String(request.dueDate), 'dueDate');
  if (dueDate < today) throw badInput('the due date has passed', 'dueDate');
  if (!Array.isArray(request.lines) || request.lines.length === 0) {
    throw badInput('an invoice needs at least one line', 'lines');
  }
  if (request.lines.length > 200) throw badInput('an invoice has at most 200 lines', 'lines');
  const lines: DraftLine[] = request.lines.map((line, index) => {
    const at = `lines[${index}]`;
    const description = typeof line.description === 'string' ? line.description.trim() : '';
    if (!description || description.length > 500) {
      throw badInput(`${at}.description must be 1 to 500 characters`, `${at}.description`);
    }
    if (!isToken(line.orderLineId, 36)) {
      throw badInput(`${at}.orderLineId must be an id`, `${at}.orderLineId`);
    }
    if (!isInteger(line.quantityMilli, 1)) {
      throw badInput(`${at}.quantityMilli must be a whole number above zero`, `${at}.quantity`);
    }
    if (!isInteger(line.unitPriceMinor, 0)) {
      throw badInput(
        `${at}.unitPriceMinor must be a whole number of minor units`,
        `${at}.unitPrice`,
      );
    }
    for (const key of ['discountBasisPoints', 'taxBasisPoints'] as const) {
      if (!isInteger(line[key], 0, 10_000)) {
        throw badInput(`${at}.${key} must be 0 to 10000`, `${at}.${key}`);
      }
    }
    if (!Number.isSafeInteger(line.quantityMilli * line.unitPriceMinor)) {
      throw badInput(`${at} amount is too large`, `${at}.unitPrice`);
    }
    return {
      description,
      orderLineId: line.orderLineId,
      quantityMilli: line.quantityMilli,
      unitPriceMinor: line.unitPriceMinor,
      discountBasisPoints: line.discountBasisPoints,
      taxBasisPoints: line.taxBasisPoints,
    };
  });
  return {
    customerId: facts.customerId,
    currency,
    dueDate,
    notes: optionalText(request.notes, 'notes'),
    terms: optionalText(request.terms, 'terms'),
    allowPartialPayment: false,
    lines,
    quoteId: facts.quoteId,
    purchaseOrderId: facts.purchaseOrderId,
  };
}

/** The ids billing needs of `quote.converted`, or null when the event lacks them. */
export function quoteConvertedFacts(payload: unknown): QuoteConvertedFacts | null {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (
    !isToken(p.quoteId, 36) ||
    !isToken(p.customerId, 36) ||
    !isToken(p.purchaseOrderId, 36) ||
    !isToken(p.purchaseOrderNumber, 32)
  ) {
    return null;
  }
  return {
    quoteId: p.quoteId,
    customerId: p.customerId,
    purchaseOrderId: p.purchaseOrderId,
    purchaseOrderNumber: p.purchaseOrderNumber,
    invoice: (p.invoice ?? null) as InvoiceRequest | null,
  };
}
