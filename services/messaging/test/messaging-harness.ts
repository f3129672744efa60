import { randomUUID } from 'node:crypto';
import { encodeClaims, testing, type EventEnvelope, type Principal } from '@portico/kit';
import { applyCustomerEvent, testCustomer, type TestCustomer } from '@portico/commerce';
import { loadConfig, startMessaging, type RunningMessaging } from '@portico/messaging';

export { testCustomer, type TestCustomer };

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export type Producer = 'billing' | 'sales' | 'documents';

export interface TestMessaging {
  running: RunningMessaging;
  /** Every SQL statement the driver ran, in order. */
  queries: string[];
  /** A customer messaging has heard of from accounts (a real customer.created event applied). */
  customer(overrides?: Partial<TestCustomer>): Promise<string>;
  gql<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<testing.GraphQLResponse<T>>;
  /**
   * Delivers a billing, sales or documents event as the event transport
   * would (the same envelope again when `envelope` is passed); the outcome.
   */
  producerEvent(
    producer: Producer,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<{ outcome: string; envelope: EventEnvelope }>;
  redeliver(envelope: EventEnvelope): Promise<string>;
  /** Messaging's events as its feed serves them: committed and numbered. */
  events(): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

let position = Date.now() * 1000;

function aggregateOf(producer: Producer, type: string, payload: Record<string, unknown>): string {
  if (producer === 'documents') return String(payload.documentId);
  if (type.startsWith('payment.')) return String(payload.paymentId);
  return String(payload.invoiceId ?? payload.quoteId ?? payload.purchaseOrderId);
}

/** A real messaging subgraph on a free port over a fresh database. */
export async function startTestMessaging(
  target: testing.DatabaseTarget,
  env: Record<string, string> = {},
): Promise<TestMessaging> {
  const database = await target.create('messaging');
  const queries: string[] = [];
  const running = await startMessaging(
    loadConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      // No other service here: customers and records come from the helpers below.
      EVENTS_FEED_ACCOUNTS_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_BILLING_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_SALES_URL: 'http://127.0.0.1:9/internal/events',
      EVENTS_FEED_DOCUMENTS_URL: 'http://127.0.0.1:9/internal/events',
      ...(database.config.driver === 'mysql'
        ? { DB_URL: database.config.url }
        : { DB_SQLITE_PATH: database.config.path }),
      ...env,
    }),
    { onQuery: (sql) => queries.push(sql) },
  );
  const deliver = (envelope: EventEnvelope) =>
    running.services.subjects.consumer(envelope.producer as Producer).apply(envelope);
  return {
    running,
    queries,
    async customer(overrides = {}) {
      const customer = testCustomer(overrides);
      await applyCustomerEvent(running.services.directory, 'customer.created', customer);
      return customer.id;
    },
    gql: (principal, query, variables = {}) =>
      testing.postGraphQL(running.url, query, {
        variables,
        headers: { 'x-portico-claims': encodeClaims(principal, TEST_CLAIMS_SECRET) },
      }),
    async producerEvent(producer, type, payload) {
      position += 1;
      const envelope: EventEnvelope = {
        id: randomUUID(),
        producer,
        type,
        schemaVersion: 1,
        aggregateType: type.split('.')[0]!,
        aggregateId: aggregateOf(producer, type, payload),
        customerId: (payload.customerId as string | undefined) ?? null,
        occurredAt: new Date().toISOString(),
        payload,
        position,
        previousPosition: null,
      };
      return { outcome: await deliver(envelope), envelope };
    },
    redeliver: deliver,
    async events() {
      await running.services.outbox.notify();
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

export const STAFF: Principal = { kind: 'staff', staffUserId: 'staff-1', roles: ['support'] };
export const OTHER_STAFF: Principal = { kind: 'staff', staffUserId: 'staff-2', roles: ['admin'] };

export function contactOf(customerId: string, contactId: string = randomUUID()): Principal {
  return { kind: 'contact', customerId, contactId };
}

export function partnerOf(customerIds: string[] | null, scopes: string[]): Principal {
  return { kind: 'partner', clientId: randomUUID(), scopes, customerIds };
}

export const POST = `mutation ($input: PostCommentInput!) {
  postComment(input: $input) { comment { id kind body position cursor createdAt author { id } } }
}`;

export interface PostedComment {
  id: string;
  kind: string;
  body: string | null;
  position: number;
  cursor: string;
  author: { id: string } | null;
}

/** Posts through the real schema; throws with the answer when refused. */
export async function post(
  messaging: TestMessaging,
  principal: Principal,
  input: Record<string, unknown>,
): Promise<PostedComment> {
  const answer = await messaging.gql<{ postComment: { comment: PostedComment } }>(principal, POST, {
    input,
  });
  const comment = answer.body.data?.postComment.comment;
  if (!comment) throw new Error(`not posted: ${answer.text}`);
  return comment;
}
