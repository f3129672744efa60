import { randomUUID } from 'node:crypto';
import { Brackets, In, IsNull, Not, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import {
  codedError,
  ErrorCode,
  notFoundError,
  visibleCustomerIds,
  type Database,
  type Principal,
  forUpdate,
  type Outbox,
} from '@portico/kit';
import { recordEvent, type InvoiceEventPayload } from '../events/billing-events';
import type { SalesOrders } from '../sales/sales-orders';
import {
  nextDocumentNumber,
  documentTotals,
  lineAmounts,
  type CustomerDirectory,
  type DirectoryCustomer,
  type LineInput,
  badInput,
  parseCurrency,
  parseDate,
  parseLines,
} from '@portico/commerce';
import { Invoice, InvoiceLine } from './invoice.entity';
import type {
  CreateInvoiceInput,
  InvoiceLineInput,
  UpdateDraftInvoiceInput,
} from './invoice.inputs';
import { InvoiceStatus, todayUtc } from './invoice.status';

export const MAX_INVOICE_PAGE_SIZE = 100;

/** A checked line of a draft; `orderLineId` when it bills a purchase order line (sales). */
export type DraftLine = LineInput & { description: string; orderLineId?: string | null };

/** A draft as checked and ready to write. */
export interface DraftSpec {
  customerId: string;
  currency: string;
  dueDate: string;
  notes: string | null;
  terms: string | null;
  allowPartialPayment: boolean;
  lines: DraftLine[];
  quoteId: string | null;
  purchaseOrderId: string | null;
}

export interface InvoiceListOptions {
  customerId?: string | null;
  statuses?: InvoiceStatus[] | null;
  issuedFrom?: string | null;
  issuedTo?: string | null;
  search?: string | null;
  first: number;
  after?: string | null;
}

/** Drafts sort first (staff), then newest issue date. */
const SORT_KEY = "COALESCE(i.issueDate, '9999-12-31')";

/**
 * The principal's row-level scope over invoices: a contact's own customer, a
 * partner's customers, everything for staff; drafts for staff only.
 */
export function scopeInvoices(
  query: SelectQueryBuilder<Invoice>,
  principal: Principal,
): SelectQueryBuilder<Invoice> | null {
  const visible = visibleCustomerIds(principal);
  if (visible !== null) {
    if (visible.length === 0) return null;
    query.andWhere('i.customerId IN (:...visibleCustomers)', { visibleCustomers: visible });
  }
  if (principal.kind !== 'staff') query.andWhere("i.state <> 'draft'");
  return query;
}

/** SQL for one derived status; `:today` is bound by the caller. */
function statusCondition(status: InvoiceStatus): string {
  const balance = '(i.totalMinor - i.paidMinor - i.creditedMinor)';
  switch (status) {
    case InvoiceStatus.DRAFT:
      return "i.state = 'draft'";
    case InvoiceStatus.VOID:
      return "i.state = 'void'";
    case InvoiceStatus.PAID:
      return `(i.state = 'sent' AND ${balance} <= 0)`;
    case InvoiceStatus.OVERDUE:
      return `(i.state = 'sent' AND ${balance} > 0 AND i.dueDate < :today)`;
    case InvoiceStatus.PARTIALLY_PAID:
      return `(i.state = 'sent' AND ${balance} > 0 AND i.dueDate >= :today AND (i.paidMinor + i.creditedMinor) > 0)`;
    case InvoiceStatus.SENT:
      return `(i.state = 'sent' AND ${balance} > 0 AND i.dueDate >= :today AND (i.paidMinor + i.creditedMinor) = 0)`;
  }
}

function encodeCursor(invoice: Invoice): string {
  return Buffer.from(JSON.stringify([invoice.issueDate ?? '9999-12-31', invoice.id])).toString(
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

export class InvoiceService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
    private readonly salesOrders: SalesOrders,
  ) {}

  async list(
    principal: Principal,
    options: InvoiceListOptions,
  ): Promise<{ nodes: Invoice[]; endCursor: string | null; hasNextPage: boolean }> {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > MAX_INVOICE_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_INVOICE_PAGE_SIZE}`, 'first');
    }
    const query = scopeInvoices(
      this.db.manager.getRepository(Invoice).createQueryBuilder('i'),
      principal,
    );
    if (!query) return { nodes: [], endCursor: null, hasNextPage: false };
    if (options.customerId)
      query.andWhere('i.customerId = :customerId', { customerId: options.customerId });
    if (options.statuses?.length) {
      const today = todayUtc();
      query.andWhere(`(${options.statuses.map((s) => statusCondition(s)).join(' OR ')})`, {
        today,
      });
    }
    if (options.issuedFrom) {
      query.andWhere('i.issueDate >= :issuedFrom', {
        issuedFrom: parseDate(options.issuedFrom, 'issuedFrom'),
      });
    }
    if (options.issuedTo) {
      query.andWhere('i.issueDate <= :issuedTo', {
        issuedTo: parseDate(options.issuedTo, 'issuedTo'),
      });
    }
    const search = options.search?.trim();
    if (search) {
      const pattern = `%${search.toUpperCase().replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
      query.andWhere("UPPER(i.number) LIKE :pattern ESCAPE '!'", { pattern });
    }
    if (options.after) {
      const [key, id] = decodeCursor(options.after);
      query.andWhere(
        new Brackets((q) => {
          q.where(`${SORT_KEY} < :key`, { key }).orWhere(
            new Brackets((q2) =>
              q2.where(`${SORT_KEY} = :key`, { key }).andWhere('i.id < :id', { id }),
            ),
          );
        }),
      );
    }
    const rows = await query
      .orderBy(SORT_KEY, 'DESC')
      .addOrderBy('i.id', 'DESC')
      .take(first + 1)
      .getMany();
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    return { nodes, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null };
  }

  /** Invoices by id within the principal's scope (for loaders); missing ones are absent. */
  async findVisible(principal: Principal, ids: readonly string[]): Promise<Invoice[]> {
    const query = scopeInvoices(
      this.db.manager.getRepository(Invoice).createQueryBuilder('i'),
      principal,
    );
    if (!query || ids.length === 0) return [];
    return query.andWhere('i.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  }

  /**
   * Invoices linked to any of `ids` through `link` (a quote or a purchase
   * order), within the principal's scope, newest first: one statement.
   */
  async findLinked(
    principal: Principal,
    link: 'quoteId' | 'purchaseOrderId',
    ids: readonly string[],
  ): Promise<Invoice[]> {
    const query = scopeInvoices(
      this.db.manager.getRepository(Invoice).createQueryBuilder('i'),
      principal,
    );
    if (!query || ids.length === 0) return [];
    return query
      .andWhere(`i.${link} IN (:...linked)`, { linked: [...new Set(ids)] })
      .orderBy(SORT_KEY, 'DESC')
      .addOrderBy('i.id', 'DESC')
      .getMany();
  }

  /** The first time a contact opens an invoice; later opens change nothing. */
  async recordFirstView(principal: Principal, invoice: Invoice): Promise<void> {
    if (principal.kind !== 'contact' || invoice.firstViewedAt) return;
    const now = new Date();
    const result = await this.db.manager
      .getRepository(Invoice)
      .createQueryBuilder()
      .update(Invoice)
      .set({ firstViewedAt: now, firstViewedBy: principal.contactId })
      .where('id = :id AND firstViewedAt IS NULL', { id: invoice.id })
      .execute();
    if (result.affected) {
      invoice.firstViewedAt = now;
      invoice.firstViewedBy = principal.contactId;
    }
  }

  async createDraft(input: CreateInvoiceInput): Promise<Invoice> {
    const currency = parseCurrency(input.currency);
    const dueDate = parseDate(input.dueDate, 'dueDate');
    const lines = parseLines(input.lines, currency);
    await this.directory.requireActive(input.customerId);
    // Linked by hand: the order must be one of this customer's (as sales said).
    const order = input.purchaseOrderId
      ? await this.salesOrders.requireForCustomer(input.purchaseOrderId, input.customerId)
      : null;
    return this.db.transaction((manager) =>
      this.insertDraft(manager, {
        customerId: input.customerId,
        currency,
        dueDate,
        notes: input.notes ?? null,
        terms: input.terms ?? null,
        allowPartialPayment: input.allowPartialPayment ?? false,
        lines,
        purchaseOrderId: order?.id ?? null,
        quoteId: order?.quoteId ?? null,
      }),
    );
  }

  /**
   * Writes a checked draft in the caller's transaction (`spec` is parsed
   * already and its customer settled by the caller).
   */
  async insertDraft(manager: EntityManager, spec: DraftSpec): Promise<Invoice> {
    const now = new Date();
    const invoice = manager.getRepository(Invoice).create({
      id: randomUUID(),
      customerId: spec.customerId,
      number: null,
      state: 'draft',
      currency: spec.currency,
      issueDate: null,
      dueDate: spec.dueDate,
      notes: spec.notes,
      terms: spec.terms,
      allowPartialPayment: spec.allowPartialPayment,
      ...documentTotals(spec.lines),
      paidMinor: 0,
      creditedMinor: 0,
      firstViewedAt: null,
      firstViewedBy: null,
      voidedAt: null,
      voidReason: null,
      createdAt: now,
      updatedAt: now,
      quoteId: spec.quoteId,
      purchaseOrderId: spec.purchaseOrderId,
    });
    await manager.getRepository(Invoice).insert(invoice);
    await this.writeLines(manager, invoice.id, spec.lines);
    return invoice;
  }

  /**
   * Raises and issues an invoice in the caller's transaction (the invoice of
   * a converted quote, raised while its event is applied). The caller has
   * checked `spec` (due date included) and the customer; the outbox is
   * notified after commit by whoever committed.
   */
  async createIssuedIn(
    manager: EntityManager,
    spec: DraftSpec,
    customer: DirectoryCustomer,
    today: string = todayUtc(),
  ): Promise<Invoice> {
    const draft = await this.insertDraft(manager, spec);
    return this.issueIn(manager, draft, customer, today);
  }

  private async writeLines(
    manager: EntityManager,
    invoiceId: string,
    lines: DraftLine[],
  ): Promise<void> {
    await manager.getRepository(InvoiceLine).delete({ invoiceId });
    await manager.getRepository(InvoiceLine).insert(
      lines.map((line, index) => {
        const amounts = lineAmounts(line);
        return {
          id: randomUUID(),
          invoiceId,
          position: index + 1,
          description: line.description,
          quantityMilli: line.quantityMilli,
          unitPriceMinor: line.unitPriceMinor,
          discountBasisPoints: line.discountBasisPoints,
          taxBasisPoints: line.taxBasisPoints,
          discountMinor: amounts.discountMinor,
          taxMinor: amounts.taxMinor,
          totalMinor: amounts.totalMinor,
          orderLineId: line.orderLineId ?? null,
        };
      }),
    );
  }

  private async lockedInvoice(manager: EntityManager, id: string): Promise<Invoice> {
    const invoice = await manager.getRepository(Invoice).findOne({
      where: { id },
      ...forUpdate(manager),
    });
    if (!invoice) throw notFoundError('Invoice');
    return invoice;
  }

  async updateDraft(input: UpdateDraftInvoiceInput): Promise<Invoice> {
    return this.db.transaction(async (manager) => {
      const invoice = await this.lockedInvoice(manager, input.id);
      if (invoice.state !== 'draft') throw badInput('only drafts can be edited', 'id');
      if (input.dueDate) invoice.dueDate = parseDate(input.dueDate, 'dueDate');
      if (input.notes !== undefined) invoice.notes = input.notes;
      if (input.terms !== undefined) invoice.terms = input.terms;
      if (input.allowPartialPayment !== undefined && input.allowPartialPayment !== null) {
        invoice.allowPartialPayment = input.allowPartialPayment;
      }
      if (input.lines) {
        const lines = parseLines(input.lines as InvoiceLineInput[], invoice.currency);
        Object.assign(invoice, documentTotals(lines));
        await this.writeLines(manager, invoice.id, lines);
      }
      invoice.updatedAt = new Date();
      await manager.getRepository(Invoice).save(invoice);
      return invoice;
    });
  }

  /** Sends a draft: it gets its number and issue date, and customers can see it. */
  async issue(id: string, today: string = todayUtc()): Promise<Invoice> {
    // Who is billed is settled before the transaction (catching up with
    // accounts may apply events, which takes a transaction of its own).
    const draft = await this.db.manager.getRepository(Invoice).findOneBy({ id });
    if (!draft) throw notFoundError('Invoice');
    const customer =
      draft.state === 'draft' ? await this.directory.requireActive(draft.customerId) : null;
    const invoice = await this.db.transaction(async (manager) => {
      const invoice = await this.lockedInvoice(manager, id);
      if (invoice.state !== 'draft' || !customer) throw badInput('only drafts can be issued', 'id');
      return this.issueIn(manager, invoice, customer, today);
    });
    await this.outbox.notify();
    return invoice;
  }

  /** Issues a draft the caller holds (locked or just written) in the caller's transaction. */
  private async issueIn(
    manager: EntityManager,
    invoice: Invoice,
    customer: DirectoryCustomer,
    today: string,
  ): Promise<Invoice> {
    if (invoice.dueDate < today) throw badInput('the due date has passed', 'dueDate');
    invoice.number = await nextDocumentNumber(manager, 'INV', today.slice(0, 4));
    invoice.issueDate = today;
    invoice.state = 'sent';
    // Frozen as they are now: a later change of address does not rewrite an issued invoice.
    const issuer = await this.directory.issuer(manager);
    invoice.issuerParty = issuer ? JSON.stringify(issuer) : null;
    invoice.recipientParty = JSON.stringify(this.directory.recipient(customer));
    invoice.updatedAt = new Date();
    await manager.getRepository(Invoice).save(invoice);
    await recordEvent(manager, 'invoice.issued', {
      invoiceId: invoice.id,
      customerId: invoice.customerId,
      number: invoice.number,
      ...(await this.salesLinkPayload(manager, invoice)),
    });
    return invoice;
  }

  /**
   * What sales needs of an invoice that bills one of its orders: the order,
   * the quote and the quantities billed per order line.
   */
  private async salesLinkPayload(
    manager: EntityManager,
    invoice: Invoice,
  ): Promise<Pick<InvoiceEventPayload, 'purchaseOrderId' | 'quoteId' | 'lines'>> {
    if (!invoice.purchaseOrderId) return invoice.quoteId ? { quoteId: invoice.quoteId } : {};
    const lines = await manager.getRepository(InvoiceLine).find({
      where: { invoiceId: invoice.id, orderLineId: Not(IsNull()) },
      order: { position: 'ASC' },
    });
    return {
      purchaseOrderId: invoice.purchaseOrderId,
      quoteId: invoice.quoteId,
      lines: lines.map((l) => ({
        orderLineId: l.orderLineId as string,
        quantityMilli: l.quantityMilli,
      })),
    };
  }

  /**
   * Voids an issued invoice that has no payments or credits on it, and no
   * online payment still in progress: a charge that later succeeds must find
   * the invoice it paid, so the void is refused until the payment settles
   * (staff retry then; a failed charge leaves the invoice free to void).
   */
  async void(id: string, reason: string): Promise<Invoice> {
    const trimmed = reason.trim();
    if (!trimmed || trimmed.length > 500)
      throw badInput('reason must be 1 to 500 characters', 'reason');
    const invoice = await this.db.transaction(async (manager) => {
      const invoice = await this.lockedInvoice(manager, id);
      if (invoice.state === 'void') return invoice;
      if (invoice.paidMinor !== 0 || invoice.creditedMinor !== 0) {
        throw codedError(ErrorCode.BadUserInput, 'refund the payments and credits on it first', {
          extensions: { field: 'id' },
        });
      }
      if (invoice.pendingMinor !== 0) {
        throw codedError(
          ErrorCode.BadUserInput,
          'a payment is in progress on this invoice; void it once the payment has settled',
          { extensions: { field: 'id', reason: 'payment-in-progress' } },
        );
      }
      invoice.state = 'void';
      invoice.voidedAt = new Date();
      invoice.voidReason = trimmed;
      invoice.updatedAt = new Date();
      await manager.getRepository(Invoice).save(invoice);
      await recordEvent(manager, 'invoice.voided', {
        invoiceId: invoice.id,
        customerId: invoice.customerId,
        number: invoice.number,
        ...(await this.salesLinkPayload(manager, invoice)),
      });
      return invoice;
    });
    await this.outbox.notify();
    return invoice;
  }

  linesFor(invoiceIds: readonly string[]): Promise<InvoiceLine[]> {
    if (invoiceIds.length === 0) return Promise.resolve([]);
    return this.db.manager.getRepository(InvoiceLine).find({
      where: { invoiceId: In([...new Set(invoiceIds)]) },
      order: { invoiceId: 'ASC', position: 'ASC' },
    });
  }
}
