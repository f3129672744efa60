import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { ANONYMOUS, type Principal } from '../auth/principal';
import { encodeClaims } from '../auth/claims';

/** Waits, polling every 25 ms, until `check` holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What one subscription has received so far. */
export interface RecordedSubscription<T> {
  /** The root field's value of every result with data, in order. */
  values: T[];
  /** Errors of results, and the errors of a refusal (an `error` message). */
  errors: unknown[];
  completed: boolean;
  stop(): void;
}

/**
 * Subscribes and records what arrives. A refusal before subscribing is an
 * `error` message (a list of errors); one raised while subscribing is a
 * result with errors, then `complete`: both end up in `errors`.
 */
export function recordSubscription<T>(
  client: Client,
  request: {
    query: string;
    variables?: Record<string, unknown>;
    extensions?: Record<string, unknown>;
  },
): RecordedSubscription<T> {
  const recorded: RecordedSubscription<T> = {
    values: [],
    errors: [],
    completed: false,
    stop: () => undefined,
  };
  recorded.stop = client.subscribe<Record<string, T>>(request, {
    next: (result: FormattedExecutionResult<Record<string, T>>) => {
      if (result.errors) recorded.errors.push(...result.errors);
      if (result.data) recorded.values.push(...Object.values(result.data));
    },
    error: (error) => recorded.errors.push(...(Array.isArray(error) ? error : [error])),
    complete: () => {
      recorded.completed = true;
    },
  });
  return recorded;
}

/**
 * A graphql-ws client to a subgraph's subscription endpoint, connecting as
 * the gateway does: claims proving the shared secret at connection_init, the
 * client principal's own claims on each subscribe.
 */
export class SubgraphLiveClient {
  readonly client: Client;

  constructor(
    url: string,
    private readonly claimsSecret: string,
  ) {
    this.client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { claims: encodeClaims(ANONYMOUS, claimsSecret) },
      retryAttempts: 0,
      lazy: true,
    });
  }

  /** Subscribes as `principal` (null: with no client claims at all). */
  subscribe<T>(
    principal: Principal | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): RecordedSubscription<T> {
    return recordSubscription<T>(this.client, {
      query,
      variables,
      ...(principal ? { extensions: { claims: encodeClaims(principal, this.claimsSecret) } } : {}),
    });
  }

  dispose(): Promise<void> {
    return Promise.resolve(this.client.dispose());
  }
}
