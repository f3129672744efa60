import type { EntityManager } from 'typeorm';
import { codedError, ErrorCode, type Database } from '@portico/kit';
import type { CatchUp } from '@portico/commerce';
import { SalesOrder } from './sales-links.entity';

/** An order as sales' events describe it. */
export interface SalesOrderFacts {
  id: string;
  customerId: string;
  quoteId: string | null;
  number: string;
}

/**
 * Billing's read model of sales' purchase orders. Before refusing an order
 * it catches up with sales, so an order confirmed a moment ago is known.
 */
export class SalesOrders {
  private catchUp: CatchUp = async () => false;

  constructor(private readonly db: Database) {}

  /** How to catch up with sales (set once the event transport is following it). */
  useCatchUp(catchUp: CatchUp): void {
    this.catchUp = catchUp;
  }

  find(id: string, manager: EntityManager = this.db.manager): Promise<SalesOrder | null> {
    return manager.getRepository(SalesOrder).findOneBy({ id });
  }

  /**
   * Records (or refreshes) an order in the caller's transaction; an event
   * that does not name the quote keeps the one already known.
   */
  async record(manager: EntityManager, order: SalesOrderFacts, at: Date): Promise<void> {
    const known = await this.find(order.id, manager);
    await manager
      .getRepository(SalesOrder)
      .upsert({ ...order, quoteId: order.quoteId ?? known?.quoteId ?? null, updatedAt: at }, [
        'id',
      ]);
  }

  /**
   * The order, when it is one of `customerId`'s; otherwise BAD_USER_INPUT on
   * `field` (another customer's order is refused exactly like an unknown one).
   */
  async requireForCustomer(
    id: string,
    customerId: string,
    field = 'purchaseOrderId',
  ): Promise<SalesOrder> {
    let order = await this.find(id);
    if (!order || order.customerId !== customerId) {
      // When sales cannot be reached, billing decides on what it last heard.
      await this.catchUp().catch(() => false);
      order = await this.find(id);
    }
    if (!order || order.customerId !== customerId) {
      throw codedError(ErrorCode.BadUserInput, 'unknown purchase order for this customer', {
        extensions: { field, reason: 'unknown-order' },
      });
    }
    return order;
  }
}
