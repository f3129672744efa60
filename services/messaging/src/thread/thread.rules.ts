import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { visibleCustomerIds, type Principal } from '@portico/kit';

/** Staff see internal notes; nobody else does, anywhere. */
export function seesInternal(principal: Principal): boolean {
  return principal.kind === 'staff';
}

/**
 * The principal's row-level scope on a query whose alias `alias` has a
 * `customerId` column: staff everything, a contact its customer, a partner
 * its customers. Null: nothing at all.
 */
export function scopeByCustomer<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  principal: Principal,
  alias: string,
): SelectQueryBuilder<T> | null {
  const visible = visibleCustomerIds(principal);
  if (visible === null) return query;
  if (visible.length === 0) return null;
  return query.andWhere(`${alias}.customerId IN (:...scopeCustomers)`, {
    scopeCustomers: visible,
  });
}

/** Internal notes left out for everyone but staff (alias of the comments table). */
export function scopeCommentKinds<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  principal: Principal,
  alias: string,
): SelectQueryBuilder<T> {
  return seesInternal(principal) ? query : query.andWhere(`${alias}.kind <> 'internal_note'`);
}
