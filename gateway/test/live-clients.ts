import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Real graphql-ws and multipart clients for the gateway's subscription end-to-end tests. */

/** Waits for a condition, polling: events arrive when they arrive on a busy machine. */
export async function until(
  condition: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RawSocket {
  socket: WebSocket;
  messages: Array<{ type: string; id?: string; payload?: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: object): void;
}

/** A bare graphql-transport-ws socket, to see the close codes the gateway chooses. */
export function openRaw(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
  const messages: RawSocket['messages'] = [];
  socket.on('message', (data) =>
    messages.push(JSON.parse(String(data)) as RawSocket['messages'][0]),
  );
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({ socket, messages, closed, send: (m) => socket.send(JSON.stringify(m)) }),
    );
    socket.once('error', reject);
  });
}

export interface LiveEvent {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface Subscription {
  events: LiveEvent[];
  errors: unknown[];
  completed: boolean;
  dispose(): void;
}

/** Subscribes on a graphql-ws client, collecting what arrives. */
export function subscribe(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
): Subscription {
  const subscription: Subscription = {
    events: [],
    errors: [],
    completed: false,
    dispose: () => undefined,
  };
  subscription.dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => subscription.events.push(value as LiveEvent),
      error: (error) => subscription.errors.push(error),
      complete: () => {
        subscription.completed = true;
      },
    },
  );
  return subscription;
}

/**
 * A graphql-ws client of the gateway signed in with `token` (connection_init
 * `{ authorization: "Bearer …" }`), connecting at once and never retrying, so
 * that each close is seen in `closes`.
 */
export function connectWs(
  url: string,
  token: string | undefined,
  closes: Array<{ code: number; reason?: string }> = [],
): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    // Close codes are asserted through `closes`; nothing to print.
    onNonLazyError: () => undefined,
    on: { closed: (event) => closes.push(event as { code: number; reason?: string }) },
  });
}

export const MULTIPART = 'multipart/mixed;subscriptionSpec="1.0", application/json';

/** POSTs a subscription asking for multipart/mixed (Apollo's multipart subscription protocol). */
export function postMultipart(
  url: string,
  token: string | undefined,
  body: object,
  accept = MULTIPART,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

export interface MultipartStream {
  parts: unknown[];
  /** Settles when the response ends. */
  pump: Promise<void>;
  isClosed(): boolean;
  cancel(): Promise<void>;
}

/** Reads parts as Apollo's protocol frames them: `--graphql` boundaries, JSON bodies. */
export function readParts(response: Response): MultipartStream {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const parts: unknown[] = [];
  let closed = false;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while (
        (end = buffer.indexOf('\r\n--graphql', 1)) !== -1 ||
        buffer.endsWith('--graphql--\r\n')
      ) {
        if (end === -1) end = buffer.indexOf('\r\n--graphql--');
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end);
        const body = chunk.split('\r\n\r\n')[1];
        if (body !== undefined) parts.push(JSON.parse(body));
        if (buffer.startsWith('\r\n--graphql--')) {
          closed = true;
          return;
        }
      }
    }
  })();
  return { parts, pump, isClosed: () => closed, cancel: () => reader.cancel() };
}
