import type { Database, Outbox, Principal } from '@portico/kit';
import { parseDate, type CustomerDirectory } from '@portico/commerce';
import { recordSalesEvent } from '../events/sales-events';
import type { OrderActor } from '../order/order.changes';
import type { PurchaseOrder } from '../order/order.entity';
import type { OrderService } from '../order/order.service';
import { loadAcceptedQuote, markQuoteConverted } from '../quote/quote-conversion';
import type { Quote } from '../quote/quote.entity';
import { refused } from '../quote/quote.rules';
import { todayUtc } from '../quote/quote.status';

export interface ConvertQuoteOptions {
  /** Whether billing raises (and issues) an invoice for the order too. */
  createInvoice: boolean;
  /** The invoice's due date, YYYY-MM-DD, today or later; required with `createInvoice`. */
  invoiceDueDate?: string | null;
  expectedDeliveryDate?: string | null;
}

export interface ConvertedQuote {
  quote: Quote;
  purchaseOrder: PurchaseOrder;
  invoiceRequested: boolean;
}

/**
 * An accepted quote becomes a purchase order with exactly the lines the
 * customer accepted (every required line, the optional lines chosen), and,
 * at the business's choice, an invoice: billing raises and issues it from
 * the quote.converted event, once. The quote converts once whatever
 * arrives at the same time (a conditional update inside the transaction that
 * also creates the order; the loser changes nothing).
 */
export class QuoteConversionService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
    private readonly orders: OrderService,
  ) {}

  async convert(
    principal: Principal,
    actor: OrderActor,
    quoteId: string,
    options: ConvertQuoteOptions,
  ): Promise<ConvertedQuote> {
    const dueDate = options.createInvoice ? this.dueDate(options.invoiceDueDate) : null;
    // Refusals that need no lock come first, and the customer is checked
    // against what accounts says now (catching up takes its own transaction).
    const seen = await loadAcceptedQuote(this.db.manager, principal, quoteId);
    await this.directory.requireActive(seen.quote.customerId);
    const converted = await this.db.transaction(async (manager) => {
      const accepted = await loadAcceptedQuote(manager, principal, quoteId);
      const { order, lines } = await this.orders.create(
        manager,
        {
          customerId: accepted.quote.customerId,
          currency: accepted.quote.currency,
          customerReference: accepted.decision.customerReference,
          expectedDeliveryDate: options.expectedDeliveryDate ?? null,
          quoteId: accepted.quote.id,
          lines: accepted.lines.map((line) => ({
            description: line.description,
            quantityMilli: line.quantityMilli,
            unitPriceMinor: line.unitPriceMinor,
            discountBasisPoints: line.discountBasisPoints,
            taxBasisPoints: line.taxBasisPoints,
          })),
        },
        actor,
      );
      // The quote read above, marked converted once: a concurrent conversion
      // that got here first leaves nothing for this conditional update.
      const now = new Date();
      await markQuoteConverted(manager, quoteId, order.id, now);
      const { quote, revision } = accepted;
      Object.assign(quote, {
        state: 'converted',
        convertedAt: now,
        purchaseOrderId: order.id,
        updatedAt: now,
      });
      await recordSalesEvent(manager, 'quote.converted', {
        quoteId: quote.id,
        customerId: quote.customerId,
        number: quote.number ?? '',
        revision: revision.revision,
        actor: { kind: 'business' },
        purchaseOrderId: order.id,
        purchaseOrderNumber: order.number,
        invoice: dueDate
          ? {
              currency: quote.currency,
              dueDate,
              terms: revision.terms,
              notes: revision.notes,
              lines: lines.map((line) => ({
                orderLineId: line.id,
                description: line.description,
                quantityMilli: line.quantityMilli,
                unitPriceMinor: line.unitPriceMinor,
                discountBasisPoints: line.discountBasisPoints,
                taxBasisPoints: line.taxBasisPoints,
              })),
            }
          : null,
      });
      return { quote, purchaseOrder: order, invoiceRequested: dueDate !== null };
    });
    await this.outbox.notify();
    return converted;
  }

  private dueDate(value: string | null | undefined): string {
    if (!value) {
      throw refused('an invoice needs a due date', 'invoice-due-date-required', 'invoiceDueDate');
    }
    const date = parseDate(value, 'invoiceDueDate');
    if (date < todayUtc()) {
      throw refused('the due date is in the past', 'invoice-due-date-past', 'invoiceDueDate');
    }
    return date;
  }
}
