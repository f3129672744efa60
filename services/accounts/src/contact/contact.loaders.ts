import DataLoader from 'dataloader';
import { In, IsNull } from 'typeorm';
import { canSeeCustomer, visibleCustomerIds, type Database, type Principal } from '@portico/kit';
import { Contact } from './contact.entity';

export interface ContactLoaders {
  byId: DataLoader<string, Contact | null>;
  byCustomerId: DataLoader<string, Contact[]>;
}

/** Contacts are visible to whoever may see their customer. */
export function createContactLoaders(db: Database, principal: Principal): ContactLoaders {
  const repo = () => db.manager.getRepository(Contact);
  return {
    byId: new DataLoader(async (ids: readonly string[]) => {
      if (principal.kind === 'anonymous') return ids.map(() => null);
      const rows = await repo().findBy({ id: In([...new Set(ids)]) });
      // Removed contacts stay readable to staff only (authors of what they did).
      const byId = new Map(
        rows
          .filter((row) => canSeeCustomer(principal, row.customerId))
          .filter((row) => !row.removedAt || principal.kind === 'staff')
          .map((row) => [row.id, row]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    }),
    byCustomerId: new DataLoader(async (customerIds: readonly string[]) => {
      const visible = visibleCustomerIds(principal);
      const wanted =
        visible === null ? [...customerIds] : customerIds.filter((id) => visible.includes(id));
      const rows = wanted.length
        ? await repo().find({
            where: { customerId: In([...new Set(wanted)]), removedAt: IsNull() },
            order: { name: 'ASC', id: 'ASC' },
          })
        : [];
      return customerIds.map((id) => rows.filter((row) => row.customerId === id));
    }),
  };
}
