import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A child process of the subscription bench, holding its share of the idle
 * graphql-ws subscribers so that the bench's own work does not run in (or
 * next to) the gateway it measures. Driven over IPC: `open` opens every
 * socket with its one subscription; each event's arrival is stamped (wall
 * clock, sub-millisecond) against the number in the comment's body;
 * `report` sends back what arrived.
 */

export interface Assignment {
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** Which field the event comes in (commentAdded or threadActivity). */
  field: 'commentAdded' | 'threadActivity';
}

export type ToClients =
  | { type: 'open'; url: string; assignments: Assignment[]; concurrency: number }
  | { type: 'report' }
  | { type: 'close' };

export type FromClients =
  | { type: 'opened'; open: number; failed: number; firstError?: string }
  | {
      type: 'report';
      /** Per subscriber, in assignment order: [comment number, arrival ms][]. */
      arrivals: Array<Array<[number, number]>>;
      /** Subscribers whose socket is still open. */
      open: number;
      errors: number;
      firstError?: string;
    };

const now = () => performance.timeOrigin + performance.now();
const send = (message: FromClients) => process.send?.(message);

const clients: Client[] = [];
const arrivals: Array<Array<[number, number]>> = [];
let openSockets = 0;
let errors = 0;
let firstError: string | undefined;
/** Sockets that closed after they had opened. */
let closedAfterOpen = 0;

function noteError(error: unknown) {
  errors += 1;
  firstError ??= error instanceof Error ? error.message : JSON.stringify(error).slice(0, 300);
}

async function openAll(url: string, assignments: Assignment[], concurrency: number) {
  let next = 0;
  let failed = 0;
  const openOne = async () => {
    while (next < assignments.length) {
      const index = next;
      next += 1;
      const assignment = assignments[index]!;
      const seen: Array<[number, number]> = [];
      arrivals[index] = seen;
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${assignment.token}` },
        retryAttempts: 0,
        lazy: false,
        keepAlive: 0,
        onNonLazyError: noteError,
      });
      clients.push(client);
      const connected = new Promise<boolean>((resolve) => {
        let opened = false;
        client.on('connected', () => {
          opened = true;
          openSockets += 1;
          resolve(true);
        });
        client.on('closed', () => {
          if (opened) closedAfterOpen += 1;
          resolve(false);
        });
      });
      client.subscribe(
        { query: assignment.query, variables: assignment.variables },
        {
          next: (result) => {
            const at = now();
            if (result.errors) noteError(result.errors);
            const data = result.data as Record<string, { comment?: { body?: string } }> | undefined;
            const body = data?.[assignment.field]?.comment?.body ?? '';
            const number = /#(\d+)$/.exec(body)?.[1];
            if (number !== undefined) seen.push([Number(number), at]);
          },
          error: noteError,
          complete: () => undefined,
        },
      );
      if (!(await connected)) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, openOne));
  return failed;
}

process.on('message', (message: ToClients) => {
  if (message.type === 'open') {
    void openAll(message.url, message.assignments, message.concurrency).then((failed) => {
      send({ type: 'opened', open: openSockets, failed, firstError });
    });
  } else if (message.type === 'report') {
    send({
      type: 'report',
      arrivals,
      open: openSockets - closedAfterOpen,
      errors,
      firstError,
    });
  } else {
    void Promise.all(clients.map((client) => client.dispose())).then(() => process.exit(0));
  }
});
