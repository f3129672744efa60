import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { Database, Principal } from '@portico/kit';
import { StaffUser } from './staff-user.entity';

/** Staff users are visible to staff only. */
export function createStaffUserLoader(
  db: Database,
  principal: Principal,
): DataLoader<string, StaffUser | null> {
  return new DataLoader(async (ids: readonly string[]) => {
    if (principal.kind !== 'staff') return ids.map(() => null);
    const rows = await db.manager.getRepository(StaffUser).findBy({ id: In([...new Set(ids)]) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
