import type { EntityManager } from 'typeorm';
import {
  ErrorCode,
  EventConsumer,
  fetchFeedHead,
  type ApplyOutcome,
  type Database,
  type EventEnvelope,
  type EventFollow,
  type EventTransport,
  type Outbox,
} from '@portico/kit';
import type { CustomerDirectory } from '@portico/commerce';
import type { InvoiceService } from '../invoice/invoice.service';
import { todayUtc } from '../invoice/invoice.status';
import {
  parseInvoiceRequest,
  quoteConvertedFacts,
  type QuoteConvertedFacts,
} from './invoice-request';
import { SalesInvoiceRequest } from './sales-links.entity';
import type { SalesOrders } from './sales-orders';

/** The consumer's name in every billing instance. */
export const SALES_CONSUMER = 'billing.sales';

/**
 * How long a converted quote's invoice waits for its customer to reach
 * billing's directory (accounts' event may arrive after sales'): meanwhile
 * the event is retried, after it the request is recorded as failed.
 */
export const UNKNOWN_CUSTOMER_GRACE_MS = 30_000;

export interface SalesConsumerDeps {
  outbox: Outbox;
  directory: CustomerDirectory;
  invoices: InvoiceService;
  orders: SalesOrders;
  graceMs?: number;
  /** Where a request that raised no invoice is reported (stderr by default). */
  log?: (line: string) => void;
}

function isCodedBadInput(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error as { extensions?: { code?: unknown } }).extensions?.code === ErrorCode.BadUserInput
  );
}

/**
 * Billing's consumer of sales' events: keeps the read model of orders and
 * raises and issues the invoice of a converted quote, once (the consumer's
 * inbox makes a redelivery change nothing). Invoice events written while
 * applying are numbered right after the consumer's commit.
 *
 * A request that cannot become an invoice (customer archived or never heard
 * of, lines or due date refused) is recorded as failed and logged, and the
 * event counts as applied: throwing would hold back every later sales event,
 * since the feed is applied in order.
 */
export class SalesConsumer extends EventConsumer {
  private readonly firstSeen = new Map<string, number>();

  constructor(
    db: Database,
    private readonly deps: SalesConsumerDeps,
  ) {
    super(db, {
      name: SALES_CONSUMER,
      handlers: {
        'order.created': (manager, event) => this.recordOrder(manager, event),
        'quote.converted': (manager, event) => this.converted(manager, event),
      },
    });
  }

  override async apply(event: EventEnvelope, inOrder = false): Promise<ApplyOutcome> {
    const outcome = await super.apply(event, inOrder);
    this.firstSeen.delete(event.id);
    if (outcome === 'applied') await this.deps.outbox.notify();
    return outcome;
  }

  private log(line: string): void {
    (this.deps.log ?? ((l: string) => process.stderr.write(l)))(`billing: ${line}\n`);
  }

  private async recordOrder(manager: EntityManager, event: EventEnvelope): Promise<void> {
    const p = (event.payload ?? {}) as Record<string, unknown>;
    const str = (v: unknown) =>
      typeof v === 'string' && v.length > 0 && v.length <= 36 ? v : null;
    const id = str(p.purchaseOrderId);
    const customerId = str(p.customerId);
    if (!id || !customerId || typeof p.number !== 'string' || p.number.length > 32) {
      this.log(`sales event ${event.id} (order.created) lacks the order's ids; ignored`);
      return;
    }
    await this.deps.orders.record(
      manager,
      { id, customerId, quoteId: str(p.quoteId), number: p.number },
      new Date(event.occurredAt),
    );
  }

  private async converted(manager: EntityManager, event: EventEnvelope): Promise<void> {
    const facts = quoteConvertedFacts(event.payload);
    if (!facts) {
      this.log(`sales event ${event.id} (quote.converted) lacks the quote's ids; ignored`);
      return;
    }
    await this.deps.orders.record(
      manager,
      {
        id: facts.purchaseOrderId,
        customerId: facts.customerId,
        quoteId: facts.quoteId,
        number: facts.purchaseOrderNumber,
      },
      new Date(event.occurredAt),
    );
    if (!facts.invoice) return;
    const customer = await this.deps.directory.find(facts.customerId, manager);
    if (!customer) {
      const first = this.firstSeen.get(event.id) ?? Date.now();
      this.firstSeen.set(event.id, first);
      if (Date.now() - first < (this.deps.graceMs ?? UNKNOWN_CUSTOMER_GRACE_MS)) {
        throw new Error(
          `quote ${facts.quoteId} converted for customer ${facts.customerId}, not yet known to billing; retrying`,
        );
      }
      return this.fail(manager, event, facts, 'unknown-customer', 'unknown customer');
    }
    if (customer.archived) {
      return this.fail(manager, event, facts, 'customer-archived', 'the customer is archived');
    }
    const today = todayUtc();
    let spec;
    try {
      spec = parseInvoiceRequest(facts.invoice, facts, today);
    } catch (error) {
      if (!isCodedBadInput(error)) throw error;
      return this.fail(manager, event, facts, 'invalid-request', error.message);
    }
    const invoice = await this.deps.invoices.createIssuedIn(manager, spec, customer, today);
    await manager.getRepository(SalesInvoiceRequest).insert({
      ...requestRow(event, facts),
      state: 'issued',
      invoiceId: invoice.id,
      failureReason: null,
      failureMessage: null,
    });
  }

  private async fail(
    manager: EntityManager,
    event: EventEnvelope,
    facts: QuoteConvertedFacts,
    reason: string,
    message: string,
  ): Promise<void> {
    await manager.getRepository(SalesInvoiceRequest).insert({
      ...requestRow(event, facts),
      state: 'failed',
      invoiceId: null,
      failureReason: reason,
      failureMessage: message.slice(0, 500),
    });
    this.log(
      `no invoice raised for converted quote ${facts.quoteId} (order ${facts.purchaseOrderNumber}): ${reason}: ${message}`,
    );
  }
}

function requestRow(event: EventEnvelope, facts: QuoteConvertedFacts) {
  return {
    eventId: event.id,
    quoteId: facts.quoteId,
    purchaseOrderId: facts.purchaseOrderId,
    customerId: facts.customerId,
    receivedAt: new Date(),
  };
}

/**
 * Follows sales' events into billing, and lets the order read model catch up
 * with sales (its feed's head at `salesFeedUrl`) before it refuses an order.
 */
export function followSales(
  transport: EventTransport,
  consumer: SalesConsumer,
  orders: SalesOrders,
  salesFeedUrl: string | undefined,
  claimsSecret: string,
): EventFollow {
  const follow = transport.follow('sales', consumer);
  if (salesFeedUrl) {
    orders.useCatchUp(async () =>
      follow.caughtUp(await fetchFeedHead(salesFeedUrl, claimsSecret, 2_000), 3_000),
    );
  }
  return follow;
}
