import { randomUUID } from 'node:crypto';
import { testing } from '@portico/kit';
import { loadConfig, startBilling, type RunningBilling } from '@portico/billing';

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export interface TestBilling {
  running: RunningBilling;
  queries: string[];
  stop(): Promise<void>;
}

/** A real billing subgraph on a free port over a fresh, empty database. */
export async function startTestBilling(target: testing.DatabaseTarget): Promise<TestBilling> {
  const database = await target.create('billing');
  const queries: string[] = [];
  const running = await startBilling(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
    }),
    { onQuery: (sql) => queries.push(sql) },
  );
  return {
    running,
    queries,
    stop: async () => {
      await running.close();
      await database.drop();
    },
  };
}

export function newCustomerId(): string {
  return randomUUID();
}

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
