import { registerEnumType } from 'type-graphql';
import type { Invoice } from './invoice.entity';

export enum InvoiceStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  PAID = 'PAID',
  OVERDUE = 'OVERDUE',
  VOID = 'VOID',
}
registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description:
    'DRAFT and VOID are set by staff; the others follow from the balance and the due date (a due date before today, UTC, with a balance left is OVERDUE).',
});

/** Today's date in UTC as YYYY-MM-DD: due dates are calendar dates. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function balanceDueMinor(invoice: Invoice): number {
  return invoice.totalMinor - invoice.paidMinor - invoice.creditedMinor;
}

/** What can still be paid or credited now: the balance less online payments still pending. */
export function payableMinor(invoice: Invoice): number {
  return balanceDueMinor(invoice) - invoice.pendingMinor;
}

export function invoiceStatus(invoice: Invoice, today: string = todayUtc()): InvoiceStatus {
  if (invoice.state === 'draft') return InvoiceStatus.DRAFT;
  if (invoice.state === 'void') return InvoiceStatus.VOID;
  const balance = balanceDueMinor(invoice);
  if (balance <= 0) return InvoiceStatus.PAID;
  if (invoice.dueDate < today) return InvoiceStatus.OVERDUE;
  if (invoice.paidMinor + invoice.creditedMinor > 0) return InvoiceStatus.PARTIALLY_PAID;
  return InvoiceStatus.SENT;
}
