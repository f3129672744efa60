import type { AccountsContext } from '../context';
import type { StaffUser } from './staff-user.entity';

/** `_entities` for StaffUser: staff only. */
export function resolveStaffUserReference(
  reference: { id: string },
  ctx: AccountsContext,
): Promise<StaffUser | null> {
  return ctx.loaders.staffUser.load(reference.id);
}
