import { randomUUID } from 'node:crypto';
import { testing } from '@portico/kit';
import { loadConfig, startBilling, type RunningBilling } from '@portico/billing';

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export interface TestBilling {
  running: RunningBilling;
  queries: string[];
  /** A customer billing has heard of from accounts (a real customer.created event applied); its id. */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  stop(): Promise<void>;
}

export interface TestCustomer {
  id: string;
  companyName: string;
  email: string;
  taxId: string | null;
  locale: string;
  currency: string;
  archived: boolean;
  billingAddress: {
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postalCode: string;
    country: string;
  };
}

let nextPosition = Date.now() * 1000;

/**
 * Applies an accounts customer event to billing's directory through its
 * real consumer, as the event transport would deliver it.
 */
export async function applyCustomerEvent(
  running: RunningBilling,
  type: 'customer.created' | 'customer.updated' | 'customer.archived',
  customer: TestCustomer,
): Promise<void> {
  nextPosition += 1;
  const outcome = await running.services.directory.consumer.apply({
    id: randomUUID(),
    producer: 'accounts',
    type,
    schemaVersion: 1,
    aggregateType: 'customer',
    aggregateId: customer.id,
    customerId: customer.id,
    occurredAt: new Date().toISOString(),
    payload: { ...customer, displayName: customer.companyName },
    position: nextPosition,
    previousPosition: null,
  });
  if (outcome !== 'applied') throw new Error(`customer event not applied: ${outcome}`);
}

export function testCustomer(overrides: Partial<TestCustomer> = {}): TestCustomer {
  return {
    id: randomUUID(),
    companyName: 'Test Customer Ltd',
    email: 'billing@test-customer.example',
    taxId: 'GB123456789',
    locale: 'en',
    currency: 'GBP',
    archived: false,
    billingAddress: {
      line1: '1 Test Street',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'E1 1AA',
      country: 'GB',
    },
    ...overrides,
  };
}

/** A real billing subgraph on a free port over a fresh, empty database. */
export async function startTestBilling(target: testing.DatabaseTarget): Promise<TestBilling> {
  const database = await target.create('billing');
  const queries: string[] = [];
  const running = await startBilling(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      // No accounts here: customers come from `customer()`; catching up fails at once.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
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
      await applyCustomerEvent(running, 'customer.created', customer);
      return customer.id;
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
