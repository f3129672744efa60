import { randomUUID } from 'node:crypto';
import type { Database } from '@portico/kit';
import { revisionSha256, type QuoteLine, type QuoteRevision } from '@portico/sales';
import { BulkWriter, isoDay, type GeneratedPrincipal } from './generate-data';

/** How many quotes and purchase orders each bench customer has. */
export interface SalesScale {
  quotesPerCustomer: number;
  ordersPerCustomer: number;
}

export const SALES_SCALE: SalesScale = { quotesPerCustomer: 10, ordersPerCustomer: 12 };

/**
 * The first customer's history, whatever the scale says: 102 of these
 * quotes are open (sent, viewed, changes requested) and 105 of these orders
 * active, so the dashboard's 100-row pages are full.
 */
export const MEASURED_QUOTES = 170;
export const MEASURED_ORDERS = 126;

/**
 * The five kinds of quote, in turn: three open (what the dashboard lists)
 * and two that its status filter must leave out.
 */
const QUOTE_KINDS = ['sent', 'viewed', 'changes_requested', 'expired', 'withdrawn'] as const;
/** The six kinds of order, in turn: five active and one delivered (left out). */
const ORDER_KINDS = [
  'confirmed',
  'in_progress',
  'partially_shipped',
  'shipped',
  'on_hold',
  'delivered',
] as const;

const PICKING = { label: 'Picking', colour: '#f5a623' };

/** Counts of what was written, for the bench's summary. */
export interface GeneratedSales {
  quotes: number;
  openQuotes: number;
  orders: number;
  activeOrders: number;
  /** The first customer's open quotes and active orders. */
  measured: { openQuotes: number; activeOrders: number };
}

function quoteLineAmounts(quantityMilli: number, unitPriceMinor: number) {
  const grossMinor = Math.round((quantityMilli * unitPriceMinor) / 1000);
  const taxMinor = Math.round(grossMinor * 0.21);
  return { grossMinor, discountMinor: 0, taxMinor, totalMinor: grossMinor + taxMinor };
}

/**
 * Sales' side of the bench customers, as the services would have written it
 * (multi-row INSERTs, like billing's): the customer directory (what accounts'
 * events would have brought), quotes sent with one revision, its frozen
 * recipient and SHA-256 and two lines (some viewed, some sent back for
 * changes, some expired or withdrawn), and purchase orders with two lines,
 * shipments and timeline entries in every status from confirmed to
 * delivered.
 */
export async function generateSales(
  sales: Database,
  principals: GeneratedPrincipal[],
  scale: SalesScale,
): Promise<GeneratedSales> {
  const now = new Date();
  const year = isoDay(0).slice(0, 4);
  const order = [
    'DirectoryCustomer',
    'NumberSequence',
    'OrderSubStatus',
    'Quote',
    'QuoteRevision',
    'QuoteLine',
    'QuoteChangeRequest',
    'PurchaseOrder',
    'OrderLine',
    'Shipment',
    'ShipmentLine',
    'OrderTimelineEntry',
  ];
  const writer = new BulkWriter(sales, order, 500);
  const picking = randomUUID();
  await writer.add('OrderSubStatus', {
    id: picking,
    status: 'in_progress',
    label: PICKING.label,
    colour: PICKING.colour,
    position: 1,
    archived: false,
    createdAt: now,
    updatedAt: now,
  });
  const counts: GeneratedSales = {
    quotes: 0,
    openQuotes: 0,
    orders: 0,
    activeOrders: 0,
    measured: { openQuotes: 0, activeOrders: 0 },
  };
  for (const [c, { customerId, contactId }] of principals.entries()) {
    const address = {
      line1: `${c} Bench Street`,
      line2: null,
      city: 'Benchton',
      region: null,
      postalCode: '00000',
      country: 'ES',
    };
    const customer = {
      id: customerId,
      companyName: `Customer ${String(c).padStart(6, '0')} Ltd`,
      displayName: `Customer ${c}`,
      email: `billing${c}@customers.example`,
      taxId: null,
      locale: c % 3 === 0 ? 'es' : 'en',
      currency: 'EUR',
      billingAddress: JSON.stringify(address),
      archived: false,
      updatedAt: now,
    };
    await writer.add('DirectoryCustomer', customer);
    const recipientParty = JSON.stringify({
      name: customer.companyName,
      tradingName: null,
      taxId: null,
      email: customer.email,
      address,
      locale: customer.locale,
    });

    const quoteCount =
      c === 0 ? Math.max(scale.quotesPerCustomer, MEASURED_QUOTES) : scale.quotesPerCustomer;
    for (let j = 0; j < quoteCount; j += 1) {
      counts.quotes += 1;
      const kind = QUOTE_KINDS[j % QUOTE_KINDS.length]!;
      const open = kind === 'sent' || kind === 'viewed' || kind === 'changes_requested';
      if (open) {
        counts.openQuotes += 1;
        if (c === 0) counts.measured.openQuotes += 1;
      }
      const quote = {
        id: randomUUID(),
        customerId,
        number: `QUO-${year}-${String(counts.quotes).padStart(5, '0')}`,
        state: kind === 'withdrawn' ? 'withdrawn' : kind === 'changes_requested' ? kind : 'sent',
        currentRevision: 1,
        currency: 'EUR',
        issueDate: isoDay(-j * 2),
        expiryDate: kind === 'expired' ? isoDay(-1) : isoDay(30),
        firstViewedAt: kind === 'sent' ? null : now,
        firstViewedBy: kind === 'sent' ? null : contactId,
        purchaseOrderId: null,
        convertedAt: null,
        withdrawnAt: kind === 'withdrawn' ? now : null,
        createdAt: now,
        updatedAt: now,
      };
      const revisionId = randomUUID();
      const lines = [
        { description: 'Consulting day', quantityMilli: 2000, unitPriceMinor: 60_000 + j * 100 },
        { description: 'Travel', quantityMilli: 1000, unitPriceMinor: 15_000 },
      ].map((line, index) => ({
        id: randomUUID(),
        revisionId,
        position: index + 1,
        ...line,
        discountBasisPoints: 0,
        taxBasisPoints: 2100,
        optional: false,
        ...quoteLineAmounts(line.quantityMilli, line.unitPriceMinor),
      }));
      const sum = (key: 'grossMinor' | 'taxMinor' | 'totalMinor') =>
        lines.reduce((total, line) => total + line[key], 0);
      const revision = {
        id: revisionId,
        quoteId: quote.id,
        revision: 1,
        issueDate: quote.issueDate,
        expiryDate: quote.expiryDate,
        terms: 'Payment within 30 days of invoice.',
        notes: null,
        subtotalMinor: sum('grossMinor'),
        discountMinor: 0,
        taxMinor: sum('taxMinor'),
        totalMinor: sum('totalMinor'),
        optionalTotalMinor: 0,
        issuerParty: null,
        recipientParty,
        sha256: null as string | null,
        sentAt: now,
        createdAt: now,
      };
      revision.sha256 = revisionSha256(
        quote,
        revision as QuoteRevision,
        lines as unknown as QuoteLine[],
      );
      await writer.add('Quote', quote);
      await writer.add('QuoteRevision', revision);
      for (const line of lines) await writer.add('QuoteLine', line);
      if (kind === 'changes_requested') {
        await writer.add('QuoteChangeRequest', {
          id: randomUUID(),
          quoteId: quote.id,
          revision: 1,
          actorKind: 'contact',
          actorId: contactId,
          comment: 'Could the travel be included in the day rate?',
          requestedAt: now,
        });
      }
    }

    const orderCount =
      c === 0 ? Math.max(scale.ordersPerCustomer, MEASURED_ORDERS) : scale.ordersPerCustomer;
    for (let i = 0; i < orderCount; i += 1) {
      counts.orders += 1;
      const kind = ORDER_KINDS[i % ORDER_KINDS.length]!;
      if (kind !== 'delivered') {
        counts.activeOrders += 1;
        if (c === 0) counts.measured.activeOrders += 1;
      }
      const orderId = randomUUID();
      const shipped = kind === 'partially_shipped' || kind === 'shipped' || kind === 'delivered';
      const specs = [
        { description: 'Widget', quantityMilli: 3000, unitPriceMinor: 2_500 + i * 10 },
        { description: 'Installation', quantityMilli: 1000, unitPriceMinor: 12_000 },
      ];
      const lines = specs.map((line, index) => {
        const amounts = quoteLineAmounts(line.quantityMilli, line.unitPriceMinor);
        const shippedMilli =
          kind === 'shipped' ||
          kind === 'delivered' ||
          (kind === 'partially_shipped' && index === 0)
            ? line.quantityMilli
            : 0;
        return {
          id: randomUUID(),
          orderId,
          position: index + 1,
          description: line.description,
          quantityMilli: line.quantityMilli,
          shippedMilli,
          deliveredMilli: kind === 'delivered' ? line.quantityMilli : 0,
          invoicedMilli: 0,
          unitPriceMinor: line.unitPriceMinor,
          discountBasisPoints: 0,
          taxBasisPoints: 2100,
          discountMinor: 0,
          taxMinor: amounts.taxMinor,
          totalMinor: amounts.totalMinor,
          grossMinor: amounts.grossMinor,
        };
      });
      const shipmentId = shipped ? randomUUID() : null;
      // What each change left: [kind, status after, details].
      const changes: Array<[string, string, object]> = [['created', 'confirmed', {}]];
      if (kind === 'in_progress' || kind === 'on_hold') {
        changes.push(['status_changed', 'in_progress', { previousStatus: 'confirmed' }]);
      }
      if (kind === 'in_progress') {
        changes.push(['sub_status_changed', 'in_progress', {}]);
      }
      if (kind === 'on_hold') {
        changes.push(['status_changed', 'on_hold', { previousStatus: 'in_progress' }]);
      }
      if (shipped) {
        changes.push([
          'shipment_added',
          kind === 'partially_shipped' ? 'partially_shipped' : 'shipped',
          { shipmentId },
        ]);
      }
      if (kind === 'delivered') changes.push(['shipment_delivered', 'delivered', { shipmentId }]);
      const orderNumber = counts.orders;
      await writer.add('PurchaseOrder', {
        id: orderId,
        customerId,
        number: `PO-${year}-${String(orderNumber).padStart(5, '0')}`,
        customerReference: `REF-${orderNumber}`,
        orderDate: isoDay(-i),
        expectedDeliveryDate: isoDay(14 - (i % 7)),
        status: kind,
        heldFromStatus: kind === 'on_hold' ? 'in_progress' : null,
        subStatusId: kind === 'in_progress' ? picking : null,
        quoteId: null,
        currency: 'EUR',
        subtotalMinor: lines.reduce((s, l) => s + l.grossMinor, 0),
        discountMinor: 0,
        taxMinor: lines.reduce((s, l) => s + l.taxMinor, 0),
        totalMinor: lines.reduce((s, l) => s + l.totalMinor, 0),
        timelineSequence: changes.length,
        createdAt: now,
        updatedAt: now,
      });
      for (const { grossMinor: _gross, ...line } of lines) await writer.add('OrderLine', line);
      if (shipmentId) {
        await writer.add('Shipment', {
          id: shipmentId,
          orderId,
          sequence: 1,
          carrier: 'UPS',
          trackingNumber: `1Z${String(orderNumber).padStart(10, '0')}`,
          trackingUrl: null,
          shippedAt: isoDay(Math.min(0, 1 - i)),
          deliveredAt: kind === 'delivered' ? isoDay(0) : null,
          createdAt: now,
        });
        for (const line of lines) {
          if (line.shippedMilli === 0) continue;
          await writer.add('ShipmentLine', {
            id: randomUUID(),
            shipmentId,
            orderLineId: line.id,
            quantityMilli: line.shippedMilli,
          });
        }
      }
      for (const [index, [change, status, details]] of changes.entries()) {
        await writer.add('OrderTimelineEntry', {
          id: randomUUID(),
          orderId,
          sequence: index + 1,
          at: new Date(now.getTime() - (changes.length - index) * 60_000),
          kind: change,
          actorKind: 'business',
          actorContactId: null,
          staffUserId: null,
          status,
          // The sub-status as it stood after the change, as sales records it.
          details: JSON.stringify({
            ...details,
            subStatus: change === 'sub_status_changed' ? PICKING : null,
          }),
        });
      }
    }
  }
  // The number series go on after the generated documents.
  await writer.add('NumberSequence', { name: `QUO-${year}`, nextValue: counts.quotes + 1 });
  await writer.add('NumberSequence', { name: `PO-${year}`, nextValue: counts.orders + 1 });
  await writer.flush();
  return counts;
}
