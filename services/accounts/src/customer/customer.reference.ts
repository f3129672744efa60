import type { AccountsContext } from '../context';
import type { Customer } from './customer.entity';

/** `_entities` for Customer: the scoped loader, so a foreign id resolves to null. */
export function resolveCustomerReference(
  reference: { id: string },
  ctx: AccountsContext,
): Promise<Customer | null> {
  return ctx.loaders.customer.load(reference.id);
}
