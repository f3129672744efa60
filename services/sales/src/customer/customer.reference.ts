import { canSeeCustomer } from '@portico/kit';
import type { SalesContext } from '../context';
import type { Customer } from './customer.type';

/** `_entities` for Customer: only customers in the principal's scope resolve. */
export function resolveCustomerReference(
  reference: { id: string },
  ctx: SalesContext,
): Customer | null {
  return canSeeCustomer(ctx.principal, reference.id) ? { id: reference.id } : null;
}
