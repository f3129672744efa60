import type { SalesContext } from '../context';
import type { PurchaseOrder } from './order.entity';

/** `_entities` for PurchaseOrder: through the principal's row-level scope, like every read. */
export function resolvePurchaseOrderReference(
  reference: { id: string },
  ctx: SalesContext,
): Promise<PurchaseOrder | null> {
  return ctx.loaders.purchaseOrder.load(reference.id);
}
