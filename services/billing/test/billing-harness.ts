import { testing } from '@portico/kit';
import { loadConfig, startBilling, type RunningBilling } from '@portico/billing';
import { applyCustomerEvent, testCustomer, type TestCustomer } from '@portico/commerce';

export { testCustomer, type TestCustomer };

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export interface TestBilling {
  running: RunningBilling;
  queries: string[];
  /** A customer billing has heard of from accounts (a real customer.created event applied); its id. */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real billing subgraph on a free port over a fresh, empty database;
 * `env` overrides settings (e.g. a sales feed to follow).
 */
export async function startTestBilling(
  target: testing.DatabaseTarget,
  env: Record<string, string> = {},
): Promise<TestBilling> {
  const database = await target.create('billing');
  const queries: string[] = [];
  const running = await startBilling(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      // No accounts here: customers come from `customer()`; catching up fails at once.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
      // No sales either: its events are applied through the real consumer in tests.
      EVENTS_FEED_SALES_URL: 'http://127.0.0.1:9/internal/events',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
      ...env,
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
    stop: async () => {
      await running.close();
      await database.drop();
    },
  };
}

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
