import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { forUpdate } from '@portico/kit';

/** Whether a driver error is a unique-index violation (MySQL/MariaDB or SQLite). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The row with this email, locked; null when there is none. The lookup itself
 * takes no lock: on MySQL/MariaDB a locking read of a missing key takes a gap
 * lock, and two such transactions inserting the same email deadlock instead
 * of one meeting the unique index (which `isUniqueViolation` recognises).
 */
export async function lockedByEmail<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  email: string,
): Promise<T | null> {
  const repo = manager.getRepository(entity);
  const found = await repo.findOne({ where: { email } as never, select: { id: true } as never });
  if (!found) return null;
  return repo.findOne({ where: { id: found.id } as never, ...forUpdate(manager) });
}
