import { randomUUID } from 'node:crypto';
import { Brackets, In, type EntityManager } from 'typeorm';
import { forUpdate, notFoundError, type Database, type Outbox, type Principal } from '@portico/kit';
import {
  badInput,
  nextDocumentNumber,
  parseCurrency,
  parseDate,
  type CustomerDirectory,
  type DirectoryCustomer,
} from '@portico/commerce';
import { recordSalesEvent, type QuoteEventPayload } from '../events/sales-events';
import {
  Quote,
  QuoteChangeRequest,
  QuoteDecision,
  QuoteLine,
  QuoteRevision,
  UNDECIDED_STATES,
} from './quote.entity';
import type {
  CreateQuoteInput,
  QuoteLineInput,
  ReviseQuoteInput,
  UpdateDraftQuoteInput,
} from './quote.inputs';
import { revisionSha256 } from './quote.content';
import {
  parseQuoteLines,
  parseText,
  refused,
  revisionTotals,
  scopeQuotes,
  writeRevisionLines,
  type ParsedQuoteLine,
} from './quote.rules';
import { quoteStatusCondition, todayUtc, type QuoteStatus } from './quote.status';

export const MAX_QUOTE_PAGE_SIZE = 100;
const MAX_TEXT = 10_000;

export interface QuoteListOptions {
  customerId?: string | null;
  statuses?: QuoteStatus[] | null;
  first: number;
  after?: string | null;
}

/** Drafts sort first (staff), then newest issue date, then id. */
const SORT_KEY = "COALESCE(q.issueDate, '9999-12-31')";

function encodeCursor(quote: Quote): string {
  return Buffer.from(JSON.stringify([quote.issueDate ?? '9999-12-31', quote.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // coded error below
  }
  throw badInput('Invalid cursor', 'after');
}

export function quoteEventPayload(
  quote: Quote,
  extra: Partial<QuoteEventPayload> = {},
): QuoteEventPayload {
  return {
    quoteId: quote.id,
    customerId: quote.customerId,
    number: quote.number ?? '',
    revision: quote.currentRevision,
    actor: { kind: 'business' },
    ...extra,
  };
}

/** Staff's side of quotes (create, edit, send, revise, withdraw) and the reads every principal shares. */
export class QuoteService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
  ) {}

  async list(
    principal: Principal,
    options: QuoteListOptions,
  ): Promise<{ nodes: Quote[]; endCursor: string | null; hasNextPage: boolean }> {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > MAX_QUOTE_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_QUOTE_PAGE_SIZE}`, 'first');
    }
    const query = scopeQuotes(
      this.db.manager.getRepository(Quote).createQueryBuilder('q'),
      principal,
    );
    if (!query) return { nodes: [], endCursor: null, hasNextPage: false };
    if (options.customerId) {
      query.andWhere('q.customerId = :customerId', { customerId: options.customerId });
    }
    if (options.statuses?.length) {
      query.andWhere(`(${options.statuses.map((s) => quoteStatusCondition(s)).join(' OR ')})`, {
        today: todayUtc(),
      });
    }
    if (options.after) {
      const [key, id] = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where(`${SORT_KEY} < :key`, { key }).orWhere(
            new Brackets((q2) =>
              q2.where(`${SORT_KEY} = :key`, { key }).andWhere('q.id < :id', { id }),
            ),
          );
        }),
      );
    }
    const rows = await query
      .orderBy(SORT_KEY, 'DESC')
      .addOrderBy('q.id', 'DESC')
      .take(first + 1)
      .getMany();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null };
  }

  /** Quotes by id within the principal's scope (for loaders); missing ones are absent. */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<Quote[]> {
    const query = scopeQuotes(
      this.db.manager.getRepository(Quote).createQueryBuilder('q'),
      principal,
    );
    if (!query || ids.length === 0) return [];
    return query.andWhere('q.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  }

  /** The first time a contact opens a sent quote: recorded once, published as quote.viewed. */
  async recordFirstView(principal: Principal, quote: Quote): Promise<void> {
    if (principal.kind !== 'contact' || quote.firstViewedAt || quote.state === 'draft') return;
    const now = new Date();
    const viewed = await this.db.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(Quote)
        .set({ firstViewedAt: now, firstViewedBy: principal.contactId })
        .where("id = :id AND firstViewedAt IS NULL AND state <> 'draft'", { id: quote.id })
        .execute();
      if (!result.affected) return false;
      await recordSalesEvent(
        manager,
        'quote.viewed',
        quoteEventPayload(quote, {
          actor: { kind: 'contact', contactId: principal.contactId },
        }),
      );
      return true;
    });
    if (viewed) {
      quote.firstViewedAt = now;
      quote.firstViewedBy = principal.contactId;
      await this.outbox.notify();
    }
  }

  async createDraft(input: CreateQuoteInput): Promise<Quote> {
    const currency = parseCurrency(input.currency);
    const expiryDate = parseDate(input.expiryDate, 'expiryDate');
    const lines = parseQuoteLines(input.lines, currency);
    const terms = parseText(input.terms, 'terms', MAX_TEXT);
    const notes = parseText(input.notes, 'notes', MAX_TEXT);
    await this.directory.requireActive(input.customerId);
    const now = new Date();
    const quote = this.db.manager.getRepository(Quote).create({
      id: randomUUID(),
      customerId: input.customerId,
      number: null,
      state: 'draft',
      currentRevision: 1,
      currency,
      issueDate: null,
      expiryDate,
      firstViewedAt: null,
      firstViewedBy: null,
      purchaseOrderId: null,
      convertedAt: null,
      withdrawnAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction(async (manager) => {
      await manager.getRepository(Quote).insert(quote);
      await this.insertRevision(manager, quote, 1, { expiryDate, terms, notes, lines }, now);
    });
    return quote;
  }

  private async insertRevision(
    manager: EntityManager,
    quote: Quote,
    number: number,
    content: {
      expiryDate: string;
      terms: string | null;
      notes: string | null;
      lines: ParsedQuoteLine[];
    },
    now: Date,
  ): Promise<{ revision: QuoteRevision; lines: QuoteLine[] }> {
    const revision = manager.getRepository(QuoteRevision).create({
      id: randomUUID(),
      quoteId: quote.id,
      revision: number,
      issueDate: null,
      expiryDate: content.expiryDate,
      terms: content.terms,
      notes: content.notes,
      ...revisionTotals(content.lines),
      issuerParty: null,
      recipientParty: null,
      sha256: null,
      sentAt: null,
      createdAt: now,
    });
    await manager.getRepository(QuoteRevision).insert(revision);
    const lines = await writeRevisionLines(manager, revision.id, content.lines);
    return { revision, lines };
  }

  private async lockedQuote(manager: EntityManager, id: string): Promise<Quote> {
    const quote = await manager
      .getRepository(Quote)
      .findOne({ where: { id }, ...forUpdate(manager) });
    if (!quote) throw notFoundError('Quote');
    return quote;
  }

  private async currentRevision(manager: EntityManager, quote: Quote): Promise<QuoteRevision> {
    return manager
      .getRepository(QuoteRevision)
      .findOneByOrFail({ quoteId: quote.id, revision: quote.currentRevision });
  }

  async updateDraft(input: UpdateDraftQuoteInput): Promise<Quote> {
    return this.db.transaction(async (manager) => {
      const quote = await this.lockedQuote(manager, input.id);
      if (quote.state !== 'draft') throw refused('only drafts can be edited', 'quote-not-draft');
      const revision = await this.currentRevision(manager, quote);
      if (input.expiryDate) {
        revision.expiryDate = quote.expiryDate = parseDate(input.expiryDate, 'expiryDate');
      }
      if (input.terms !== undefined) revision.terms = parseText(input.terms, 'terms', MAX_TEXT);
      if (input.notes !== undefined) revision.notes = parseText(input.notes, 'notes', MAX_TEXT);
      if (input.lines) {
        const lines = parseQuoteLines(input.lines as QuoteLineInput[], quote.currency);
        Object.assign(revision, revisionTotals(lines));
        await writeRevisionLines(manager, revision.id, lines);
      }
      quote.updatedAt = new Date();
      await manager.getRepository(QuoteRevision).save(revision);
      await manager.getRepository(Quote).save(quote);
      return quote;
    });
  }

  /** Freezes a revision as sent: parties as they are now, issue date, content hash. */
  private async freezeRevision(
    manager: EntityManager,
    quote: Quote,
    revision: QuoteRevision,
    lines: QuoteLine[],
    customer: DirectoryCustomer,
    today: string,
  ): Promise<void> {
    const issuer = await this.directory.issuer(manager);
    revision.issuerParty = issuer ? JSON.stringify(issuer) : null;
    revision.recipientParty = JSON.stringify(this.directory.recipient(customer));
    revision.issueDate = today;
    revision.sentAt = new Date();
    revision.sha256 = revisionSha256(quote, revision, lines);
    await manager.getRepository(QuoteRevision).save(revision);
    quote.issueDate = today;
    quote.expiryDate = revision.expiryDate;
    quote.updatedAt = new Date();
    await manager.getRepository(Quote).save(quote);
  }

  /** Who the quote is for, settled before a transaction (catching up with accounts takes its own). */
  private async activeCustomerOf(id: string): Promise<DirectoryCustomer> {
    const quote = await this.db.manager.getRepository(Quote).findOneBy({ id });
    if (!quote) throw notFoundError('Quote');
    return this.directory.requireActive(quote.customerId);
  }

  /** Sends a draft: it gets its number, issue date and frozen parties, and the customer sees it. */
  async send(id: string, today: string = todayUtc()): Promise<Quote> {
    const customer = await this.activeCustomerOf(id);
    const quote = await this.db.transaction(async (manager) => {
      const quote = await this.lockedQuote(manager, id);
      if (quote.state !== 'draft') throw refused('only drafts can be sent', 'quote-not-draft');
      if (quote.expiryDate < today) throw badInput('the expiry date has passed', 'expiryDate');
      const revision = await this.currentRevision(manager, quote);
      const lines = await manager
        .getRepository(QuoteLine)
        .find({ where: { revisionId: revision.id }, order: { position: 'ASC' } });
      quote.number = await nextDocumentNumber(manager, 'QUO', today.slice(0, 4));
      quote.state = 'sent';
      await this.freezeRevision(manager, quote, revision, lines, customer, today);
      await recordSalesEvent(manager, 'quote.sent', quoteEventPayload(quote));
      return quote;
    });
    await this.outbox.notify();
    return quote;
  }

  /**
   * A new revision of a sent quote (also one sent back for changes, or
   * expired while undecided): it becomes the current one, sent at once; the
   * earlier ones stay as history and can no longer be decided on.
   */
  async revise(input: ReviseQuoteInput, today: string = todayUtc()): Promise<Quote> {
    const expiryDate = parseDate(input.expiryDate, 'expiryDate');
    if (expiryDate < today) throw badInput('the expiry date has passed', 'expiryDate');
    const customer = await this.activeCustomerOf(input.id);
    const quote = await this.db.transaction(async (manager) => {
      const quote = await this.lockedQuote(manager, input.id);
      this.requireUndecided(quote, 'revised');
      const lines = parseQuoteLines(input.lines, quote.currency);
      const previous = await this.currentRevision(manager, quote);
      const now = new Date();
      const { revision, lines: written } = await this.insertRevision(
        manager,
        quote,
        quote.currentRevision + 1,
        {
          expiryDate,
          terms:
            input.terms === undefined ? previous.terms : parseText(input.terms, 'terms', MAX_TEXT),
          notes:
            input.notes === undefined ? previous.notes : parseText(input.notes, 'notes', MAX_TEXT),
          lines,
        },
        now,
      );
      quote.currentRevision = revision.revision;
      quote.state = 'sent';
      await this.freezeRevision(manager, quote, revision, written, customer, today);
      await recordSalesEvent(manager, 'quote.revised', quoteEventPayload(quote));
      return quote;
    });
    await this.outbox.notify();
    return quote;
  }

  private requireUndecided(quote: Quote, verb: string): void {
    if (quote.state === 'draft') throw refused(`drafts cannot be ${verb}`, 'quote-not-sent');
    if (quote.state === 'withdrawn') throw refused('this quote was withdrawn', 'quote-withdrawn');
    if (!UNDECIDED_STATES.includes(quote.state)) {
      throw refused('this quote has already been decided', 'quote-already-decided');
    }
  }

  /** Withdraws a quote the customer has not decided on; it can no longer be decided. */
  async withdraw(id: string): Promise<Quote> {
    const quote = await this.db.transaction(async (manager) => {
      const quote = await this.lockedQuote(manager, id);
      this.requireUndecided(quote, 'withdrawn');
      const now = new Date();
      // Conditional: a decision committing meanwhile keeps the quote decided.
      const result = await manager
        .createQueryBuilder()
        .update(Quote)
        .set({ state: 'withdrawn', withdrawnAt: now, updatedAt: now })
        .where('id = :id AND state IN (:...open)', { id, open: UNDECIDED_STATES })
        .execute();
      if (!result.affected) {
        throw refused('this quote has already been decided', 'quote-already-decided');
      }
      Object.assign(quote, { state: 'withdrawn', withdrawnAt: now, updatedAt: now });
      await recordSalesEvent(manager, 'quote.withdrawn', quoteEventPayload(quote));
      return quote;
    });
    await this.outbox.notify();
    return quote;
  }

  revisionsFor(quoteIds: readonly string[]): Promise<QuoteRevision[]> {
    if (quoteIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(QuoteRevision).find({
      where: { quoteId: In([...new Set(quoteIds)]) },
      order: { quoteId: 'ASC', revision: 'ASC' },
    });
  }

  linesFor(revisionIds: readonly string[]): Promise<QuoteLine[]> {
    if (revisionIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(QuoteLine).find({
      where: { revisionId: In([...new Set(revisionIds)]) },
      order: { revisionId: 'ASC', position: 'ASC' },
    });
  }

  decisionsFor(quoteIds: readonly string[]): Promise<QuoteDecision[]> {
    if (quoteIds.length === 0) return Promise.resolve([]);
    return this.db.manager
      .getRepository(QuoteDecision)
      .findBy({ quoteId: In([...new Set(quoteIds)]) });
  }

  changeRequestsFor(quoteIds: readonly string[]): Promise<QuoteChangeRequest[]> {
    if (quoteIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(QuoteChangeRequest).find({
      where: { quoteId: In([...new Set(quoteIds)]) },
      order: { requestedAt: 'ASC', id: 'ASC' },
    });
  }
}
