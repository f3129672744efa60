import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ANONYMOUS, codedError, encodeClaims, ErrorCode, type Logger } from '@portico/kit';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { EventQueue } from './event-queue';

export interface UpstreamRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** The client principal's signed claims: the subgraph builds the operation's context from them. */
  claims: string;
}

/** Events one slow client may leave unread before its subscription is ended. */
const MAX_BUFFERED_EVENTS = 1_000;

/** The subgraph's GraphQL URL as a WebSocket URL (same host, port and path). */
export function webSocketUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//, 'ws$1://');
}

/**
 * The gateway's side of the subgraph subscription protocol: one graphql-ws
 * connection per subgraph, opened when the first subscription needs it and
 * closed shortly after the last one ends, multiplexing every client
 * subscription routed there. `connection_init` proves the gateway holds the
 * claims secret; each subscribe carries the client principal's claims in
 * `extensions.claims`. A lost connection ends its subscriptions with
 * SERVICE_UNAVAILABLE rather than resubscribing silently: a client resumes
 * from its cursor and misses nothing.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();
  private openCount = 0;

  constructor(
    private readonly options: {
      /** Subgraph name → its GraphQL (HTTP) URL. */
      urls: ReadonlyMap<string, string>;
      claimsSecret: string;
      logger: Logger;
    },
  ) {}

  /** Subscriptions currently open towards subgraphs. */
  get open(): number {
    return this.openCount;
  }

  /** Streams the subgraph's results; `return()` completes the subscription upstream. */
  subscribe(
    subgraph: string,
    request: UpstreamRequest,
  ): AsyncIterableIterator<FormattedExecutionResult> {
    const client = this.clientFor(subgraph);
    this.openCount += 1;
    // Set once the subscribe below returns; the queue may end before that.
    const held: { dispose?: () => void; disposed: boolean } = { disposed: false };
    const queue = new EventQueue<FormattedExecutionResult>({
      maxBuffered: MAX_BUFFERED_EVENTS,
      overflowError: () =>
        codedError(
          ErrorCode.ServiceUnavailable,
          'Subscription ended: events were not read in time',
        ),
      onEnd: () => {
        this.openCount -= 1;
        held.disposed = true;
        held.dispose?.();
      },
    });
    held.dispose = client.subscribe(
      {
        query: request.query,
        operationName: request.operationName,
        variables: request.variables,
        extensions: { claims: request.claims },
      },
      {
        next: (result) => queue.push(result as FormattedExecutionResult),
        complete: () => queue.end(),
        error: (error: unknown) => queue.fail(this.upstreamError(subgraph, error)),
      },
    );
    // The queue may have ended synchronously (a closed client fails at once).
    if (held.disposed) held.dispose();
    return queue;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.dispose()));
  }

  private clientFor(subgraph: string): Client {
    const existing = this.clients.get(subgraph);
    if (existing) return existing;
    const url = this.options.urls.get(subgraph);
    if (!url) {
      throw codedError(ErrorCode.ServiceUnavailable, `The ${subgraph} service is unavailable`);
    }
    const client = createClient({
      url: webSocketUrlOf(url),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 1_000,
      retryAttempts: 0,
      keepAlive: 20_000,
      connectionParams: () => ({ claims: encodeClaims(ANONYMOUS, this.options.claimsSecret) }),
      on: {
        closed: (event) => {
          const code = (event as { code?: number } | undefined)?.code;
          if (code !== 1000) {
            this.options.logger.debug('subgraph subscription socket closed', { subgraph, code });
          }
        },
      },
    });
    this.clients.set(subgraph, client);
    return client;
  }

  /**
   * What the subgraph answered with `error` (its coded GraphQL errors, kept),
   * or for a lost or refused connection a SERVICE_UNAVAILABLE that names the
   * service and nothing of its address.
   */
  private upstreamError(subgraph: string, error: unknown): unknown {
    if (Array.isArray(error) && error.every((e) => e && typeof e.message === 'string')) {
      return new UpstreamErrors(error as GraphQLFormattedError[]);
    }
    const code = (error as { code?: number } | null)?.code;
    this.options.logger.warn('subgraph subscription failed', {
      subgraph,
      code,
      error: error instanceof Error ? error.message : undefined,
    });
    return codedError(ErrorCode.ServiceUnavailable, `The ${subgraph} service is unavailable`);
  }
}

/** A subgraph refused or ended a subscription with GraphQL errors. */
export class UpstreamErrors extends Error {
  constructor(readonly errors: GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'Subscription refused');
  }
}
