import { Brackets } from 'typeorm';
import {
  codedError,
  ErrorCode,
  visibleCustomerIds,
  type Database,
  type Principal,
} from '@portico/kit';
import { Customer } from './customer.entity';

export const MAX_CUSTOMER_PAGE_SIZE = 100;

export interface CustomerListOptions {
  first: number;
  after?: string | null;
  search?: string | null;
  /** Active customers by default. */
  status?: 'active' | 'archived' | 'all';
}

interface Cursor {
  companyName: string;
  id: string;
}

function encodeCursor(customer: Customer): string {
  return Buffer.from(JSON.stringify([customer.companyName, customer.id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { companyName: value[0], id: value[1] };
    }
  } catch {
    // fall through to the coded error
  }
  throw codedError(ErrorCode.BadUserInput, 'Invalid cursor', { extensions: { field: 'after' } });
}

export class CustomerService {
  constructor(private readonly db: Database) {}

  /** Keyset pagination by (companyName, id), within the principal's row-level scope. */
  async list(
    principal: Principal,
    options: CustomerListOptions,
  ): Promise<{ nodes: Customer[]; endCursor: string | null; hasNextPage: boolean }> {
    if (
      !Number.isInteger(options.first) ||
      options.first < 1 ||
      options.first > MAX_CUSTOMER_PAGE_SIZE
    ) {
      throw codedError(
        ErrorCode.BadUserInput,
        `first must be between 1 and ${MAX_CUSTOMER_PAGE_SIZE}`,
        { extensions: { field: 'first' } },
      );
    }
    const query = this.db.manager
      .getRepository(Customer)
      .createQueryBuilder('c')
      .orderBy('c.companyName', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(options.first + 1);
    const visible = visibleCustomerIds(principal);
    if (visible !== null) {
      if (visible.length === 0) return { nodes: [], endCursor: null, hasNextPage: false };
      query.andWhere('c.id IN (:...visible)', { visible });
    }
    const status = options.status ?? 'active';
    if (status === 'active') query.andWhere('c.archivedAt IS NULL');
    if (status === 'archived') query.andWhere('c.archivedAt IS NOT NULL');
    const search = options.search?.trim();
    if (search) {
      // '!' as the LIKE escape: the same literal on SQLite and MySQL, where a
      // backslash would mean different things.
      const pattern = `%${search.toLowerCase().replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
      query.andWhere(
        new Brackets((q) => {
          q.where("LOWER(c.companyName) LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("LOWER(c.displayName) LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("LOWER(c.email) LIKE :pattern ESCAPE '!'", { pattern })
            .orWhere("LOWER(c.taxId) LIKE :pattern ESCAPE '!'", { pattern });
        }),
      );
    }
    if (options.after) {
      const cursor = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where('c.companyName > :cn', { cn: cursor.companyName }).orWhere(
            new Brackets((q2) => {
              q2.where('c.companyName = :cn', { cn: cursor.companyName }).andWhere('c.id > :cid', {
                cid: cursor.id,
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
