import { codedError, ErrorCode } from './errors';

/**
 * Money is integer minor units plus an ISO 4217 currency, never a float.
 * Amounts cross the API as decimal strings ("1234.50") with their currency.
 */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const exponents = new Map<string, number>();

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/** Digits after the decimal point for a currency (EUR 2, JPY 0, KWD 3), from ICU's ISO 4217 data. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    exponents.set(currency, exponent);
  }
  return exponent;
}

function badAmount(message: string, field: string) {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field } });
}

/**
 * Parses a decimal string into minor units, refusing anything a careless
 * client might send: floats in exponent form, more decimals than the
 * currency has, signs where none are allowed, values past 2^53.
 */
export function parseAmount(
  value: string,
  currency: string,
  options: { field?: string; allowZero?: boolean; allowNegative?: boolean } = {},
): number {
  const field = options.field ?? 'amount';
  if (!isCurrency(currency)) throw badAmount(`unknown currency ${currency}`, 'currency');
  const match = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw badAmount(`${field} must be a decimal number like "12.50"`, field);
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  if (fraction.length > exponent) {
    throw badAmount(`${currency} amounts have at most ${exponent} decimals`, field);
  }
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw badAmount(`${field} is too large`, field);
  const signed = sign ? -minor : minor;
  if (signed < 0 && !options.allowNegative) throw badAmount(`${field} must not be negative`, field);
  if (signed === 0 && !options.allowZero) throw badAmount(`${field} must be more than zero`, field);
  return signed;
}

/** Minor units as a plain decimal string: 123450 EUR → "1234.50". */
export function formatAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/**
 * Integer division rounding half away from zero (half-up on magnitudes):
 * the one rounding rule for money. `numerator / denominator`, both integers.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new Error('divideRoundHalfUp needs safe integers and a positive denominator');
  }
  const sign = numerator < 0 ? -1 : 1;
  const magnitude = Math.abs(numerator);
  const quotient = Math.floor(magnitude / denominator);
  const remainder = magnitude - quotient * denominator;
  return sign * (remainder * 2 >= denominator ? quotient + 1 : quotient);
}
