import { DEMO_CUSTOMER_IDS } from '@portico/kit';
import type { BillingServices } from '../context';
import { Invoice } from '../invoice/invoice.entity';

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

type Line = [description: string, quantity: string, unitPrice: string, taxPercent?: string];

/**
 * Five months of demo billing, so the statement, aging and balance show
 * something real: invoices paid, partly paid and overdue in every aging
 * bucket (1–30, 31–60, 61–90, over 90 days), current ones, a credit note
 * applied, a payment partly refunded, and a draft. Only into an empty database.
 */
export async function seedBillingDemo(services: BillingServices): Promise<boolean> {
  if ((await services.db.manager.getRepository(Invoice).count()) > 0) return false;
  const staff = 'demo-seed';
  const acme = DEMO_CUSTOMER_IDS.acme;
  const globex = DEMO_CUSTOMER_IDS.globex;
  /** An invoice issued `issuedDaysAgo` days ago, due 30 days after issue. */
  const issue = async (
    customerId: string,
    currency: string,
    issuedDaysAgo: number,
    lines: Line[],
  ) => {
    const draft = await services.invoices.createDraft({
      customerId,
      currency,
      dueDate: daysFromToday(30 - issuedDaysAgo),
      terms: 'Net 30',
      allowPartialPayment: true,
      lines: lines.map(([description, quantity, unitPrice, taxPercent]) => ({
        description,
        quantity,
        unitPrice,
        taxPercent: taxPercent ?? (currency === 'EUR' ? '21' : '20'),
      })),
    });
    return services.invoices.issue(draft.id, daysFromToday(-issuedDaysAgo));
  };
  const pay = (
    customerId: string,
    currency: string,
    amount: string,
    receivedDaysAgo: number,
    reference: string,
    allocations: Array<{ invoiceId: string; amount: string }>,
  ) =>
    services.payments.recordOffline(staff, {
      customerId,
      currency,
      amount,
      method: 'bank_transfer',
      reference,
      receivedOn: daysFromToday(-receivedDaysAgo),
      allocations,
    });

  // Acme (GBP).
  const july = await issue(acme, 'GBP', 150, [
    ['Consulting, July', '20', '95.00'],
    ['Support plan, July', '1', '250.00'],
  ]);
  await pay(acme, 'GBP', '2580.00', 125, 'ACME-TRX-4410', [
    { invoiceId: july.id, amount: '2580.00' },
  ]);
  // Overdue by more than 90 days, nothing paid.
  await issue(acme, 'GBP', 130, [['Hardware: access points', '4', '210.00']]);
  // Overdue 61–90 days, partly paid.
  const september = await issue(acme, 'GBP', 95, [['Consulting, September', '8', '95.00']]);
  await pay(acme, 'GBP', '300.00', 80, 'ACME-TRX-4702', [
    { invoiceId: september.id, amount: '300.00' },
  ]);
  // Overdue 31–60 days.
  await issue(acme, 'GBP', 75, [['Support plan, October', '1', '250.00']]);
  // Overdue 1–30 days, a service credit applied to it.
  const november = await issue(acme, 'GBP', 45, [
    ['Consulting, November', '12.5', '95.00'],
    ['Support plan, November', '1', '250.00'],
  ]);
  const note = await services.credits.create({
    customerId: acme,
    currency: 'GBP',
    reason: 'Service credit for the October outage',
    lines: [
      { description: 'Service credit', quantity: '1', unitPrice: '100.00', taxPercent: '20' },
    ],
  });
  await services.credits.apply({ creditNoteId: note.id, invoiceId: november.id, amount: '60.00' });
  // Current: not yet due, one partly paid.
  const switches = await issue(acme, 'GBP', 16, [['Hardware: rack switches', '2', '480.00']]);
  // Paid with 100.00 too much; the excess went back to the customer.
  const overpaid = await pay(acme, 'GBP', '600.00', 10, 'ACME-TRX-5531', [
    { invoiceId: switches.id, amount: '500.00' },
  ]);
  await services.payments.refund(staff, {
    paymentId: overpaid.id,
    amount: '100.00',
    reason: 'Paid twice by mistake: the excess was returned',
    refundedOn: daysFromToday(-7),
  });
  await issue(acme, 'GBP', 3, [['Training day', '1', '1200.00']]);

  // Globex (EUR).
  const agosto = await issue(globex, 'EUR', 120, [['Licencias anuales', '10', '89.00']]);
  await pay(globex, 'EUR', '1076.90', 100, 'GLOBEX-SEPA-0917', [
    { invoiceId: agosto.id, amount: '1076.90' },
  ]);
  const octubre = await issue(globex, 'EUR', 50, [['Mantenimiento, octubre', '1', '300.00']]);
  await pay(globex, 'EUR', '150.00', 30, 'GLOBEX-SEPA-1102', [
    { invoiceId: octubre.id, amount: '150.00' },
  ]);
  await issue(globex, 'EUR', 8, [['Mantenimiento, noviembre', '1', '300.00']]);
  await services.invoices.createDraft({
    customerId: globex,
    currency: 'EUR',
    dueDate: daysFromToday(40),
    lines: [
      {
        description: 'Borrador: mantenimiento, diciembre',
        quantity: '1',
        unitPrice: '300.00',
        taxPercent: '21',
      },
    ],
  });
  return true;
}
