import { DEMO_CUSTOMER_IDS } from '@portico/kit';
import type { BillingServices } from '../context';
import { Invoice } from '../invoice/invoice.entity';

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Demo invoices for the two demo customers: open, partly paid, paid by
 * credit, overdue and a draft. Only into an empty database.
 */
export async function seedBillingDemo(services: BillingServices): Promise<boolean> {
  if ((await services.db.manager.getRepository(Invoice).count()) > 0) return false;
  const staff = 'demo-seed';
  const acme = DEMO_CUSTOMER_IDS.acme;
  const globex = DEMO_CUSTOMER_IDS.globex;
  const create = async (
    customerId: string,
    currency: string,
    dueInDays: number,
    lines: Array<[string, string, string, string?]>,
  ) => {
    const draft = await services.invoices.createDraft({
      customerId,
      currency,
      dueDate: daysFromToday(dueInDays),
      terms: 'Net 30',
      allowPartialPayment: true,
      lines: lines.map(([description, quantity, unitPrice, taxPercent]) => ({
        description,
        quantity,
        unitPrice,
        taxPercent: taxPercent ?? '20',
      })),
    });
    return services.invoices.issue(draft.id);
  };
  const open = await create(acme, 'GBP', 30, [
    ['Consulting, November', '12.5', '95.00'],
    ['Support plan', '1', '250.00'],
  ]);
  const partly = await create(acme, 'GBP', 14, [['Hardware: rack switches', '2', '480.00']]);
  await create(acme, 'GBP', 45, [['Training day', '1', '1200.00']]);
  await services.payments.recordOffline(staff, {
    customerId: acme,
    currency: 'GBP',
    amount: '500.00',
    method: 'bank_transfer',
    reference: 'ACME-TRX-5531',
    receivedOn: daysFromToday(0),
    allocations: [{ invoiceId: partly.id, amount: '500.00' }],
  });
  const note = await services.credits.create({
    customerId: acme,
    currency: 'GBP',
    reason: 'Service credit for October outage',
    lines: [
      { description: 'Service credit', quantity: '1', unitPrice: '100.00', taxPercent: '20' },
    ],
  });
  await services.credits.apply({ creditNoteId: note.id, invoiceId: open.id, amount: '60.00' });
  await create(globex, 'EUR', 30, [['Licencias anuales', '10', '89.00', '21']]);
  await services.invoices.createDraft({
    customerId: globex,
    currency: 'EUR',
    dueDate: daysFromToday(40),
    lines: [
      {
        description: 'Borrador: mantenimiento',
        quantity: '1',
        unitPrice: '300.00',
        taxPercent: '21',
      },
    ],
  });
  return true;
}
