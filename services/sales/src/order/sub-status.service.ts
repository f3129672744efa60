import { randomUUID } from 'node:crypto';
import { notFoundError, type Database } from '@portico/kit';
import { badInput } from '@portico/commerce';
import { OrderSubStatus } from './order.entity';
import { refusal } from './order.changes';
import type { PurchaseOrderStatus } from './order.status';

const COLOUR = /^#[0-9a-f]{6}$/;

function parseLabel(value: string): string {
  const label = value.trim();
  if (!label || label.length > 60) throw badInput('label must be 1 to 60 characters', 'label');
  return label;
}

/** Colours are stored in lower case, so "#FFAA00" and "#ffaa00" are one colour. */
function parseColour(value: string): string {
  const colour = value.trim().toLowerCase();
  if (!COLOUR.test(colour)) {
    throw refusal('colour must be #rrggbb, e.g. #f5a623', 'colour', 'invalid-colour');
  }
  return colour;
}

function parsePosition(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) {
    throw badInput('position must be 0 to 10000', 'position');
  }
  return value;
}

/** The business's sub-statuses, per order status. */
export class OrderSubStatusService {
  constructor(private readonly db: Database) {}

  list(status: PurchaseOrderStatus, includeArchived = false): Promise<OrderSubStatus[]> {
    return this.db.manager.getRepository(OrderSubStatus).find({
      where: includeArchived ? { status } : { status, archived: false },
      order: { position: 'ASC', label: 'ASC' },
    });
  }

  async create(input: {
    status: PurchaseOrderStatus;
    label: string;
    colour: string;
    position?: number | null;
  }): Promise<OrderSubStatus> {
    const label = parseLabel(input.label);
    const colour = parseColour(input.colour);
    const position =
      input.position === null || input.position === undefined
        ? null
        : parsePosition(input.position);
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(OrderSubStatus);
      const last = await repo.findOne({
        where: { status: input.status },
        order: { position: 'DESC' },
      });
      const now = new Date();
      const subStatus: OrderSubStatus = {
        id: randomUUID(),
        status: input.status,
        label,
        colour,
        position: position ?? (last ? last.position + 1 : 0),
        archived: false,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(subStatus);
      return subStatus;
    });
  }

  async update(input: {
    id: string;
    label?: string | null;
    colour?: string | null;
    position?: number | null;
  }): Promise<OrderSubStatus> {
    const changes: Partial<OrderSubStatus> = {};
    if (input.label !== undefined && input.label !== null) changes.label = parseLabel(input.label);
    if (input.colour !== undefined && input.colour !== null) {
      changes.colour = parseColour(input.colour);
    }
    if (input.position !== undefined && input.position !== null) {
      changes.position = parsePosition(input.position);
    }
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(OrderSubStatus);
      const subStatus = await repo.findOneBy({ id: input.id });
      if (!subStatus) throw notFoundError('OrderSubStatus');
      Object.assign(subStatus, changes, { updatedAt: new Date() });
      await repo.save(subStatus);
      return subStatus;
    });
  }

  /**
   * Archived sub-statuses cannot be chosen again; orders that carry one keep
   * showing it until their status or sub-status changes.
   */
  async archive(id: string): Promise<OrderSubStatus> {
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(OrderSubStatus);
      const subStatus = await repo.findOneBy({ id });
      if (!subStatus) throw notFoundError('OrderSubStatus');
      if (!subStatus.archived) {
        subStatus.archived = true;
        subStatus.updatedAt = new Date();
        await repo.save(subStatus);
      }
      return subStatus;
    });
  }
}
