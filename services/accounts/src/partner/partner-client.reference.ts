import type { AccountsContext } from '../context';
import { PartnerClient } from './partner-client.entity';

/** `_entities` for PartnerClient: staff only; a partner sees itself. */
export async function resolvePartnerClientReference(
  reference: { id: string },
  ctx: AccountsContext,
): Promise<PartnerClient | null> {
  const { principal } = ctx;
  const allowed =
    principal.kind === 'staff' ||
    (principal.kind === 'partner' && principal.clientId === reference.id);
  if (!allowed) return null;
  return ctx.services.db.manager.getRepository(PartnerClient).findOneBy({ id: reference.id });
}
