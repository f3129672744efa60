import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { visibleCustomerIds, type Database, type Principal } from '@portico/kit';
import { Customer } from './customer.entity';

/**
 * Per-request loader. It is created for one principal, so its cache can never
 * hand one customer's row to another; ids outside the principal's scope load
 * as null without touching the database.
 */
export function createCustomerLoader(
  db: Database,
  principal: Principal,
): DataLoader<string, Customer | null> {
  return new DataLoader(async (ids: readonly string[]) => {
    const visible = visibleCustomerIds(principal);
    const wanted = visible === null ? [...ids] : ids.filter((id) => visible.includes(id));
    const rows = wanted.length
      ? await db.manager.getRepository(Customer).findBy({ id: In([...new Set(wanted)]) })
      : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
