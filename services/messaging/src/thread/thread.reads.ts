import { Brackets, In } from 'typeorm';
import { canSeeCustomer, type Database, type Principal } from '@portico/kit';
import { badInput, DirectoryCustomer } from '@portico/commerce';
import { SubjectRow } from '../subjects/subject.entity';
import { parseThreadId, threadIdOf, type ThreadKey } from './thread-id';
import { ThreadRow } from './thread.entity';
import { scopeByCustomer, seesInternal } from './thread.rules';
import type { Thread } from './thread.types';

export const MAX_PAGE_SIZE = 100;

export function checkPageSize(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}`, field);
  }
  return value;
}

export function encodePairCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodePairCursor(cursor: string, field: string): [Date, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const at = new Date(value[0] as string);
      if (!Number.isNaN(at.getTime())) return [at, value[1] as string];
    }
  } catch {
    // coded error below
  }
  throw badInput('Invalid cursor', field);
}

export interface ThreadPageResult {
  nodes: Thread[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** A thread as the principal sees it: staff see all activity, others what they can read. */
export function toThread(
  principal: Principal,
  key: ThreadKey,
  customerId: string,
  label: string | null,
  row: ThreadRow | null,
): Thread {
  return {
    id: threadIdOf(key),
    subjectKind: key.kind,
    subjectId: key.kind === 'general' ? null : key.id,
    subjectLabel: label,
    lastActivityAt: row
      ? seesInternal(principal)
        ? row.lastActivityAt
        : row.lastPublicActivityAt
      : null,
    customerId,
    lastPosition: row?.lastPosition ?? 0,
    waitingSince: row?.waitingSince ?? null,
    assigneeStaffUserId: row?.assigneeStaffUserId ?? null,
  };
}

/** Reads of threads, each through the principal's row-level scope. */
export class ThreadReads {
  constructor(private readonly db: Database) {}

  /**
   * Threads by id within the principal's scope, rows or not: a record's
   * thread exists once messaging knows the record, the general one once it
   * knows the customer (a contact's own always). Others are absent.
   */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<Thread[]> {
    const keys = [...new Set(ids)]
      .map((id) => parseThreadId(id))
      .filter((k): k is ThreadKey => k !== null);
    if (keys.length === 0 || principal.kind === 'anonymous') return [];
    const manager = this.db.manager;
    const rows = await manager
      .getRepository(ThreadRow)
      .findBy({ id: In(keys.map((k) => threadIdOf(k))) });
    const rowById = new Map(rows.map((r) => [r.id, r]));
    const recordKeys = keys.filter((k) => k.kind !== 'general');
    const subjects = recordKeys.length
      ? await manager
          .getRepository(SubjectRow)
          .createQueryBuilder('s')
          .where(
            new Brackets((q) => {
              recordKeys.forEach((k, i) =>
                q.orWhere(`(s.kind = :k${i} AND s.id = :i${i})`, {
                  [`k${i}`]: k.kind,
                  [`i${i}`]: k.id,
                }),
              );
            }),
          )
          .getMany()
      : [];
    const subjectOf = new Map(subjects.map((s) => [`${s.kind}:${s.id}`, s]));
    const generalIds = keys.filter((k) => k.kind === 'general').map((k) => k.id);
    const knownCustomers = new Set(
      generalIds.length
        ? (
            await manager
              .getRepository(DirectoryCustomer)
              .find({ select: { id: true }, where: { id: In(generalIds) } })
          ).map((c) => c.id)
        : [],
    );
    const threads: Thread[] = [];
    for (const key of keys) {
      const id = threadIdOf(key);
      const row = rowById.get(id) ?? null;
      if (key.kind === 'general') {
        const own = principal.kind === 'contact' && principal.customerId === key.id;
        if (!canSeeCustomer(principal, key.id)) continue;
        if (!own && !row && !knownCustomers.has(key.id)) continue;
        threads.push(toThread(principal, key, key.id, null, row));
        continue;
      }
      const subject = subjectOf.get(id);
      const customerId = subject?.customerId ?? row?.customerId;
      if (!customerId || !canSeeCustomer(principal, customerId)) continue;
      threads.push(toThread(principal, key, customerId, subject?.label ?? null, row));
    }
    return threads;
  }

  /**
   * A customer's threads that have anything in them the principal can see,
   * latest activity first (for the customer's side, internal notes neither
   * count as activity nor make a thread appear).
   */
  async listForCustomer(
    principal: Principal,
    customerId: string,
    first: number,
    after: string | null,
  ): Promise<ThreadPageResult> {
    checkPageSize(first, 'first');
    const empty = { nodes: [], endCursor: null, hasNextPage: false };
    if (!canSeeCustomer(principal, customerId)) return empty;
    const column = seesInternal(principal) ? 't.lastActivityAt' : 't.lastPublicActivityAt';
    const query = scopeByCustomer(
      this.db.manager.getRepository(ThreadRow).createQueryBuilder('t'),
      principal,
      't',
    );
    if (!query) return empty;
    query.andWhere('t.customerId = :customerId', { customerId }).andWhere(`${column} IS NOT NULL`);
    if (after) {
      const [at, id] = decodePairCursor(after, 'after');
      query.andWhere(
        new Brackets((q) =>
          q
            .where(`${column} < :at`, { at })
            .orWhere(
              new Brackets((q2) =>
                q2.where(`${column} = :at`, { at }).andWhere('t.id < :id', { id }),
              ),
            ),
        ),
      );
    }
    const rows = await query
      .orderBy(column, 'DESC')
      .addOrderBy('t.id', 'DESC')
      .take(first + 1)
      .getMany();
    const page = rows.slice(0, first);
    const labels = await this.labels(page);
    const nodes = page.map((row) =>
      toThread(
        principal,
        { kind: row.subjectKind, id: row.subjectId ?? row.customerId },
        row.customerId,
        labels.get(row.id) ?? null,
        row,
      ),
    );
    const last = nodes[nodes.length - 1];
    return {
      nodes,
      hasNextPage: rows.length > first,
      endCursor: last?.lastActivityAt ? encodePairCursor(last.lastActivityAt, last.id) : null,
    };
  }

  /**
   * Staff's inbox: threads whose customer waits for the business's reply
   * (the last message is the customer's), the longest waiting first.
   */
  async inbox(
    principal: Principal,
    options: {
      first: number;
      after: string | null;
      assignedTo: string | null;
      unassigned: boolean;
    },
  ): Promise<ThreadPageResult> {
    checkPageSize(options.first, 'first');
    const query = this.db.manager
      .getRepository(ThreadRow)
      .createQueryBuilder('t')
      .where('t.waitingSince IS NOT NULL');
    if (options.assignedTo) {
      query.andWhere('t.assigneeStaffUserId = :assignee', { assignee: options.assignedTo });
    } else if (options.unassigned) {
      query.andWhere('t.assigneeStaffUserId IS NULL');
    }
    if (options.after) {
      const [at, id] = decodePairCursor(options.after, 'after');
      query.andWhere(
        new Brackets((q) =>
          q
            .where('t.waitingSince > :at', { at })
            .orWhere(
              new Brackets((q2) =>
                q2.where('t.waitingSince = :at', { at }).andWhere('t.id > :id', { id }),
              ),
            ),
        ),
      );
    }
    const rows = await query
      .orderBy('t.waitingSince', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .take(options.first + 1)
      .getMany();
    const page = rows.slice(0, options.first);
    const labels = await this.labels(page);
    const nodes = page.map((row) =>
      toThread(
        principal,
        { kind: row.subjectKind, id: row.subjectId ?? row.customerId },
        row.customerId,
        labels.get(row.id) ?? null,
        row,
      ),
    );
    const last = page[page.length - 1];
    return {
      nodes,
      hasNextPage: rows.length > options.first,
      endCursor: last?.waitingSince ? encodePairCursor(last.waitingSince, last.id) : null,
    };
  }

  /** Subject labels of thread rows, by thread id (one statement). */
  private async labels(rows: ThreadRow[]): Promise<Map<string, string | null>> {
    const records = rows.filter((r) => r.subjectId);
    if (records.length === 0) return new Map();
    const subjects = await this.db.manager
      .getRepository(SubjectRow)
      .findBy({ id: In(records.map((r) => r.subjectId as string)) });
    const byKey = new Map(subjects.map((s) => [`${s.kind}:${s.id}`, s.label]));
    return new Map(records.map((r) => [r.id, byKey.get(r.id) ?? null]));
  }
}
