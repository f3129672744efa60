import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Database, Outbox } from '@portico/kit';
import {
  badInput,
  documentTotals,
  lineAmounts,
  nextDocumentNumber,
  parseCurrency,
  parseDate,
  parseLines,
  type CustomerDirectory,
  type DocumentLineInput,
} from '@portico/commerce';
import { OrderLine, OrderSubStatus, PurchaseOrder } from './order.entity';
import { lockedOrder, recordOrderChange, refusal, type OrderActor } from './order.changes';
import {
  AUTOMATIC_STATUSES,
  MANUAL_TRANSITIONS,
  OrderTimelineKind,
  PurchaseOrderStatus,
} from './order.status';

/** A line of a new order, in integers: thousandths, minor units, basis points. */
export interface OrderLineSpec {
  description: string;
  quantityMilli: number;
  unitPriceMinor: number;
  discountBasisPoints: number;
  taxBasisPoints: number;
}

/** What `OrderService.create` needs; the quote's conversion passes its quote's id. */
export interface CreateOrderSpec {
  customerId: string;
  currency: string;
  customerReference?: string | null;
  /** YYYY-MM-DD */
  expectedDeliveryDate?: string | null;
  quoteId?: string | null;
  /** YYYY-MM-DD; today (UTC) by default. */
  orderDate?: string;
  lines: OrderLineSpec[];
}

export interface CreatedOrder {
  order: PurchaseOrder;
  /** In position order, with their ids (an invoice request refers to them). */
  lines: OrderLine[];
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function parseReference(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > 100)
    throw badInput('customerReference is at most 100 characters', 'customerReference');
  return trimmed || null;
}

function checkLineSpecs(lines: OrderLineSpec[]): void {
  if (lines.length === 0) throw badInput('a purchase order needs at least one line', 'lines');
  if (lines.length > 200) throw badInput('a purchase order has at most 200 lines', 'lines');
  lines.forEach((line, index) => {
    const at = `lines[${index}]`;
    const description = line.description.trim();
    if (!description || description.length > 500) {
      throw badInput(`${at}.description must be 1 to 500 characters`, `${at}.description`);
    }
    const whole = (v: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
      Number.isSafeInteger(v) && v >= min && v <= max;
    if (!whole(line.quantityMilli, 1))
      throw badInput(`${at}.quantity must be more than zero`, `${at}.quantity`);
    if (!whole(line.unitPriceMinor, 0))
      throw badInput(`${at}.unitPrice must not be negative`, `${at}.unitPrice`);
    if (!whole(line.discountBasisPoints, 0, 10_000))
      throw badInput(`${at}.discountPercent must be 0 to 100`, `${at}.discountPercent`);
    if (!whole(line.taxBasisPoints, 0, 10_000))
      throw badInput(`${at}.taxPercent must be 0 to 100`, `${at}.taxPercent`);
    if (!Number.isSafeInteger(line.quantityMilli * line.unitPriceMinor)) {
      throw badInput(`${at} amount is too large`, `${at}.unitPrice`);
    }
  });
}

/**
 * Purchase orders: creation (directly or from a quote, inside the caller's
 * transaction), changes by staff under the transition rules, and what the
 * loaders read. Every change takes the order's row lock, writes a timeline
 * entry and publishes its order.* event in the same transaction.
 */
export class OrderService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
  ) {}

  /**
   * Creates a confirmed order in `manager`'s transaction (its number, lines,
   * first timeline entry and order.created event). The customer must be
   * known and not archived in the directory as the transaction sees it; the
   * caller awaits `outbox.notify()` after commit.
   */
  async create(
    manager: EntityManager,
    spec: CreateOrderSpec,
    actor: OrderActor = { kind: 'business', staffUserId: null },
  ): Promise<CreatedOrder> {
    const currency = parseCurrency(spec.currency);
    const customerReference = parseReference(spec.customerReference);
    const expectedDeliveryDate = spec.expectedDeliveryDate
      ? parseDate(spec.expectedDeliveryDate, 'expectedDeliveryDate')
      : null;
    const orderDate = spec.orderDate ? parseDate(spec.orderDate, 'orderDate') : todayUtc();
    checkLineSpecs(spec.lines);
    const customer = await this.directory.find(spec.customerId, manager);
    if (!customer || customer.archived) throw badInput('unknown customer', 'customerId');
    const specs = spec.lines.map((l) => ({ ...l, description: l.description.trim() }));
    const now = new Date();
    const order = manager.getRepository(PurchaseOrder).create({
      id: randomUUID(),
      customerId: spec.customerId,
      number: await nextDocumentNumber(manager, 'PO', orderDate.slice(0, 4)),
      customerReference,
      orderDate,
      expectedDeliveryDate,
      status: PurchaseOrderStatus.CONFIRMED,
      heldFromStatus: null,
      subStatusId: null,
      quoteId: spec.quoteId ?? null,
      currency,
      ...documentTotals(specs),
      timelineSequence: 0,
      createdAt: now,
      updatedAt: now,
    });
    await manager.getRepository(PurchaseOrder).insert(order);
    const lines = specs.map((line, index): OrderLine => {
      const amounts = lineAmounts(line);
      return {
        id: randomUUID(),
        orderId: order.id,
        position: index + 1,
        description: line.description,
        quantityMilli: line.quantityMilli,
        shippedMilli: 0,
        deliveredMilli: 0,
        invoicedMilli: 0,
        unitPriceMinor: line.unitPriceMinor,
        discountBasisPoints: line.discountBasisPoints,
        taxBasisPoints: line.taxBasisPoints,
        discountMinor: amounts.discountMinor,
        taxMinor: amounts.taxMinor,
        totalMinor: amounts.totalMinor,
      };
    });
    await manager.getRepository(OrderLine).insert(lines);
    await recordOrderChange(manager, order, OrderTimelineKind.CREATED, actor);
    return { order, lines };
  }

  /** Staff: an order confirmed outside a quote. */
  async createOrder(
    input: {
      customerId: string;
      currency: string;
      customerReference?: string | null;
      expectedDeliveryDate?: string | null;
      lines: DocumentLineInput[];
    },
    actor: OrderActor,
  ): Promise<CreatedOrder> {
    const currency = parseCurrency(input.currency);
    const lines = parseLines(input.lines, currency, 'a purchase order');
    await this.directory.requireActive(input.customerId);
    const created = await this.db.transaction((manager) =>
      this.create(manager, { ...input, currency, lines }, actor),
    );
    await this.outbox.notify();
    return created;
  }

  /** Staff: the customer's reference and the expected delivery date. */
  async update(
    input: { id: string; customerReference?: string | null; expectedDeliveryDate?: string | null },
    actor: OrderActor,
  ): Promise<PurchaseOrder> {
    const changes: Partial<PurchaseOrder> = {};
    if (input.customerReference !== undefined) {
      changes.customerReference = parseReference(input.customerReference);
    }
    if (input.expectedDeliveryDate !== undefined) {
      changes.expectedDeliveryDate = input.expectedDeliveryDate
        ? parseDate(input.expectedDeliveryDate, 'expectedDeliveryDate')
        : null;
    }
    const order = await this.db.transaction(async (manager) => {
      const order = await lockedOrder(manager, input.id);
      this.refuseFinal(order, 'id');
      const fields = (Object.keys(changes) as Array<keyof PurchaseOrder>).filter(
        (key) => order[key] !== changes[key],
      );
      if (fields.length === 0) return order;
      Object.assign(order, changes);
      await recordOrderChange(manager, order, OrderTimelineKind.UPDATED, actor, { fields });
      return order;
    });
    await this.outbox.notify();
    return order;
  }

  private refuseFinal(order: PurchaseOrder, field: string): void {
    if (order.status === PurchaseOrderStatus.CLOSED) {
      throw refusal('the order is closed', field, 'order-closed');
    }
    if (order.status === PurchaseOrderStatus.CANCELLED) {
      throw refusal('the order is cancelled', field, 'order-cancelled');
    }
  }

  /** Staff: a status by hand, under MANUAL_TRANSITIONS; the sub-status is cleared. */
  async setStatus(
    id: string,
    status: PurchaseOrderStatus,
    actor: OrderActor,
  ): Promise<PurchaseOrder> {
    const order = await this.db.transaction(async (manager) => {
      const order = await lockedOrder(manager, id);
      const current = order.status;
      this.refuseFinal(order, 'id');
      if (status === current) {
        throw refusal(`the order is already ${current}`, 'status', 'status-unchanged');
      }
      // Said first: whatever the status, an order with shipments cannot be cancelled.
      if (status === PurchaseOrderStatus.CANCELLED) {
        const shipped = await manager
          .getRepository(OrderLine)
          .createQueryBuilder('l')
          .where('l.orderId = :id AND l.shippedMilli > 0', { id })
          .getCount();
        if (shipped > 0) {
          throw refusal('part of the order has shipped', 'status', 'order-already-shipped');
        }
      }
      const back = current === PurchaseOrderStatus.ON_HOLD && status === order.heldFromStatus;
      if (AUTOMATIC_STATUSES.includes(status) && !back) {
        throw refusal(
          `${status} follows from shipments and deliveries`,
          'status',
          'status-automatic',
        );
      }
      if (!back && !MANUAL_TRANSITIONS[current].includes(status)) {
        throw refusal(
          `an order ${current} cannot become ${status}`,
          'status',
          'transition-not-allowed',
        );
      }
      order.heldFromStatus = status === PurchaseOrderStatus.ON_HOLD ? current : null;
      order.status = status;
      order.subStatusId = null;
      await recordOrderChange(manager, order, OrderTimelineKind.STATUS_CHANGED, actor, {
        previousStatus: current,
      });
      return order;
    });
    await this.outbox.notify();
    return order;
  }

  /** Staff: a sub-status of the order's current status, or none. */
  async setSubStatus(
    id: string,
    subStatusId: string | null,
    actor: OrderActor,
  ): Promise<PurchaseOrder> {
    const order = await this.db.transaction(async (manager) => {
      const order = await lockedOrder(manager, id);
      if (subStatusId) {
        const subStatus = await manager
          .getRepository(OrderSubStatus)
          .findOneBy({ id: subStatusId });
        if (!subStatus) throw refusal('unknown sub-status', 'subStatusId', 'unknown-sub-status');
        if (subStatus.archived) {
          throw refusal('the sub-status is archived', 'subStatusId', 'sub-status-archived');
        }
        if (subStatus.status !== order.status) {
          throw refusal(
            `the sub-status belongs to ${subStatus.status}, the order is ${order.status}`,
            'subStatusId',
            'sub-status-wrong-status',
          );
        }
      }
      if ((order.subStatusId ?? null) === (subStatusId ?? null)) return order;
      order.subStatusId = subStatusId ?? null;
      await recordOrderChange(manager, order, OrderTimelineKind.SUB_STATUS_CHANGED, actor);
      return order;
    });
    await this.outbox.notify();
    return order;
  }
}
