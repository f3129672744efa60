import { setTimeout as sleep } from 'node:timers/promises';
import { CLAIMS_HEADER, encodeClaims } from '../auth/claims';
import type { InternalRouteHandler } from '../http/subgraph-server';
import { parseEnvelope, type EventEnvelope } from './envelope';
import type { EventConsumer } from './consumer';
import type { Outbox } from './outbox';

/** Where a producer serves its outbox to followers (a gateway-claims internal route). */
export const EVENTS_FEED_PATH = '/internal/events';

const CONSUMER_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * The producer's side of the embedded transport: a long poll of the outbox
 * from the follower's cursor. The cursor a follower sends says it has applied
 * everything up to it, which is what retention waits for.
 */
export function eventFeedRoute(outbox: Outbox): InternalRouteHandler {
  return async (body, _meta, closing) => {
    const b = (body ?? {}) as {
      consumer?: unknown;
      after?: unknown;
      waitMs?: unknown;
      limit?: unknown;
      head?: unknown;
    };
    if (b.head === true)
      return { status: 200, body: { producer: outbox.producer, head: await outbox.head() } };
    if (typeof b.consumer !== 'string' || !CONSUMER_NAME.test(b.consumer)) {
      return {
        status: 400,
        body: { error: 'consumer must be a name of letters, digits and ._:-' },
      };
    }
    if (!Number.isSafeInteger(b.after) || (b.after as number) < 0) {
      return { status: 400, body: { error: 'after must be a position (0 or more)' } };
    }
    const waitMs = Number.isSafeInteger(b.waitMs) ? Math.max(0, b.waitMs as number) : 0;
    const limit = Number.isSafeInteger(b.limit) ? Math.max(1, b.limit as number) : undefined;
    const after = b.after as number;
    await outbox.recordFollower(b.consumer, after);
    const events = await outbox.readWaiting(after, waitMs, limit, closing);
    // The head lets a follower tell how far behind it is (its lag).
    return { status: 200, body: { producer: outbox.producer, events, head: await outbox.head() } };
  };
}

function claimsHeaders(claimsSecret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, claimsSecret),
  };
}

/** The producer's newest position, asked of its feed. */
export async function fetchFeedHead(
  url: string,
  claimsSecret: string,
  timeoutMs = 5_000,
): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: claimsHeaders(claimsSecret),
    body: JSON.stringify({ head: true }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { head?: unknown };
  if (response.status !== 200 || !Number.isSafeInteger(body.head)) {
    throw new Error(`event feed answered ${response.status} to a head request`);
  }
  return body.head as number;
}

/** Waits until `done()` holds, looking every 20 ms; false when `timeoutMs` passed first. */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface FeedFollowerOptions {
  producer: string;
  /** The producer's feed, e.g. http://127.0.0.1:4001/internal/events. */
  url: string;
  claimsSecret: string;
  /** How long the producer may hold one poll. */
  waitMs?: number;
  /** Called when a poll or an effect fails; the follower retries with a back-off. */
  onError?: (error: unknown) => void;
}

/**
 * The consumer's side of the embedded transport: follows one producer's feed
 * from the cursor stored with the consumer's effects, applying events in order.
 * A consumer that was down catches up from that cursor.
 */
export class FeedFollower {
  private stopped = false;
  private head: number | null = null;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly options: FeedFollowerOptions,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
  }

  /** Events the producer had at its last answer that this consumer has not applied; null before one. */
  async lag(): Promise<number | null> {
    if (this.head === null) return null;
    return Math.max(0, this.head - (await this.consumer.cursor(this.options.producer)));
  }

  /** Resolves true once everything up to `position` has been applied, false after `timeoutMs`. */
  caughtUp(position: number, timeoutMs: number): Promise<boolean> {
    return waitUntil(
      async () => (await this.consumer.cursor(this.options.producer)) >= position,
      timeoutMs,
    );
  }

  private async poll(after: number): Promise<EventEnvelope[]> {
    const waitMs = this.options.waitMs ?? 20_000;
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: claimsHeaders(this.options.claimsSecret),
      body: JSON.stringify({ consumer: this.consumer.name, after, waitMs }),
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(waitMs + 15_000)]),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`event feed answered ${response.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { events?: unknown; head?: unknown };
    if (!Array.isArray(body.events)) throw new Error('event feed answered without events');
    if (Number.isSafeInteger(body.head)) this.head = body.head as number;
    return body.events.map((raw) => {
      const event = parseEnvelope(raw);
      if (!event || event.producer !== this.options.producer) {
        throw new Error('event feed answered a malformed event');
      }
      return event;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const after = await this.consumer.cursor(this.options.producer);
        const events = await this.poll(after);
        for (const event of events) {
          if (this.stopped) return;
          if ((await this.consumer.apply(event, true)) === 'deferred') {
            throw new Error(`event ${event.position} waits for an earlier event of its aggregate`);
          }
        }
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.options.onError?.(error);
        // Cut short by close: a producer restarting at the same moment (a
        // rolling restart) otherwise held this process's exit for the back-off.
        await sleep(Math.min(100 * 2 ** failures, 5_000), undefined, {
          signal: this.abort.signal,
        }).catch(() => undefined);
      }
    }
  }
}
