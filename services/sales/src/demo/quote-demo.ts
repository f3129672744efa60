import { DEMO_CUSTOMER_IDS, type Principal } from '@portico/kit';
import type { SalesServices } from '../context';
import { Quote } from '../quote/quote.entity';
import type { QuoteLineInput } from '../quote/quote.inputs';
import { QuoteDeclineReason } from '../quote/quote.status';

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

type Line = [description: string, quantity: string, unitPrice: string, optional?: boolean];

/** Stand-ins for the demo customers' contacts (accounts gives its contacts ids of its own). */
const DEMO_CONTACTS = {
  acme: '00000000-0000-4000-8000-00000000c001',
  globex: '00000000-0000-4000-8000-00000000c002',
};

/**
 * Demo quotes, one in each state a customer meets: sent with an optional
 * line, viewed, accepted, declined, expired, revised (with its history) and
 * a draft. Only into an empty database; false when it had quotes already.
 */
export async function seedQuoteDemo(services: SalesServices): Promise<boolean> {
  if ((await services.db.manager.getRepository(Quote).count()) > 0) return false;
  const { quotes, quoteDecisions } = services;
  const acme = DEMO_CUSTOMER_IDS.acme;
  const globex = DEMO_CUSTOMER_IDS.globex;
  const contact = (customerId: string): Principal => ({
    kind: 'contact',
    customerId,
    contactId: customerId === acme ? DEMO_CONTACTS.acme : DEMO_CONTACTS.globex,
  });
  const lines = (currency: string, rows: Line[]): QuoteLineInput[] =>
    rows.map(([description, quantity, unitPrice, optional]) => ({
      description,
      quantity,
      unitPrice,
      taxPercent: currency === 'EUR' ? '21' : '20',
      optional: optional ?? false,
    }));
  const draft = (customerId: string, currency: string, expiresIn: number, rows: Line[]) =>
    quotes.createDraft({
      customerId,
      currency,
      expiryDate: daysFromToday(expiresIn),
      terms: 'Prices valid until the expiry date. 50 % on order, the rest on delivery.',
      lines: lines(currency, rows),
    });
  const sent = async (
    customerId: string,
    currency: string,
    sentDaysAgo: number,
    expiresIn: number,
    rows: Line[],
  ) => {
    const quote = await draft(customerId, currency, expiresIn, rows);
    return quotes.send(quote.id, daysFromToday(-sentDaysAgo));
  };

  // Acme (GBP): sent with an optional line; viewed; accepted with its optional line; revised.
  await sent(acme, 'GBP', 2, 28, [
    ['Wi-Fi survey, head office', '1', '650.00'],
    ['Access points, installed', '6', '210.00'],
    ['Extended warranty, 3 years', '6', '35.00', true],
  ]);
  const viewed = await sent(acme, 'GBP', 5, 25, [['Network audit', '3', '480.00']]);
  await quotes.recordFirstView(contact(acme), viewed);
  const accepted = await sent(acme, 'GBP', 20, 10, [
    ['Firewall appliance', '1', '1450.00'],
    ['Firewall setup', '6', '95.00'],
    ['Managed firewall, first year', '1', '600.00', true],
  ]);
  const acceptedLines = await quotes.linesFor([(await quotes.revisionsFor([accepted.id]))[0]!.id]);
  await quoteDecisions.accept(contact(acme), undefined, {
    id: accepted.id,
    revision: 1,
    signerName: 'Alice Archer',
    acceptTerms: true,
    optionalLineIds: acceptedLines.filter((l) => l.optional).map((l) => l.id),
    comment: 'Please schedule the setup for a Friday.',
    customerReference: 'ACME-PO-2291',
  });
  const revised = await sent(acme, 'GBP', 12, 18, [
    ['Laptops, 14"', '10', '899.00'],
    ['Docking stations', '10', '149.00'],
  ]);
  await quoteDecisions.requestChanges(contact(acme), {
    id: revised.id,
    revision: 1,
    comment: 'Could you quote 12 laptops, and drop the docking stations?',
  });
  await quotes.revise({
    id: revised.id,
    expiryDate: daysFromToday(30),
    lines: lines('GBP', [
      ['Laptops, 14"', '12', '879.00'],
      ['Laptop sleeves', '12', '19.00', true],
    ]),
    notes: 'Volume price for 12 units.',
  });

  // Globex (EUR): declined; expired; a draft.
  const declined = await sent(globex, 'EUR', 30, 5, [['Migración de correo', '1', '2400.00']]);
  await quoteDecisions.decline(contact(globex), undefined, {
    id: declined.id,
    revision: 1,
    reasonCode: QuoteDeclineReason.TIMING,
    reason: 'Lo retomaremos el próximo trimestre.',
  });
  await sent(globex, 'EUR', 45, -15, [['Auditoría de seguridad', '1', '3200.00']]);
  await draft(globex, 'EUR', 30, [['Soporte anual', '1', '4800.00']]);
  return true;
}
