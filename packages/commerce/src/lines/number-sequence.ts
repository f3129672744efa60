import type { EntityManager } from 'typeorm';
import { forUpdate } from '@portico/kit';
import { NumberSequence } from './number-sequence.entity';

/**
 * The next document number in a gap-free series (INV-2026-00001), taken
 * inside the caller's transaction with a row lock on MySQL/MariaDB; SQLite
 * transactions already run one at a time.
 */
export async function nextDocumentNumber(
  manager: EntityManager,
  prefix: string,
  year: string,
): Promise<string> {
  const name = `${prefix}-${year}`;
  const repo = manager.getRepository(NumberSequence);
  // A new series starts at 1; two transactions starting it at once both
  // insert, and the one that comes second is ignored rather than failing.
  await repo
    .createQueryBuilder()
    .insert()
    .into(NumberSequence)
    .values({ name, nextValue: 1 })
    .orIgnore()
    .execute();
  const row = await repo.findOneOrFail({
    where: { name },
    ...forUpdate(manager),
  });
  const value = row.nextValue;
  await repo.update({ name }, { nextValue: value + 1 });
  return `${name}-${String(value).padStart(5, '0')}`;
}
