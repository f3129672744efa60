import { codedError, ErrorCode, isCurrency, parseAmount } from '@portico/kit';
import type { LineInput } from './line-amounts';

/** A document line as clients send it (invoice, credit note, quote): decimals as strings. */
export interface DocumentLineInput {
  description: string;
  quantity: string;
  unitPrice: string;
  discountPercent?: string | null;
  taxPercent?: string | null;
}

/**
 * A refused input, naming the field; `reason` is a stable code for the rule
 * that refused it when one field can fail several ways a client tells apart.
 */
export function badInput(message: string, field: string, reason?: string) {
  return codedError(ErrorCode.BadUserInput, message, {
    extensions: reason === undefined ? { field } : { field, reason },
  });
}

/** A calendar date as YYYY-MM-DD that exists (no 2026-02-30). */
export function parseDate(value: string, field: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : null;
  if (
    !match ||
    !date ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== value
  ) {
    throw badInput(`${field} must be a date like 2026-12-31`, field);
  }
  return value;
}

/** A non-negative decimal with at most `decimals` places; each way of failing says which. */
export function parseScaled(value: string, decimals: number, field: string, max?: number): number {
  const trimmed = value.trim();
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(trimmed);
  if (!match) {
    if (/^-\s*\d+(?:\.\d+)?$/.test(trimmed)) throw badInput(`${field} must not be negative`, field);
    throw badInput(`${field} must be a decimal number like "1.5"`, field);
  }
  if ((match[2] ?? '').length > decimals) {
    throw badInput(`${field} has at most ${decimals} decimals`, field);
  }
  const scaled =
    Number(match[1]) * 10 ** decimals + Number((match[2] ?? '').padEnd(decimals, '0') || '0');
  if (max !== undefined && scaled > max) {
    throw badInput(`${field} must be at most ${max / 10 ** decimals}`, field);
  }
  return scaled;
}

export function parseCurrency(value: string): string {
  if (!isCurrency(value)) throw badInput(`unknown currency ${value}`, 'currency');
  return value;
}

/**
 * Checks and converts the lines of a draft; at least one, at most 200.
 * `document` names it in messages ("an invoice", "a quote").
 */
export function parseLines(
  lines: DocumentLineInput[],
  currency: string,
  document = 'an invoice',
): Array<LineInput & { description: string }> {
  if (lines.length === 0) throw badInput(`${document} needs at least one line`, 'lines');
  if (lines.length > 200) throw badInput(`${document} has at most 200 lines`, 'lines');
  return lines.map((line, index) => {
    const at = `lines[${index}]`;
    const description = line.description.trim();
    if (!description || description.length > 500) {
      throw badInput(`${at}.description must be 1 to 500 characters`, `${at}.description`);
    }
    const parsed = {
      description,
      quantityMilli: parseScaled(line.quantity, 3, `${at}.quantity`),
      unitPriceMinor: parseAmount(line.unitPrice, currency, {
        field: `${at}.unitPrice`,
        allowZero: true,
      }),
      discountBasisPoints: parseScaled(
        line.discountPercent ?? '0',
        2,
        `${at}.discountPercent`,
        10_000,
      ),
      taxBasisPoints: parseScaled(line.taxPercent ?? '0', 2, `${at}.taxPercent`, 10_000),
    };
    if (parsed.quantityMilli === 0)
      throw badInput(`${at}.quantity must be more than zero`, `${at}.quantity`);
    if (!Number.isSafeInteger(parsed.quantityMilli * parsed.unitPriceMinor)) {
      throw badInput(`${at} amount is too large`, `${at}.unitPrice`);
    }
    return parsed;
  });
}
