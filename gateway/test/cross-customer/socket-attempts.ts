import { encodeLiveCursor } from '@portico/kit';
import type { Client } from 'graphql-ws';
import { subscribe, type Subscription } from '../live-clients';
import type { ForeignTargets } from './attempts';

/**
 * The harness over a real graphql-ws socket through the gateway: for every
 * Subscription field, how a principal foreign to customer B follows B's
 * records and threads, or follows everything it may see hoping B's events
 * slip through. Every Subscription field needs an entry here, or the harness
 * fails: HTTP answers no subscription, so only a socket can leak one.
 */
export type SocketActor =
  /** A contact of customer A. */
  | 'contact'
  /** A partner client of customer A with every scope: without customer B. */
  | 'partner'
  /** A partner client of customer B with neither messages:read nor orders:read. */
  | 'partnerWithoutScope'
  | 'anonymous';

export const SOCKET_ACTORS: readonly SocketActor[] = [
  'contact',
  'partner',
  'partnerWithoutScope',
  'anonymous',
];

export interface SocketAttempt {
  label: string;
  query: string;
  variables: (foreign: ForeignTargets) => Record<string, unknown>;
  /**
   * Actors that may receive data here (their own customer's): only foreign
   * data in an event counts as a leak for them. For every other actor any
   * data at all is a leak.
   */
  permittedFor?: SocketActor[];
}

const OWN = ['contact', 'partner'] as SocketActor[];
const FROM_THE_START = encodeLiveCursor(0);

const ORDER_FIELDS = 'cursor change order { id number customerReference customer { id } }';
const COMMENT_FIELDS =
  'cursor comment { id kind body author { id name } thread { id customer { id } } }';
const ACTIVITY_FIELDS =
  'cursor change unreadCount totalUnread thread { id subjectLabel customer { id } } comment { id kind body author { name } }';

/** The variables an argument list uses, declared (an unused one fails validation). */
const declared = (args: string) => {
  const used = [
    ['$id', 'ID'],
    ['$after', 'String'],
  ].filter(([name]) => args.includes(name!));
  return used.length ? `(${used.map(([name, type]) => `${name}: ${type}`).join(', ')})` : '';
};
const orderChanged = (args: string) =>
  `subscription ${declared(args)} { orderChanged(${args}) { ${ORDER_FIELDS} } }`;
const commentAdded = `subscription ($id: ID!, $after: String) { commentAdded(threadId: $id, after: $after) { ${COMMENT_FIELDS} } }`;
const threadActivity = (args: string) =>
  `subscription ${declared(args)} { threadActivity(${args}) { ${ACTIVITY_FIELDS} } }`;

export const SOCKET_ATTEMPTS: Record<string, SocketAttempt[]> = {
  'Subscription.orderChanged': [
    {
      label: "follows customer B's purchase order",
      query: orderChanged('purchaseOrderId: $id'),
      variables: (f) => ({ id: f.purchaseOrderId }),
    },
    {
      label: "replays customer B's purchase order from the first event",
      query: orderChanged('purchaseOrderId: $id, after: $after'),
      variables: (f) => ({ id: f.purchaseOrderId, after: FROM_THE_START }),
    },
    {
      label: 'follows every order it may see, replayed from the first event',
      query: orderChanged('after: $after'),
      variables: () => ({ after: FROM_THE_START }),
      permittedFor: OWN,
    },
  ],
  'Subscription.commentAdded': [
    {
      label: "follows customer B's general conversation",
      query: commentAdded,
      variables: (f) => ({ id: f.threadId }),
    },
    {
      label: "replays the thread of customer B's invoice from the first event",
      query: commentAdded,
      variables: (f) => ({ id: f.invoiceThreadId, after: FROM_THE_START }),
    },
    {
      label:
        "follows its own conversation, replayed (must not include the business's internal notes)",
      query: commentAdded,
      variables: (f) => ({ id: f.ownThreadId, after: FROM_THE_START }),
      permittedFor: OWN,
    },
  ],
  'Subscription.threadActivity': [
    {
      label: "follows customer B's general conversation",
      query: threadActivity('threadId: $id'),
      variables: (f) => ({ id: f.threadId }),
    },
    {
      label: "replays the thread of customer B's invoice from the first event",
      query: threadActivity('threadId: $id, after: $after'),
      variables: (f) => ({ id: f.invoiceThreadId, after: FROM_THE_START }),
    },
    {
      label: 'follows every thread it may see, replayed from the first event (no B, no notes)',
      query: threadActivity('after: $after'),
      variables: () => ({ after: FROM_THE_START }),
      permittedFor: OWN,
    },
  ],
};

export interface SocketRun {
  actor: SocketActor;
  field: string;
  attempt: SocketAttempt;
  subscription: Subscription;
}

/** Subscribes every attempt on the actor's one socket. */
export function subscribeAll(
  actor: SocketActor,
  client: Client,
  foreign: ForeignTargets,
): SocketRun[] {
  return Object.entries(SOCKET_ATTEMPTS).flatMap(([field, attempts]) =>
    attempts.map((attempt) => ({
      actor,
      field,
      attempt,
      subscription: subscribe(client, attempt.query, attempt.variables(foreign)),
    })),
  );
}

/** Still subscribed: neither refused nor ended. */
export const isOpen = (run: SocketRun) =>
  !run.subscription.completed && run.subscription.errors.length === 0;

/**
 * The leaks in what a run received: a marker of B (or of an internal note)
 * anywhere in an event or an error, and any data at all where the actor may
 * have none.
 */
export function leaksOf(run: SocketRun, markers: string[]): string[] {
  const fieldName = run.field.split('.')[1]!;
  const where = `${run.field} over graphql-ws as ${run.actor}: ${run.attempt.label}`;
  const leaks: string[] = [];
  const text = JSON.stringify([run.subscription.events, run.subscription.errors]);
  const marker = markers.find((m) => text.includes(m));
  if (marker) leaks.push(`${where} — received ${marker}`);
  if (text.includes('INTERNAL_NOTE')) leaks.push(`${where} — received an internal note`);
  // A refusal for a malformed attempt proves nothing about scope.
  const malformed = text.match(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|GRAPHQL_PARSE_FAILED/);
  if (malformed) leaks.push(`${where} — the attempt itself is refused as ${malformed[0]}`);
  const permitted = run.attempt.permittedFor?.includes(run.actor) ?? false;
  const withData = run.subscription.events.filter((e) => {
    const data = e.data as Record<string, unknown> | null | undefined;
    return data?.[fieldName] !== null && data?.[fieldName] !== undefined;
  });
  if (!permitted && withData.length > 0) {
    leaks.push(`${where} — received ${withData.length} event(s) with data`);
  }
  return leaks;
}
