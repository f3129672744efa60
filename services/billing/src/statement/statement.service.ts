import { In, LessThan, Not } from 'typeorm';
import type { Database } from '@portico/kit';
import { CreditApplication, CreditNote } from '../credit/credit-note.entity';
import { Invoice } from '../invoice/invoice.entity';
import { badInput, parseCurrency, parseDate } from '@portico/commerce';
import { Payment, PaymentAllocation, Refund } from '../payment/payment.entity';

export type StatementEntryKind = 'invoice' | 'payment' | 'credit_note' | 'refund';

export interface StatementEntryData {
  date: string;
  kind: StatementEntryKind;
  reference: string;
  documentId: string;
  /** Positive raises what the customer owes (invoice, refund), negative lowers it. */
  amountMinor: number;
  balanceMinor: number;
}

export interface AgingData {
  currentMinor: number;
  days1to30Minor: number;
  days31to60Minor: number;
  days61to90Minor: number;
  over90Minor: number;
}

export interface StatementData {
  customerId: string;
  currency: string;
  from: string;
  to: string;
  openingBalanceMinor: number;
  entries: StatementEntryData[];
  closingBalanceMinor: number;
  invoicedMinor: number;
  paidMinor: number;
  creditedMinor: number;
  refundedMinor: number;
  aging: AgingData;
}

const DAY_MS = 86_400_000;
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The longest statement, in days (ten years and their leap days). */
export const MAX_STATEMENT_DAYS = 3_660;

/**
 * What a statement may cover: the one check for `statement` and for minting
 * and serving its document links, so that a link the API gives is a link the
 * route serves, and a range the route would refuse is refused when asked for.
 */
export function parseStatementRange(
  currencyInput: string,
  fromInput: string,
  toInput: string,
): { currency: string; from: string; to: string } {
  const currency = parseCurrency(currencyInput);
  const from = parseDate(fromInput, 'from');
  const to = parseDate(toInput, 'to');
  if (from > to) throw badInput('from is after to', 'from');
  if (daysBetween(from, to) > MAX_STATEMENT_DAYS)
    throw badInput('a statement covers at most ten years', 'from');
  return { currency, from, to };
}

/** Orders same-day entries: documents that raise the balance before those that lower it. */
const KIND_ORDER: Record<StatementEntryKind, number> = {
  invoice: 0,
  refund: 1,
  credit_note: 2,
  payment: 3,
};

/**
 * Statement of account for one customer and currency over [from, to]:
 * opening balance, every invoice, payment, credit note and refund with a
 * running balance, closing balance = opening + invoiced − paid − credited +
 * refunded, and aging of what is still open at `to` by days past due.
 * Credit notes count when issued (not when applied): unapplied credit lowers
 * what the customer owes.
 */
export class StatementService {
  constructor(private readonly db: Database) {}

  async build(
    customerId: string,
    currencyInput: string,
    fromInput: string,
    toInput: string,
  ): Promise<StatementData> {
    const { currency, from, to } = parseStatementRange(currencyInput, fromInput, toInput);
    const m = this.db.manager;
    const [invoices, payments, notes, refunds] = await Promise.all([
      m.getRepository(Invoice).find({
        where: {
          customerId,
          currency,
          state: Not(In(['draft', 'void'])),
          issueDate: LessThan(nextDay(to)),
        },
      }),
      m.getRepository(Payment).find({
        where: { customerId, currency, state: 'succeeded', receivedOn: LessThan(nextDay(to)) },
      }),
      m
        .getRepository(CreditNote)
        .find({ where: { customerId, currency, issueDate: LessThan(nextDay(to)) } }),
      m.getRepository(Refund).find({ where: { customerId, refundedOn: LessThan(nextDay(to)) } }),
    ]);
    const paymentIds = new Set(payments.map((p) => p.id));
    const currencyRefunds = refunds.filter((r) => paymentIds.has(r.paymentId));
    const all: Array<Omit<StatementEntryData, 'balanceMinor'>> = [
      ...invoices.map((i) => ({
        date: i.issueDate!,
        kind: 'invoice' as const,
        reference: i.number ?? '',
        documentId: i.id,
        amountMinor: i.totalMinor,
      })),
      ...payments.map((p) => ({
        date: p.receivedOn,
        kind: 'payment' as const,
        reference: p.reference ?? p.method,
        documentId: p.id,
        amountMinor: -p.amountMinor,
      })),
      ...notes.map((n) => ({
        date: n.issueDate,
        kind: 'credit_note' as const,
        reference: n.number,
        documentId: n.id,
        amountMinor: -n.totalMinor,
      })),
      ...currencyRefunds.map((r) => ({
        date: r.refundedOn,
        kind: 'refund' as const,
        reference: r.reason ?? 'refund',
        documentId: r.id,
        amountMinor: r.amountMinor,
      })),
    ].sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        a.documentId.localeCompare(b.documentId),
    );

    const openingBalanceMinor = all
      .filter((e) => e.date < from)
      .reduce((s, e) => s + e.amountMinor, 0);
    let running = openingBalanceMinor;
    const entries = all
      .filter((e) => e.date >= from)
      .map((e) => {
        running += e.amountMinor;
        return { ...e, balanceMinor: running };
      });
    const sum = (kind: StatementEntryKind) =>
      entries.filter((e) => e.kind === kind).reduce((s, e) => s + Math.abs(e.amountMinor), 0);

    return {
      customerId,
      currency,
      from,
      to,
      openingBalanceMinor,
      entries,
      closingBalanceMinor: running,
      invoicedMinor: sum('invoice'),
      paidMinor: sum('payment'),
      creditedMinor: sum('credit_note'),
      refundedMinor: sum('refund'),
      aging: await this.aging(invoices, to),
    };
  }

  /** What each invoice still owed at `to` (allocations and credits dated up to `to`), by days past due. */
  private async aging(invoices: Invoice[], to: string): Promise<AgingData> {
    const aging: AgingData = {
      currentMinor: 0,
      days1to30Minor: 0,
      days31to60Minor: 0,
      days61to90Minor: 0,
      over90Minor: 0,
    };
    if (invoices.length === 0) return aging;
    const ids = invoices.map((i) => i.id);
    const [allocations, applications] = await Promise.all([
      this.db.manager.getRepository(PaymentAllocation).find({ where: { invoiceId: In(ids) } }),
      this.db.manager.getRepository(CreditApplication).find({ where: { invoiceId: In(ids) } }),
    ]);
    for (const invoice of invoices) {
      const settled =
        allocations
          .filter((a) => a.invoiceId === invoice.id && a.effectiveOn <= to)
          .reduce((s, a) => s + a.amountMinor, 0) +
        applications
          .filter((a) => a.invoiceId === invoice.id && a.appliedOn <= to)
          .reduce((s, a) => s + a.amountMinor, 0);
      const open = invoice.totalMinor - settled;
      if (open <= 0) continue;
      const late = daysBetween(invoice.dueDate, to);
      if (late <= 0) aging.currentMinor += open;
      else if (late <= 30) aging.days1to30Minor += open;
      else if (late <= 60) aging.days31to60Minor += open;
      else if (late <= 90) aging.days61to90Minor += open;
      else aging.over90Minor += open;
    }
    return aging;
  }
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}
