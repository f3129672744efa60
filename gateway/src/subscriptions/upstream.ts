import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ANONYMOUS, codedError, encodeClaims, ErrorCode, type Logger } from '@portico/kit';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { SubgraphInstance, SubgraphPool } from '../subgraph-pool';
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

/** One graphql-ws connection to one subgraph instance. */
interface InstanceClient {
  client: Client;
  /** Subscriptions routed to this instance and not ended. */
  open: number;
  opened: boolean;
  /** Counts sockets opened, so a subscription can tell whether its socket ever opened. */
  openings: number;
}

/**
 * The gateway's side of the subgraph subscription protocol: one graphql-ws
 * connection per subgraph instance, opened when the first subscription needs
 * it and closed shortly after the last one ends, multiplexing every client
 * subscription routed there. Each new subscription goes to the live instance
 * holding the fewest. `connection_init` proves the gateway holds the claims
 * secret; each subscribe carries the client principal's claims in
 * `extensions.claims`. A subscription whose socket never opened is sent once
 * to another instance (nothing was subscribed). A lost connection ends its
 * subscriptions with SERVICE_UNAVAILABLE rather than resubscribing silently:
 * a client resumes from its cursor and misses nothing.
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, InstanceClient>();
  private openCount = 0;

  constructor(
    private readonly options: {
      /** Subgraph name → its instances. */
      pools: ReadonlyMap<string, SubgraphPool>;
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
    const pool = this.options.pools.get(subgraph);
    if (!pool) {
      throw codedError(ErrorCode.ServiceUnavailable, `The ${subgraph} service is unavailable`);
    }
    this.openCount += 1;
    // Set once a subscribe below returns; the queue may end before that.
    const held: { dispose?: () => void; disposed: boolean; release?: () => void } = {
      disposed: false,
    };
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
        held.release?.();
        held.dispose?.();
      },
    });
    const start = (instance: SubgraphInstance, retried: boolean) => {
      const upstream = this.clientFor(instance.url, subgraph);
      upstream.open += 1;
      let released = false;
      held.release = () => {
        if (released) return;
        released = true;
        upstream.open -= 1;
      };
      const wasOpen = upstream.opened;
      const openingsBefore = upstream.openings;
      let received = false;
      held.dispose = upstream.client.subscribe(
        {
          query: request.query,
          operationName: request.operationName,
          variables: request.variables,
          extensions: { claims: request.claims },
        },
        {
          next: (result) => {
            received = true;
            queue.push(result as FormattedExecutionResult);
          },
          complete: () => queue.end(),
          error: (error: unknown) => {
            const reached = wasOpen || upstream.openings > openingsBefore;
            if (!reached && !received && !Array.isArray(error)) {
              pool.markDown(instance);
              const next = retried ? undefined : pool.pick(instance);
              if (next && !held.disposed) {
                held.release?.();
                // Not from inside this callback: it may run before subscribe() has returned.
                queueMicrotask(() => {
                  if (!held.disposed) start(next, true);
                });
                return;
              }
            }
            queue.fail(this.upstreamError(subgraph, error));
          },
        },
      );
    };
    start(this.instanceFor(pool), false);
    // The queue may have ended synchronously (a closed client fails at once).
    if (held.disposed) {
      held.release?.();
      held.dispose?.();
    }
    return queue;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((upstream) => upstream.client.dispose()));
  }

  /** The live instance holding the fewest of this gateway's subscriptions. */
  private instanceFor(pool: SubgraphPool): SubgraphInstance {
    const live = pool.live();
    if (live.length === 0) return pool.pick() as SubgraphInstance;
    const openOn = (instance: SubgraphInstance) => this.clients.get(instance.url)?.open ?? 0;
    return live.reduce((best, instance) => (openOn(instance) < openOn(best) ? instance : best));
  }

  private clientFor(url: string, subgraph: string): InstanceClient {
    const existing = this.clients.get(url);
    if (existing) return existing;
    const upstream: InstanceClient = {
      open: 0,
      opened: false,
      openings: 0,
      client: createClient({
        url: webSocketUrlOf(url),
        webSocketImpl: WebSocket,
        lazy: true,
        lazyCloseTimeout: 1_000,
        retryAttempts: 0,
        keepAlive: 20_000,
        connectionParams: () => ({ claims: encodeClaims(ANONYMOUS, this.options.claimsSecret) }),
        on: {
          opened: () => {
            upstream.opened = true;
            upstream.openings += 1;
          },
          closed: (event) => {
            upstream.opened = false;
            const code = (event as { code?: number } | undefined)?.code;
            if (code !== 1000) {
              this.options.logger.debug('subgraph subscription socket closed', { subgraph, code });
            }
          },
        },
      }),
    };
    this.clients.set(url, upstream);
    return upstream;
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
