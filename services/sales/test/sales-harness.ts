import { randomUUID } from 'node:crypto';
import { encodeClaims, testing, type EventEnvelope, type Principal } from '@portico/kit';
import { loadConfig, startSales, type RunningSales } from '@portico/sales';
import { applyCustomerEvent, testCustomer, type TestCustomer } from '@portico/commerce';

export { testCustomer, type TestCustomer };

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export const ORGANISATION = {
  legalName: 'Portico Demo Trading Ltd',
  tradingName: 'Portico Demo',
  taxId: 'GB999999973',
  supportEmail: 'support@portico-demo.example',
  address: {
    line1: '10 Harbour Road',
    line2: null,
    city: 'Bristol',
    region: null,
    postalCode: 'BS1 5AA',
    country: 'GB',
  },
  defaultCurrency: 'GBP',
  defaultLocale: 'en',
  portalUrl: null,
};

export interface TestSales {
  running: RunningSales;
  /** Every SQL statement the sales driver ran, in order. */
  queries: string[];
  /** A customer sales has heard of from accounts (a real customer.created event applied); its id. */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  /** POSTs to the sales subgraph with gateway claims for `principal`. */
  post<T = Record<string, unknown>>(
    query: string,
    principal: Principal,
    variables?: Record<string, unknown>,
    options?: { clientAddress?: string },
  ): Promise<testing.GraphQLResponse<T>>;
  /** The same request, principal first. */
  gql<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<testing.GraphQLResponse<T>>;
  /** Applies a billing event to sales as the event transport would deliver it; the outcome. */
  billingEvent(type: string, payload: Record<string, unknown>): Promise<string>;
  /** Sales' events as its feed serves them: committed and numbered. */
  events(): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

let organisationPosition = Date.now() * 1000 + 500_000_000;
let billingPosition = Date.now() * 1000;

/** A real sales subgraph on a free port over a fresh, empty database, knowing the organisation. */
export async function startTestSales(target: testing.DatabaseTarget): Promise<TestSales> {
  const database = await target.create('sales');
  const queries: string[] = [];
  const running = await startSales(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      // No accounts here: customers come from `customer()`; catching up fails at once.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_BILLING_URL: 'http://127.0.0.1:9/internal/events',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
    }),
    { onQuery: (sql) => queries.push(sql) },
  );
  organisationPosition += 1;
  const applied = await running.services.directory.consumer.apply({
    id: randomUUID(),
    producer: 'accounts',
    type: 'organisation.updated',
    schemaVersion: 1,
    aggregateType: 'organisation',
    aggregateId: 'organisation',
    customerId: null,
    occurredAt: new Date().toISOString(),
    payload: ORGANISATION,
    position: organisationPosition,
    previousPosition: null,
  } as unknown as EventEnvelope);
  if (applied !== 'applied') throw new Error(`organisation event not applied: ${applied}`);
  const post: TestSales['post'] = (query, principal, variables = {}, options = {}) =>
    testing.postGraphQL(running.url, query, {
      variables,
      headers: {
        'x-portico-claims': encodeClaims(principal, TEST_CLAIMS_SECRET, {
          clientAddress: options.clientAddress,
        }),
      },
    });
  return {
    running,
    queries,
    async customer(overrides = {}) {
      const customer = testCustomer(overrides);
      await applyCustomerEvent(running.services.directory, 'customer.created', customer);
      return customer.id;
    },
    post,
    gql: (principal, query, variables = {}) => post(query, principal, variables),
    async billingEvent(type, payload) {
      billingPosition += 1;
      return running.services.orderInvoices.apply({
        id: randomUUID(),
        producer: 'billing',
        type,
        schemaVersion: 1,
        aggregateType: 'invoice',
        aggregateId: String(payload.invoiceId),
        customerId: (payload.customerId as string | undefined) ?? null,
        occurredAt: new Date().toISOString(),
        payload,
        position: billingPosition,
        previousPosition: null,
      });
    },
    async events() {
      const all: EventEnvelope[] = [];
      for (;;) {
        const from = all.length ? all[all.length - 1]!.position : 0;
        const batch = await running.services.outbox.read(from);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
    },
    stop: async () => {
      await running.close();
      await database.drop();
    },
  };
}

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const STAFF: Principal = { kind: 'staff', staffUserId: 'staff-sales-1', roles: ['sales'] };

export function contactOf(customerId: string, contactId: string = randomUUID()): Principal {
  return { kind: 'contact', customerId, contactId };
}

export function partnerOf(customerIds: string[] | null, scopes: string[]): Principal {
  return { kind: 'partner', clientId: randomUUID(), scopes, customerIds };
}
