import { randomUUID } from 'node:crypto';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { GraphQLError } from 'graphql';
import {
  codedError,
  ErrorCode,
  notFoundError,
  visibleCustomerIds,
  type Principal,
} from '@portico/kit';
import { badInput, lineAmounts, parseLines } from '@portico/commerce';
import type { SalesActor } from '../events/sales-events';
import { type Quote, QuoteLine, type QuoteRevision } from './quote.entity';
import type { QuoteLineInput } from './quote.inputs';

/** A refusal a client can act on: BAD_USER_INPUT with a kebab-case reason. */
export function refused(message: string, reason: string, field = 'id'): GraphQLError {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field, reason } });
}

/**
 * The principal's row-level scope over quotes (alias `q`): a contact's own
 * customer, a partner's customers, everything for staff; drafts for staff only.
 */
export function scopeQuotes(
  query: SelectQueryBuilder<Quote>,
  principal: Principal,
): SelectQueryBuilder<Quote> | null {
  const visible = visibleCustomerIds(principal);
  if (visible !== null) {
    if (visible.length === 0) return null;
    query.andWhere('q.customerId IN (:...visibleCustomers)', { visibleCustomers: visible });
  }
  if (principal.kind !== 'staff') query.andWhere("q.state <> 'draft'");
  return query;
}

export type ParsedQuoteLine = ReturnType<typeof parseLines>[number] & { optional: boolean };

/** Lines of a quote: as an invoice's, plus the optional flag; at least one line is not optional. */
export function parseQuoteLines(lines: QuoteLineInput[], currency: string): ParsedQuoteLine[] {
  const parsed = parseLines(lines, currency, 'a quote').map((line, i) => ({
    ...line,
    optional: lines[i]!.optional === true,
  }));
  if (parsed.every((line) => line.optional)) {
    throw badInput('a quote needs at least one line that is not optional', 'lines');
  }
  return parsed;
}

/** Totals of the required lines, and the optional lines' total apart. */
export function revisionTotals(lines: ParsedQuoteLine[]) {
  const totals = {
    subtotalMinor: 0,
    discountMinor: 0,
    taxMinor: 0,
    totalMinor: 0,
    optionalTotalMinor: 0,
  };
  for (const line of lines) {
    const amounts = lineAmounts(line);
    if (line.optional) {
      totals.optionalTotalMinor += amounts.totalMinor;
      continue;
    }
    totals.subtotalMinor += amounts.grossMinor;
    totals.discountMinor += amounts.discountMinor;
    totals.taxMinor += amounts.taxMinor;
    totals.totalMinor += amounts.totalMinor;
  }
  return totals;
}

/** Replaces the lines of a revision; returns them as stored. */
export async function writeRevisionLines(
  manager: EntityManager,
  revisionId: string,
  lines: ParsedQuoteLine[],
): Promise<QuoteLine[]> {
  const repo = manager.getRepository(QuoteLine);
  await repo.delete({ revisionId });
  const rows = lines.map((line, index) => {
    const amounts = lineAmounts(line);
    return repo.create({
      id: randomUUID(),
      revisionId,
      position: index + 1,
      description: line.description,
      quantityMilli: line.quantityMilli,
      unitPriceMinor: line.unitPriceMinor,
      discountBasisPoints: line.discountBasisPoints,
      taxBasisPoints: line.taxBasisPoints,
      optional: line.optional,
      grossMinor: amounts.grossMinor,
      discountMinor: amounts.discountMinor,
      taxMinor: amounts.taxMinor,
      totalMinor: amounts.totalMinor,
    });
  });
  await repo.insert(rows);
  return rows;
}

/** Text a person typed: trimmed, within `max` characters; null when empty and not required. */
export function parseText(
  value: string | null | undefined,
  field: string,
  max: number,
  required = false,
): string | null {
  const trimmed = (value ?? '').trim();
  if (!trimmed) {
    if (required) throw badInput(`${field} is required`, field);
    return null;
  }
  if (trimmed.length > max) throw badInput(`${field} has at most ${max} characters`, field);
  return trimmed;
}

/** Who, on the customer's side, acts: a contact, or a partner client. Staff do not decide. */
export function customerActor(principal: Principal): SalesActor & { id: string } {
  if (principal.kind === 'contact') {
    return { kind: 'contact', contactId: principal.contactId, id: principal.contactId };
  }
  if (principal.kind === 'partner') {
    return { kind: 'partner', clientId: principal.clientId, id: principal.clientId };
  }
  throw codedError(
    ErrorCode.Forbidden,
    "Only the customer's contacts or partners decide on quotes",
  );
}

export function eventActor(actor: SalesActor & { id?: string }): SalesActor {
  if (actor.kind === 'contact') return { kind: 'contact', contactId: actor.contactId };
  if (actor.kind === 'partner') return { kind: 'partner', clientId: actor.clientId };
  return { kind: 'business' };
}

/**
 * Why a customer may not decide on (or ask changes to) `revision` of this
 * quote today, or null when it may. Checked before the conditional update,
 * and again after one that changed nothing, to say which rule it met.
 */
export function decisionRefusal(
  quote: Pick<Quote, 'state' | 'currentRevision' | 'expiryDate'>,
  revision: number,
  today: string,
): GraphQLError | null {
  switch (quote.state) {
    case 'draft':
      return notFoundError('Quote');
    case 'withdrawn':
      return refused('the business withdrew this quote', 'quote-withdrawn');
    case 'accepted':
    case 'declined':
    case 'converted':
      return refused('this quote has already been decided', 'quote-already-decided');
    default:
      break;
  }
  if (revision < quote.currentRevision) {
    return refused(
      `revision ${revision} has been superseded by revision ${quote.currentRevision}`,
      'revision-superseded',
      'revision',
    );
  }
  if (revision !== quote.currentRevision) {
    return refused(`this quote has no revision ${revision}`, 'revision-unknown', 'revision');
  }
  if (quote.expiryDate < today) {
    return refused(`this quote expired on ${quote.expiryDate}`, 'quote-expired');
  }
  return null;
}

/** The current revision among a quote's revisions. */
export function currentOf(quote: Quote, revisions: QuoteRevision[]): QuoteRevision | null {
  return revisions.find((r) => r.revision === quote.currentRevision) ?? null;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = String(
    (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ??
      (error as { code?: unknown }).code ??
      '',
  );
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}
