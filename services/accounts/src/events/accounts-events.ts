import { defineEventCatalog, eventType } from '@portico/kit';
import type { Customer } from '../customer/customer.entity';
import type { OrganisationProfile } from '../organisation/organisation.entity';

export interface AddressPayload {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/**
 * A customer's full current state, enough for a consumer to keep its own read
 * model from the last event alone. Staff notes are never published.
 */
export interface CustomerEventPayload {
  id: string;
  companyName: string;
  displayName: string;
  email: string;
  billingAddress: AddressPayload;
  taxId: string | null;
  locale: string;
  currency: string;
  archived: boolean;
  /** ISO 8601, or null. */
  archivedAt: string | null;
}

/** The issuer details documents print. The logo travels as its hash only. */
export interface OrganisationEventPayload {
  legalName: string;
  tradingName: string | null;
  address: AddressPayload;
  taxId: string | null;
  supportEmail: string;
  defaultCurrency: string;
  defaultLocale: string;
  portalUrl: string;
  logoSha256: string | null;
}

/** Every event accounts publishes, with its schema version: the one place they are declared. */
export const accountsEvents = defineEventCatalog('accounts', {
  'customer.created': eventType<CustomerEventPayload>({
    schemaVersion: 1,
    aggregateType: 'customer',
  }),
  'customer.updated': eventType<CustomerEventPayload>({
    schemaVersion: 1,
    aggregateType: 'customer',
  }),
  'customer.archived': eventType<CustomerEventPayload>({
    schemaVersion: 1,
    aggregateType: 'customer',
  }),
  'organisation.updated': eventType<OrganisationEventPayload>({
    schemaVersion: 1,
    aggregateType: 'organisation',
  }),
});

export type CustomerEventType = 'customer.created' | 'customer.updated' | 'customer.archived';

export function customerEventPayload(customer: Customer): CustomerEventPayload {
  return {
    id: customer.id,
    companyName: customer.companyName,
    displayName: customer.displayName,
    email: customer.email,
    billingAddress: {
      line1: customer.billingLine1,
      line2: customer.billingLine2,
      city: customer.billingCity,
      region: customer.billingRegion,
      postalCode: customer.billingPostalCode,
      country: customer.billingCountry,
    },
    taxId: customer.taxId,
    locale: customer.locale,
    currency: customer.currency,
    archived: customer.archivedAt !== null,
    archivedAt: customer.archivedAt ? customer.archivedAt.toISOString() : null,
  };
}

export function customerEvent(type: CustomerEventType, customer: Customer) {
  return accountsEvents.create(type, {
    aggregateId: customer.id,
    customerId: customer.id,
    payload: customerEventPayload(customer),
  });
}

export function organisationEventPayload(profile: OrganisationProfile): OrganisationEventPayload {
  return {
    legalName: profile.legalName,
    tradingName: profile.tradingName,
    address: {
      line1: profile.addressLine1,
      line2: profile.addressLine2,
      city: profile.addressCity,
      region: profile.addressRegion,
      postalCode: profile.addressPostalCode,
      country: profile.addressCountry,
    },
    taxId: profile.taxId,
    supportEmail: profile.supportEmail,
    defaultCurrency: profile.defaultCurrency,
    defaultLocale: profile.defaultLocale,
    portalUrl: profile.portalUrl,
    logoSha256: profile.logoSha256,
  };
}

export function organisationEvent(profile: OrganisationProfile) {
  return accountsEvents.create('organisation.updated', {
    aggregateId: profile.id,
    customerId: null,
    payload: organisationEventPayload(profile),
  });
}
