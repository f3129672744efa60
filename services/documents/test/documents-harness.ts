import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeClaims, testing, type EventEnvelope, type Principal } from '@portico/kit';
import { applyCustomerEvent, testCustomer, type TestCustomer } from '@portico/commerce';
import { loadConfig, startDocuments, type RunningDocuments } from '@portico/documents';

export { testCustomer, type TestCustomer };

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

const PUBLIC_BASE = 'http://placeholder.invalid';

export interface TestDocuments {
  running: RunningDocuments;
  /** The folder the local store writes to. */
  filesDir: string;
  /** A customer documents has heard of from accounts (a real customer.created event applied). */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  gql<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<testing.GraphQLResponse<T>>;
  /** A link the API handed out, pointed at this subgraph's own file routes. */
  direct(url: string): string;
  /** Applies a billing or sales event as the event transport would deliver it; the outcome. */
  producerEvent(
    producer: 'billing' | 'sales',
    type: string,
    payload: Record<string, unknown>,
  ): Promise<string>;
  /** Documents' events as its feed serves them: committed and numbered. */
  events(): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

let position = Date.now() * 1000;

/** A real documents subgraph on a free port over a fresh database and an empty local store. */
export async function startTestDocuments(
  target: testing.DatabaseTarget,
  env: Record<string, string> = {},
): Promise<TestDocuments> {
  const database = await target.create('documents');
  const filesDir = mkdtempSync(join(tmpdir(), 'portico-documents-test-'));
  const running = await startDocuments(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      PUBLIC_BASE_URL: PUBLIC_BASE,
      STORAGE_LOCAL_DIR: filesDir,
      // No other service here: customers and records come from the helpers below.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_BILLING_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_SALES_URL: 'http://127.0.0.1:9/internal/events',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
      ...env,
    }),
  );
  const base = running.url.replace(/\/graphql$/, '');
  return {
    running,
    filesDir,
    async customer(overrides = {}) {
      const customer = testCustomer(overrides);
      await applyCustomerEvent(running.services.directory, 'customer.created', customer);
      return customer.id;
    },
    gql: (principal, query, variables = {}) =>
      testing.postGraphQL(running.url, query, {
        variables,
        headers: {
          'x-portico-claims': encodeClaims(principal, TEST_CLAIMS_SECRET, {
            clientAddress: '203.0.113.7',
          }),
        },
      }),
    direct: (url) => url.replace(`${PUBLIC_BASE}/files/documents/`, `${base}/files/`),
    async producerEvent(producer, type, payload) {
      position += 1;
      const consumer =
        producer === 'billing' ? running.services.linked.billing : running.services.linked.sales;
      return consumer.apply({
        id: randomUUID(),
        producer,
        type,
        schemaVersion: 1,
        aggregateType: type.split('.')[0]!,
        aggregateId: String(payload.invoiceId ?? payload.quoteId ?? payload.purchaseOrderId),
        customerId: (payload.customerId as string | undefined) ?? null,
        occurredAt: new Date().toISOString(),
        payload,
        position,
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
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export const STAFF: Principal = { kind: 'staff', staffUserId: 'staff-1', roles: ['admin'] };

export function contactOf(customerId: string, contactId: string = randomUUID()): Principal {
  return { kind: 'contact', customerId, contactId };
}

export function partnerOf(customerIds: string[] | null, scopes: string[]): Principal {
  return { kind: 'partner', clientId: randomUUID(), scopes, customerIds };
}

/** A small real PDF header and body (enough for the type check). */
export function pdfBytes(size = 2048, fill = 0x20): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), fill)]);
}
