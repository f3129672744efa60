import { randomUUID } from 'node:crypto';
import {
  CLAIMS_HEADER,
  encodeClaims,
  testing,
  type EventEnvelope,
  type Principal,
} from '@portico/kit';
import { applyCustomerEvent, testCustomer, type TestCustomer } from '@portico/commerce';
import { loadConfig, startSales, type RunningSales } from '@portico/sales';

const { TEST_CLAIMS_SECRET } = testing;

export const STAFF: Principal = { kind: 'staff', staffUserId: 'staff-sales-1', roles: ['sales'] };

export function contactOf(customerId: string): Principal {
  return { kind: 'contact', contactId: randomUUID(), customerId };
}

export function partnerOf(customerIds: string[] | null, scopes: string[]): Principal {
  return { kind: 'partner', clientId: randomUUID(), scopes, customerIds };
}

export interface TestSales {
  running: RunningSales;
  /** Every SQL statement the subgraph ran, in order. */
  queries: string[];
  /** A customer sales has heard of from accounts (a real customer.created event applied); its id. */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  /** A GraphQL request to the subgraph as `principal`, with gateway-signed claims. */
  gql<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<testing.GraphQLResponse<T>>;
  /** Applies a billing event to sales as the event transport would deliver it. */
  billingEvent(type: string, payload: Record<string, unknown>): Promise<string>;
  /** Sales' events as its feed serves them: committed and numbered. */
  published(): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

let billingPosition = Date.now() * 1000;

/** A real sales subgraph on a free port over a fresh, empty database. */
export async function startTestSales(target: testing.DatabaseTarget): Promise<TestSales> {
  const database = await target.create('sales');
  const queries: string[] = [];
  const running = await startSales(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      // No accounts or billing here: customers and invoices are applied by the test.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_BILLING_URL: 'http://127.0.0.1:9/internal/events',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
    }),
    { onQuery: (sql) => queries.push(sql) },
  );
  return {
    running,
    queries,
    async customer(overrides = {}) {
      const customer = testCustomer(overrides);
      await applyCustomerEvent(running.services.directory, 'customer.created', customer);
      return customer.id;
    },
    gql(principal, query, variables = {}) {
      return testing.postGraphQL(running.url, query, {
        variables,
        headers: { [CLAIMS_HEADER]: encodeClaims(principal, TEST_CLAIMS_SECRET) },
      });
    },
    async billingEvent(type, payload) {
      billingPosition += 1;
      const id = randomUUID();
      const outcome = await running.services.orderInvoices.apply({
        id,
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
      return outcome;
    },
    async published() {
      const all: EventEnvelope[] = [];
      for (;;) {
        const after = all.length ? all[all.length - 1]!.position : 0;
        const batch = await running.services.outbox.read(after);
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
