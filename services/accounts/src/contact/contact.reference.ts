import type { AccountsContext } from '../context';
import type { Contact } from './contact.entity';

/** `_entities` for Contact: only contacts of customers the principal may see. */
export function resolveContactReference(
  reference: { id: string },
  ctx: AccountsContext,
): Promise<Contact | null> {
  return ctx.loaders.contacts.byId.load(reference.id);
}
