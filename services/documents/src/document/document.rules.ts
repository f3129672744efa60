import type { GraphQLError } from 'graphql';
import type { SelectQueryBuilder } from 'typeorm';
import { codedError, ErrorCode, visibleCustomerIds, type Principal } from '@portico/kit';
import type { Document } from './document.entity';

export const DOCUMENT_CATEGORIES = [
  'contract',
  'price_list',
  'certificate',
  'statement',
  'other',
] as const;
export type DocumentCategoryValue = (typeof DOCUMENT_CATEGORIES)[number];

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5_000;
export const MAX_SIGNER_NAME = 200;

/** An expected refusal: BAD_USER_INPUT with the field and a reason code clients can branch on. */
export function refused(message: string, reason: string, field = 'id'): GraphQLError {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field, reason } });
}

/** Trimmed text of at most `max` characters; empty is refused when required. */
export function parseText(
  value: string | null | undefined,
  field: string,
  max: number,
  required: boolean,
): string | null {
  const text = (value ?? '').trim();
  if (!text) {
    if (required) throw refused(`${field} must not be empty`, 'required', field);
    return null;
  }
  if ([...text].length > max) {
    throw refused(`${field} must be at most ${max} characters`, 'too-long', field);
  }
  return text;
}

/** A future instant; the past is refused (a document that expired on creation is a mistake). */
export function parseExpiry(value: Date | null | undefined, now = new Date()): Date | null {
  if (value === null || value === undefined) return null;
  if (Number.isNaN(value.getTime()))
    throw refused('expiresAt is not a date', 'invalid', 'expiresAt');
  if (value.getTime() <= now.getTime()) {
    throw refused('expiresAt must be in the future', 'expiry-in-past', 'expiresAt');
  }
  return value;
}

/** `staff:<id>`, `contact:<id>`, `partner:<id>`: who, as stored. */
export function principalRef(principal: Principal): string {
  switch (principal.kind) {
    case 'staff':
      return `staff:${principal.staffUserId}`;
    case 'contact':
      return `contact:${principal.contactId}`;
    case 'partner':
      return `partner:${principal.clientId}`;
    case 'anonymous':
      return 'anonymous';
  }
}

/** Can the customer's side see it now: shared with them, a file stored, not expired. */
export function visibleToCustomer(document: Document, now = new Date()): boolean {
  return (
    document.visibility === 'customer' &&
    document.currentVersion > 0 &&
    (!document.expiresAt || document.expiresAt.getTime() > now.getTime())
  );
}

/** May this principal see this document (row-level scope, as the SQL below applies it). */
export function canSeeDocument(
  principal: Principal,
  document: Document,
  now = new Date(),
): boolean {
  if (principal.kind === 'staff') return true;
  const visible = visibleCustomerIds(principal);
  if (visible !== null && !visible.includes(document.customerId)) return false;
  return visibleToCustomer(document, now);
}

/**
 * The principal's row-level scope over documents (alias `d`): staff see
 * every document; a contact or partner only its customers' documents shared
 * with them, with a stored file, not expired. Null: nothing at all.
 */
export function scopeDocuments(
  query: SelectQueryBuilder<Document>,
  principal: Principal,
  now = new Date(),
): SelectQueryBuilder<Document> | null {
  if (principal.kind === 'staff') return query;
  const visible = visibleCustomerIds(principal);
  if (visible !== null) {
    if (visible.length === 0) return null;
    query.andWhere('d.customerId IN (:...visibleCustomers)', { visibleCustomers: visible });
  }
  return query
    .andWhere("d.visibility = 'customer'")
    .andWhere('d.currentVersion > 0')
    .andWhere('(d.expiresAt IS NULL OR d.expiresAt > :now)', { now });
}
