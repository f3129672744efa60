import { randomUUID } from 'node:crypto';
import type { Database } from '@portico/kit';

/** How much data a benchmark run works on. */
export interface Scale {
  customers: number;
  invoicesPerCustomer: number;
  linesPerInvoice: number;
}

export const SMALL_SCALE: Scale = { customers: 300, invoicesPerCustomer: 30, linesPerInvoice: 2 };

export interface GeneratedPrincipal {
  customerId: string;
  contactId: string;
  sessionId: string;
}

async function insertChunks(
  db: Database,
  entity: string,
  rows: object[],
  chunk = 400,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await db.manager
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Customers with one portal contact and an open session each (so tokens pass
 * the gateway's session check), then invoices with lines, a payment on every
 * other invoice and a credit note per customer, written with multi-row
 * INSERTs in chunks.
 */
export async function generateData(
  accounts: Database,
  billing: Database,
  scale: Scale,
  passwordHash: string,
): Promise<GeneratedPrincipal[]> {
  const now = new Date();
  const principals: GeneratedPrincipal[] = [];
  const customers: object[] = [];
  const contacts: object[] = [];
  const sessions: object[] = [];
  for (let c = 0; c < scale.customers; c += 1) {
    const customerId = randomUUID();
    const contactId = randomUUID();
    const sessionId = randomUUID();
    principals.push({ customerId, contactId, sessionId });
    customers.push({
      id: customerId,
      companyName: `Customer ${String(c).padStart(6, '0')} Ltd`,
      displayName: `Customer ${c}`,
      email: `billing${c}@customers.example`,
      currency: 'EUR',
      locale: c % 3 === 0 ? 'es' : 'en',
      billingLine1: `${c} Bench Street`,
      billingLine2: null,
      billingCity: 'Benchton',
      billingRegion: null,
      billingPostalCode: '00000',
      billingCountry: 'ES',
      portalEnabled: true,
      createdAt: now,
    });
    contacts.push({
      id: contactId,
      customerId,
      name: `Contact ${c}`,
      email: `contact${c}@customers.example`,
      passwordHash,
      portalAccess: true,
      lastSignInAt: null,
      createdAt: now,
      disabledAt: null,
    });
    sessions.push({
      id: sessionId,
      subjectKind: 'contact',
      subjectId: contactId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      revokedAt: null,
      revokedReason: null,
      clientAddress: null,
    });
  }
  await insertChunks(accounts, 'Customer', customers);
  await insertChunks(accounts, 'Contact', contacts);
  await insertChunks(accounts, 'Session', sessions);

  let sequence = 0;
  const year = isoDay(0).slice(0, 4);
  for (const [index, principal] of principals.entries()) {
    // The first customer has a long history, so a 100-row page is full.
    const invoiceCount =
      index === 0 ? Math.max(scale.invoicesPerCustomer, 120) : scale.invoicesPerCustomer;
    const invoices: object[] = [];
    const lines: object[] = [];
    const payments: object[] = [];
    const allocations: object[] = [];
    for (let i = 0; i < invoiceCount; i += 1) {
      const id = randomUUID();
      const unit = 1000 + ((sequence * 37) % 9000);
      const lineTotal = unit * 1.21;
      const total = Math.round(lineTotal) * scale.linesPerInvoice;
      const paid = i % 2 === 0 ? total : 0;
      sequence += 1;
      invoices.push({
        id,
        customerId: principal.customerId,
        number: `INV-${year}-${String(sequence).padStart(7, '0')}`,
        state: 'sent',
        currency: 'EUR',
        issueDate: isoDay(-i * 3),
        dueDate: isoDay(30 - i * 3),
        notes: null,
        terms: 'Net 30',
        allowPartialPayment: true,
        subtotalMinor: unit * scale.linesPerInvoice,
        discountMinor: 0,
        taxMinor: total - unit * scale.linesPerInvoice,
        totalMinor: total,
        paidMinor: paid,
        creditedMinor: 0,
        pendingMinor: 0,
        firstViewedAt: null,
        firstViewedBy: null,
        voidedAt: null,
        voidReason: null,
        createdAt: now,
        updatedAt: now,
      });
      for (let l = 0; l < scale.linesPerInvoice; l += 1) {
        lines.push({
          id: randomUUID(),
          invoiceId: id,
          position: l + 1,
          description: `Service ${l + 1}`,
          quantityMilli: 1000,
          unitPriceMinor: unit,
          discountBasisPoints: 0,
          taxBasisPoints: 2100,
          discountMinor: 0,
          taxMinor: Math.round(lineTotal) - unit,
          totalMinor: Math.round(lineTotal),
        });
      }
      if (paid > 0) {
        const paymentId = randomUUID();
        payments.push({
          id: paymentId,
          customerId: principal.customerId,
          currency: 'EUR',
          amountMinor: paid,
          method: 'bank_transfer',
          state: 'succeeded',
          reference: `TRX-${sequence}`,
          receivedOn: isoDay(-i * 3 + 1),
          recordedBy: 'bench',
          createdAt: now,
          provider: null,
          providerPaymentId: null,
          failureCode: null,
          failureMessage: null,
          idempotencyKey: null,
          requestHash: null,
          paidBy: null,
        });
        allocations.push({
          id: randomUUID(),
          paymentId,
          invoiceId: id,
          refundId: null,
          amountMinor: paid,
          effectiveOn: isoDay(-i * 3 + 1),
        });
      }
    }
    await insertChunks(billing, 'Invoice', invoices);
    await insertChunks(billing, 'InvoiceLine', lines);
    await insertChunks(billing, 'Payment', payments);
    await insertChunks(billing, 'PaymentAllocation', allocations);
  }
  return principals;
}
