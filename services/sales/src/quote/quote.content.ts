import { createHash } from 'node:crypto';
import { formatAmount } from '@portico/kit';
import { parseParty } from '@portico/commerce';
import type { Quote, QuoteLine, QuoteRevision } from './quote.entity';

function percent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = (basisPoints % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

export function formatPercent(basisPoints: number): string {
  return percent(basisPoints);
}

/** Thousandths as the API prints them: 1500 → "1.5". */
export function formatQuantityMilli(milli: number): string {
  const whole = Math.trunc(milli / 1000);
  const fraction = (milli % 1000).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * Exactly what the customer sees of a revision, in a fixed shape and order:
 * the document's identity, dates, both parties as frozen, terms and notes,
 * every line with its figures, and the totals. Its SHA-256 is what a decision
 * records, so a later dispute can show which content was accepted.
 */
export function canonicalRevision(
  quote: Pick<Quote, 'number' | 'currency'>,
  revision: QuoteRevision,
  lines: QuoteLine[],
): string {
  const money = (minor: number) => formatAmount(minor, quote.currency);
  const party = (json: string | null) => {
    const p = parseParty(json);
    return p
      ? {
          name: p.name,
          tradingName: p.tradingName,
          taxId: p.taxId,
          email: p.email,
          address: p.address
            ? {
                line1: p.address.line1,
                line2: p.address.line2,
                city: p.address.city,
                region: p.address.region,
                postalCode: p.address.postalCode,
                country: p.address.country,
              }
            : null,
        }
      : null;
  };
  return JSON.stringify({
    format: 'portico.quote-revision/1',
    number: quote.number,
    revision: revision.revision,
    currency: quote.currency,
    issueDate: revision.issueDate,
    expiryDate: revision.expiryDate,
    issuer: party(revision.issuerParty),
    recipient: party(revision.recipientParty),
    terms: revision.terms,
    notes: revision.notes,
    lines: [...lines]
      .sort((a, b) => a.position - b.position)
      .map((l) => ({
        id: l.id,
        position: l.position,
        description: l.description,
        quantity: formatQuantityMilli(l.quantityMilli),
        unitPrice: money(l.unitPriceMinor),
        discountPercent: percent(l.discountBasisPoints),
        taxPercent: percent(l.taxBasisPoints),
        optional: l.optional,
        discount: money(l.discountMinor),
        tax: money(l.taxMinor),
        total: money(l.totalMinor),
      })),
    subtotal: money(revision.subtotalMinor),
    discount: money(revision.discountMinor),
    tax: money(revision.taxMinor),
    total: money(revision.totalMinor),
    optionalTotal: money(revision.optionalTotalMinor),
  });
}

export function revisionSha256(
  quote: Pick<Quote, 'number' | 'currency'>,
  revision: QuoteRevision,
  lines: QuoteLine[],
): string {
  return createHash('sha256')
    .update(canonicalRevision(quote, revision, lines))
    .digest('hex');
}

export interface RevisionDiff {
  added: QuoteLine[];
  removed: QuoteLine[];
  changed: Array<{ before: QuoteLine; after: QuoteLine }>;
}

function sameLine(a: QuoteLine, b: QuoteLine): boolean {
  return (
    a.quantityMilli === b.quantityMilli &&
    a.unitPriceMinor === b.unitPriceMinor &&
    a.discountBasisPoints === b.discountBasisPoints &&
    a.taxBasisPoints === b.taxBasisPoints &&
    a.optional === b.optional
  );
}

/** Lines matched by description (the n-th line of one description with the n-th of the other). */
export function diffLines(previous: QuoteLine[], current: QuoteLine[]): RevisionDiff {
  const pool = new Map<string, QuoteLine[]>();
  for (const line of [...previous].sort((a, b) => a.position - b.position)) {
    const list = pool.get(line.description) ?? [];
    list.push(line);
    pool.set(line.description, list);
  }
  const diff: RevisionDiff = { added: [], removed: [], changed: [] };
  for (const line of [...current].sort((a, b) => a.position - b.position)) {
    const before = pool.get(line.description)?.shift();
    if (!before) diff.added.push(line);
    else if (!sameLine(before, line)) diff.changed.push({ before, after: line });
  }
  for (const rest of pool.values()) diff.removed.push(...rest);
  diff.removed.sort((a, b) => a.position - b.position);
  return diff;
}
