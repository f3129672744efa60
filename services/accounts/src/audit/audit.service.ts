import { randomUUID } from 'node:crypto';
import { Brackets, type EntityManager } from 'typeorm';
import type { Database, Principal } from '@portico/kit';
import { badInput } from '../validation/input-rules';
import { AuditEntry } from './audit-entry.entity';

export interface AuditActor {
  kind: 'staff' | 'contact' | 'partner' | 'system';
  id: string | null;
}

export function actorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', id: principal.staffUserId };
    case 'contact':
      return { kind: 'contact', id: principal.contactId };
    case 'partner':
      return { kind: 'partner', id: principal.clientId };
    default:
      return { kind: 'system', id: null };
  }
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null };

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** The fields whose values differ between `before` and `after` (compared as JSON). */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before ? before[field] : null;
    if (JSON.stringify(from ?? null) !== JSON.stringify(to ?? null)) {
      changes[field] = { from: from ?? null, to: to ?? null };
    }
  }
  return changes;
}

export const MAX_AUDIT_PAGE_SIZE = 100;

function encodeCursor(entry: AuditEntry): string {
  return Buffer.from(JSON.stringify([entry.occurredAt.toISOString(), entry.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const occurredAt = new Date(value[0]);
      if (!Number.isNaN(occurredAt.getTime())) return { occurredAt, id: value[1] };
    }
  } catch {
    // fall through to the coded error
  }
  throw badInput('Invalid cursor', 'after');
}

/** Writes audit entries in the caller's transaction, and pages through them newest first. */
export class AuditService {
  constructor(private readonly db: Database) {}

  async record(
    manager: EntityManager,
    actor: AuditActor,
    entry: { action: string; entityType: string; entityId: string; changes: FieldChanges },
  ): Promise<void> {
    await manager.getRepository(AuditEntry).insert({
      id: randomUUID(),
      occurredAt: new Date(),
      actorKind: actor.kind,
      actorId: actor.id,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      changes: JSON.stringify(entry.changes),
    });
  }

  async list(options: {
    first: number;
    after?: string | null;
    entityType?: string | null;
    entityId?: string | null;
  }): Promise<{ nodes: AuditEntry[]; endCursor: string | null; hasNextPage: boolean }> {
    if (
      !Number.isInteger(options.first) ||
      options.first < 1 ||
      options.first > MAX_AUDIT_PAGE_SIZE
    ) {
      throw badInput(`first must be between 1 and ${MAX_AUDIT_PAGE_SIZE}`, 'first');
    }
    const query = this.db.manager
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .orderBy('a.occurredAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(options.first + 1);
    if (options.entityType) query.andWhere('a.entityType = :type', { type: options.entityType });
    if (options.entityId) query.andWhere('a.entityId = :eid', { eid: options.entityId });
    if (options.after) {
      const cursor = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where('a.occurredAt < :at', { at: cursor.occurredAt }).orWhere(
            new Brackets((q2) => {
              q2.where('a.occurredAt = :at', { at: cursor.occurredAt }).andWhere('a.id < :aid', {
                aid: cursor.id,
              });
            }),
          );
        }),
      );
    }
    const rows = await query.getMany();
    const hasNextPage = rows.length > options.first;
    const nodes = rows.slice(0, options.first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage, endCursor: last ? encodeCursor(last) : null };
  }
}
