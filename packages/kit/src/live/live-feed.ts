import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { codedError, ErrorCode } from '../errors';
import type { EventEnvelope } from '../events/envelope';
import type { Outbox } from '../events/outbox';

/** The pub/sub channel on which instances tell each other that a producer's outbox grew. */
export function liveChannel(prefix: string, producer: string): string {
  return `${prefix}live:${producer}`;
}

export interface LiveFeedOptions {
  /** Redis for wake-ups between instances; without it only this process's commits and the poll wake the feed. */
  redisUrl?: string;
  /** Prefix of the pub/sub channel (`<prefix>live:<producer>`); `portico:` by default. */
  redisPrefix?: string;
  /** How often the table is looked at whatever else happens (a lost ping, Redis down). */
  pollMs?: number;
  /** Events a subscriber may have waiting before it is closed as too slow. */
  queueLimit?: number;
  /** Where failures go (database or Redis trouble); the feed carries on by itself. */
  onError?: (error: unknown) => void;
}

/** What woke the feed, and how often it read: to watch it, and for tests. */
export interface LiveFeedStats {
  pingsSent: number;
  /** Pings from other instances. */
  pingsReceived: number;
  /** Batches the tail read (each read once for every subscriber). */
  reads: number;
}

export const DEFAULT_LIVE_POLL_MS = 2_000;
export const DEFAULT_LIVE_QUEUE_LIMIT = 1_000;

export interface LiveSubscribeOptions {
  /** Deliver events after this position (replayed from the table first); null or absent: from now. */
  after?: number | null;
  /**
   * A synchronous first cut, applied as each batch arrives: an event it
   * refuses never wakes this subscriber (with thousands of them on other
   * threads or customers, that is most of the work of a delivery).
   */
  match?: (event: EventEnvelope) => boolean;
  /** Which events this subscriber wants (of those `match` let through); called in order, one event at a time. */
  accept?: (event: EventEnvelope) => boolean | Promise<boolean>;
}

/** Events of one subscription, oldest first; `return()` ends it and frees what it held. */
export type LiveSubscription = AsyncIterableIterator<EventEnvelope> & {
  return(): Promise<IteratorResult<EventEnvelope>>;
};

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Live events of one producer's outbox, for any number of subscribers in
 * this process. What must not be lost is already stored (the outbox row
 * commits with its change) and numbered without gaps, so a subscriber is a
 * cursor: it replays the table after its cursor, then joins the one shared
 * tail, which reads each new batch once for everyone. Positions dedupe the
 * hand-over, so nothing is missed or seen twice. The tail wakes on this
 * process's sequencing, on a Redis ping from another instance, and on a slow
 * poll; Redis is only a shortcut, and its outages cost latency, never events.
 */
export class LiveFeed {
  readonly producer: string;
  private readonly subscribers = new Set<Subscriber>();
  /** Subscribers that have caught up with the tail and are fed by it. */
  readonly liveSubscribers = new Set<Subscriber>();
  /** The last position the tail has read (null: not known yet, read the head first). */
  tailPosition: number | null = null;
  private tailInit: Promise<number> | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private started = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private detach: (() => void) | null = null;
  private publisher: Redis | null = null;
  private listener: Redis | null = null;
  private readonly instance = randomUUID();
  private readonly channel: string;
  readonly queueLimit: number;
  readonly stats: LiveFeedStats = { pingsSent: 0, pingsReceived: 0, reads: 0 };

  constructor(
    readonly outbox: Outbox,
    private readonly options: LiveFeedOptions = {},
  ) {
    this.producer = outbox.producer;
    this.channel = liveChannel(options.redisPrefix ?? 'portico:', outbox.producer);
    this.queueLimit = Math.max(1, options.queueLimit ?? DEFAULT_LIVE_QUEUE_LIMIT);
  }

  /** Open subscriptions (replaying or live). */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Starts listening: to this process's sequencing (and pinging other
   * instances about it), to their pings, and the poll. A service starts its
   * feed at boot, so its commits wake subscribers on other instances even
   * while it has none of its own.
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.detach = this.outbox.onSequenced(() => {
      this.wake();
      this.ping();
    });
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? DEFAULT_LIVE_POLL_MS);
    this.timer.unref();
    if (this.options.redisUrl) this.connectRedis(this.options.redisUrl);
  }

  subscribe(options: LiveSubscribeOptions = {}): LiveSubscription {
    if (this.closed) throw new Error(`live feed of ${this.producer} is closed`);
    this.start();
    const subscriber = new Subscriber(this, options);
    this.subscribers.add(subscriber);
    return subscriber.iterator();
  }

  /** Ends every subscription (their iterators complete) and stops listening. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscriber of [...this.subscribers]) subscriber.finish();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.detach?.();
    this.detach = null;
    this.publisher?.disconnect();
    this.listener?.disconnect();
    await this.pumping;
  }

  /** @internal */
  remove(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    this.liveSubscribers.delete(subscriber);
  }

  /** @internal The tail's position, reading the head when it is not known yet. */
  ensureTail(): Promise<number> {
    if (this.tailPosition !== null) return Promise.resolve(this.tailPosition);
    this.tailInit ??= this.outbox.head().then(
      (head) => {
        this.tailInit = null;
        this.tailPosition ??= head;
        return this.tailPosition;
      },
      (error: unknown) => {
        this.tailInit = null;
        throw error;
      },
    );
    return this.tailInit;
  }

  /** Something may have been sequenced: read it (once, however many ask at once). */
  wake(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.pumping = null;
      });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      if (this.subscribers.size === 0) {
        // Nobody listens: forget the tail rather than read rows for no one.
        this.tailPosition = null;
        return;
      }
      let from = await this.ensureTail();
      for (;;) {
        const events = await this.outbox.read(from);
        this.stats.reads += 1;
        if (this.closed || events.length === 0) break;
        from = events[events.length - 1].position;
        this.tailPosition = Math.max(this.tailPosition ?? 0, from);
        for (const subscriber of [...this.liveSubscribers]) subscriber.push(events);
      }
    } while (this.again && !this.closed);
  }

  private ping(): void {
    const publisher = this.publisher;
    if (!publisher || publisher.status !== 'ready') return;
    publisher.publish(this.channel, this.instance).then(
      () => {
        this.stats.pingsSent += 1;
      },
      (error: unknown) => this.options.onError?.(error),
    );
  }

  private connectRedis(url: string): void {
    const onError = (error: unknown) => this.options.onError?.(error);
    const retryStrategy = (times: number) => Math.min(100 * times, 2_000);
    // A ping is worth nothing late: never queue one while Redis is away.
    this.publisher = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy,
    });
    this.publisher.on('error', onError);
    this.listener = new Redis(url, { maxRetriesPerRequest: null, retryStrategy });
    this.listener.on('error', onError);
    this.listener.on('message', (channel: string, message: string) => {
      if (channel !== this.channel || message === this.instance) return;
      this.stats.pingsReceived += 1;
      this.wake();
    });
    // Back after an outage: what the missed pings announced is in the table.
    this.listener.on('ready', () => this.wake());
    this.listener.subscribe(this.channel).catch(onError);
  }
}

/** A subscriber's state; its iterator is what callers see. */
class Subscriber {
  /** The last position queued or delivered (null until the start position is known). */
  private cursor: number | null = null;
  private readonly queue: EventEnvelope[] = [];
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  private live = false;
  private readonly starting: Promise<void>;
  private pulling: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly feed: LiveFeed,
    private readonly options: LiveSubscribeOptions,
  ) {
    // Fixed now, not at the first `next()`: "from now" means from the subscribe call.
    this.starting = this.start();
  }

  private async start(): Promise<void> {
    try {
      const head = await this.feed.outbox.head();
      const after = this.options.after;
      // A cursor past the head was never given out by this outbox (or the data
      // was reset): it counts as "from now" rather than waiting for positions to come.
      this.cursor = after === null || after === undefined ? head : Math.min(after, head);
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
  }

  iterator(): LiveSubscription {
    const next = (): Promise<IteratorResult<EventEnvelope>> => {
      // One pull at a time, in order, whatever the caller does.
      const result = this.pulling.then(() => this.pull());
      this.pulling = result.catch(() => undefined);
      return result;
    };
    const iterator: LiveSubscription = {
      next,
      return: async () => {
        this.finish();
        return DONE;
      },
      throw: async (error?: unknown) => {
        this.finish();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Called by the tail with each new batch, in position order. */
  push(events: EventEnvelope[]): void {
    if (this.closed || !this.live || this.cursor === null) return;
    const queued = this.queue.length;
    for (const event of events) {
      if (event.position <= this.cursor) continue;
      if (this.options.match && !this.options.match(event)) {
        // Passed over: the cursor moves on, nothing is queued, nobody wakes.
        this.cursor = event.position;
        continue;
      }
      if (this.queue.length >= this.feed.queueLimit) {
        this.fail(
          codedError(
            ErrorCode.ServiceUnavailable,
            `Subscriber fell more than ${this.feed.queueLimit} events behind; subscribe again from the last cursor`,
            { extensions: { reason: 'subscriber-too-slow' } },
          ),
        );
        return;
      }
      this.queue.push(event);
      this.cursor = event.position;
    }
    if (this.queue.length > queued) this.signal();
  }

  finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.feed.remove(this);
    this.signal();
  }

  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = 0;
    this.feed.remove(this);
    this.signal();
  }

  private signal(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  private async pull(): Promise<IteratorResult<EventEnvelope>> {
    try {
      await this.starting;
      for (;;) {
        if (this.closed) return DONE;
        if (this.failure) throw this.failure;
        const event = this.queue.shift();
        if (event) {
          const wanted = this.options.accept ? await this.options.accept(event) : true;
          if (this.closed) return DONE;
          if (wanted) return { done: false, value: event };
          continue;
        }
        if (!this.live) {
          await this.replay();
          continue;
        }
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      }
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  /** One page of what was stored after the cursor; joins the tail once level with it. */
  private async replay(): Promise<void> {
    const tail = await this.feed.ensureTail();
    const from = this.cursor as number;
    const events = await this.feed.outbox.read(from, this.feed.queueLimit);
    if (this.closed) return;
    for (const event of events) {
      if (event.position <= (this.cursor as number)) continue;
      if (!this.options.match || this.options.match(event)) this.queue.push(event);
      this.cursor = event.position;
    }
    // No await between this check and joining: the tail cannot move in between,
    // and everything up to its position is queued already.
    if ((this.cursor as number) >= (this.feed.tailPosition ?? tail)) {
      this.live = true;
      this.feed.liveSubscribers.add(this);
    }
  }
}
