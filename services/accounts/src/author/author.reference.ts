import type { AccountsContext } from '../context';
import type { Author } from './author.type';

/** `_entities` for Author: a name, through the principal's scope (null outside it). */
export function resolveAuthorReference(
  reference: { id: string },
  ctx: AccountsContext,
): Promise<Author | null> {
  return ctx.loaders.authors.load(reference.id);
}
