import type { EventEnvelope } from '@portico/kit';
import type { PartyAddressValue } from './party';

/**
 * What services read from accounts' events (accounts declares them in its
 * catalog; each reader checks each payload it relies on, so a change on the
 * producer's side fails loudly here instead of writing nonsense).
 */
export interface CustomerState {
  id: string;
  companyName: string;
  displayName: string;
  email: string;
  taxId: string | null;
  locale: string;
  currency: string;
  billingAddress: PartyAddressValue;
  archived: boolean;
}

export interface OrganisationState {
  legalName: string;
  tradingName: string | null;
  taxId: string | null;
  supportEmail: string | null;
  address: PartyAddressValue | null;
  defaultCurrency: string | null;
  defaultLocale: string | null;
  portalUrl: string | null;
}

export const CUSTOMER_EVENTS = ['customer.created', 'customer.updated', 'customer.archived'];
export const ORGANISATION_EVENTS = ['organisation.updated'];

class PayloadError extends Error {
  constructor(event: EventEnvelope, what: string) {
    super(`accounts event ${event.type} v${event.schemaVersion} (${event.id}): ${what}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function address(value: unknown): PartyAddressValue | null {
  if (!isObj(value)) return null;
  const line1 = str(value.line1);
  const city = str(value.city);
  const postalCode = str(value.postalCode);
  const country = str(value.country);
  if (line1 === null || city === null || postalCode === null || country === null) return null;
  return {
    line1,
    line2: str(value.line2),
    city,
    region: str(value.region),
    postalCode,
    country,
  };
}

export function customerState(event: EventEnvelope): CustomerState {
  if (event.schemaVersion !== 1) throw new PayloadError(event, 'unknown schema version');
  const p = event.payload;
  if (!isObj(p)) throw new PayloadError(event, 'payload is not an object');
  const billingAddress = address(p.billingAddress);
  const companyName = str(p.companyName);
  const email = str(p.email);
  const currency = str(p.currency);
  const locale = str(p.locale);
  if (!billingAddress || !companyName || email === null || !currency || !locale) {
    throw new PayloadError(event, 'payload lacks a field the directory keeps');
  }
  return {
    id: event.aggregateId,
    companyName,
    displayName: str(p.displayName) ?? companyName,
    email,
    taxId: str(p.taxId),
    locale,
    currency,
    billingAddress,
    archived: p.archived === true || event.type === 'customer.archived',
  };
}

export function organisationState(event: EventEnvelope): OrganisationState {
  if (event.schemaVersion !== 1) throw new PayloadError(event, 'unknown schema version');
  const p = event.payload;
  if (!isObj(p) || !str(p.legalName)) throw new PayloadError(event, 'payload lacks legalName');
  return {
    legalName: str(p.legalName) as string,
    tradingName: str(p.tradingName),
    taxId: str(p.taxId),
    supportEmail: str(p.supportEmail),
    address: address(p.address),
    defaultCurrency: str(p.defaultCurrency),
    defaultLocale: str(p.defaultLocale),
    portalUrl: str(p.portalUrl),
  };
}
