import { Brackets, In } from 'typeorm';
import type { Database, Principal } from '@portico/kit';
import { badInput } from '@portico/commerce';
import {
  Document,
  DocumentAcknowledgement,
  DocumentDownload,
  DocumentVersion,
  type AttachmentKind,
  type DocumentOrigin,
} from './document.entity';
import { scopeDocuments } from './document.rules';

export const MAX_DOCUMENT_PAGE_SIZE = 100;

export interface DocumentListOptions {
  customerId?: string | null;
  attachedTo?: { kind: AttachmentKind; id: string } | null;
  categories?: string[] | null;
  origin?: DocumentOrigin | null;
  first: number;
  after?: string | null;
}

export interface DocumentPageResult {
  nodes: Document[];
  endCursor: string | null;
  hasNextPage: boolean;
}

function encodeCursor(document: Document): string {
  return Buffer.from(JSON.stringify([document.createdAt.toISOString(), document.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const at = new Date(value[0] as string);
      if (!Number.isNaN(at.getTime())) return [at, value[1] as string];
    }
  } catch {
    // coded error below
  }
  throw badInput('Invalid cursor', 'after');
}

/** Reads every principal shares, each through the principal's row-level scope. */
export class DocumentReads {
  constructor(private readonly db: Database) {}

  /** Newest first (creation time, then id), cursor-paginated. */
  async list(principal: Principal, options: DocumentListOptions): Promise<DocumentPageResult> {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > MAX_DOCUMENT_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_DOCUMENT_PAGE_SIZE}`, 'first');
    }
    const query = scopeDocuments(
      this.db.manager.getRepository(Document).createQueryBuilder('d'),
      principal,
    );
    if (!query) return { nodes: [], endCursor: null, hasNextPage: false };
    if (options.customerId) {
      query.andWhere('d.customerId = :customerId', { customerId: options.customerId });
    }
    if (options.attachedTo) {
      query.andWhere('d.attachedKind = :kind AND d.attachedId = :attachedId', {
        kind: options.attachedTo.kind,
        attachedId: options.attachedTo.id,
      });
    }
    if (options.categories?.length) {
      query.andWhere('d.category IN (:...categories)', { categories: options.categories });
    }
    if (options.origin) query.andWhere('d.origin = :origin', { origin: options.origin });
    if (options.after) {
      const [at, id] = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where('d.createdAt < :at', { at }).orWhere(
            new Brackets((q2) =>
              q2.where('d.createdAt = :at', { at }).andWhere('d.id < :id', { id }),
            ),
          );
        }),
      );
    }
    const rows = await query
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(first + 1)
      .getMany();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null };
  }

  /** Documents by id within the principal's scope (for loaders); the rest are absent. */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<Document[]> {
    if (ids.length === 0) return [];
    const query = scopeDocuments(
      this.db.manager.getRepository(Document).createQueryBuilder('d'),
      principal,
    );
    if (!query) return [];
    return query.andWhere('d.id IN (:...ids)', { ids: [...ids] }).getMany();
  }

  versionsFor(documentIds: readonly string[]): Promise<DocumentVersion[]> {
    if (documentIds.length === 0) return Promise.resolve([]);
    return this.db.manager
      .getRepository(DocumentVersion)
      .find({ where: { documentId: In([...documentIds]) }, order: { version: 'ASC' } });
  }

  acknowledgementsFor(documentIds: readonly string[]): Promise<DocumentAcknowledgement[]> {
    if (documentIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(DocumentAcknowledgement).find({
      where: { documentId: In([...documentIds]) },
      order: { acknowledgedAt: 'ASC', id: 'ASC' },
    });
  }

  downloadsFor(documentIds: readonly string[]): Promise<DocumentDownload[]> {
    if (documentIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(DocumentDownload).find({
      where: { documentId: In([...documentIds]) },
      order: { downloadedAt: 'ASC', id: 'ASC' },
    });
  }
}
