import { codedError, ErrorCode, isCurrency } from '@portico/kit';

/** A coded BAD_USER_INPUT naming the offending input field (dotted for nested ones). */
export function badInput(message: string, field: string) {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field } });
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Trimmed text of 1 to `max` characters. */
export function requiredText(value: unknown, field: string, max: number): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text || text.length > max) throw badInput(`${field} must be 1 to ${max} characters`, field);
  return text;
}

/** Trimmed text of at most `max` characters; empty or null becomes null. */
export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badInput(`${field} must be text`, field);
  const text = value.trim();
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return text || null;
}

/** An email address, stored lower-case so that it compares the same on every database. */
export function email(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!EMAIL_PATTERN.test(text) || text.length > 320)
    throw badInput(`${field} is not valid`, field);
  return text;
}

/** An ISO 4217 currency code known to ICU, upper-case. */
export function currency(value: unknown, field: string): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(code) || !isCurrency(code)) {
    throw badInput(`${field} must be an ISO 4217 currency code (e.g. EUR)`, field);
  }
  return code;
}

/** An ISO 3166-1 alpha-2 country code, upper-case. */
export function country(value: unknown, field: string): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{2}$/.test(code) || regionNames.of(code) === code || code === 'ZZ') {
    throw badInput(`${field} must be an ISO 3166-1 alpha-2 country code (e.g. ES)`, field);
  }
  return code;
}

/** A BCP 47 language tag in its canonical form (e.g. "en", "es-ES"). */
export function locale(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  try {
    const [canonical] = Intl.getCanonicalLocales(text);
    if (canonical && canonical.length <= 16) return canonical;
  } catch {
    // fall through to the coded error
  }
  throw badInput(`${field} must be a BCP 47 language tag (e.g. en, es-ES)`, field);
}

/** A tax identification number: letters, digits and a few separators, up to 50. */
export function taxId(value: unknown, field: string): string | null {
  const text = optionalText(value, field, 50);
  if (text !== null && !/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/.test(text)) {
    throw badInput(`${field} may hold letters, digits, spaces and . / - only`, field);
  }
  return text === null ? null : text.toUpperCase();
}

/** An absolute http(s) URL. */
export function httpUrl(value: unknown, field: string): string {
  const text = requiredText(value, field, 500);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw badInput(`${field} must be an absolute http(s) URL`, field);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badInput(`${field} must be an absolute http(s) URL`, field);
  }
  return text;
}

export interface AddressInput {
  line1?: unknown;
  line2?: unknown;
  city?: unknown;
  region?: unknown;
  postalCode?: unknown;
  country?: unknown;
}

export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/** A complete postal address; `field` prefixes the names in errors (e.g. billingAddress.city). */
export function address(value: AddressInput | null | undefined, field: string): Address {
  if (!value) throw badInput(`${field} is required`, field);
  return {
    line1: requiredText(value.line1, `${field}.line1`, 200),
    line2: optionalText(value.line2, `${field}.line2`, 200),
    city: requiredText(value.city, `${field}.city`, 100),
    region: optionalText(value.region, `${field}.region`, 100),
    postalCode: requiredText(value.postalCode, `${field}.postalCode`, 20),
    country: country(value.country, `${field}.country`),
  };
}
