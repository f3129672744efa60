import { readInt, readOptionalString, readString, type Env } from '../config';
import type { EventConsumer } from './consumer';
import { FeedFollower } from './http-feed';
import type { Outbox } from './outbox';
import { eventStreamKey, StreamConsumer, StreamRelay } from './redis-streams';

export interface EventsConfig {
  /** `http`: consumers follow each producer's feed (embedded default); `redis`: Redis Streams. */
  transport: 'http' | 'redis';
  redisUrl?: string;
  redisPrefix: string;
  /** Each producer's feed URL, by producer name (the HTTP transport). */
  feeds: Record<string, string>;
  /** How long outbox rows stay after every known consumer has passed them. */
  retainMs: number;
}

/**
 * EVENTS_REDIS_URL selects Redis Streams; without it consumers follow the
 * producers' feeds at EVENTS_FEED_<PRODUCER>_URL (defaults given by the service).
 */
export function readEventsConfig(env: Env, defaultFeeds: Record<string, string>): EventsConfig {
  const redisUrl = readOptionalString(env, 'EVENTS_REDIS_URL');
  const feeds: Record<string, string> = {};
  for (const [producer, url] of Object.entries(defaultFeeds)) {
    feeds[producer] = readString(env, `EVENTS_FEED_${producer.toUpperCase()}_URL`, url);
  }
  return {
    transport: redisUrl ? 'redis' : 'http',
    ...(redisUrl ? { redisUrl } : {}),
    redisPrefix: readString(env, 'EVENTS_REDIS_PREFIX', 'portico:'),
    feeds,
    retainMs: readInt(env, 'EVENTS_RETAIN_HOURS', 7 * 24, { min: 1 }) * 60 * 60_000,
  };
}

export interface Stoppable {
  close(): Promise<void>;
}

export interface EventFollow extends Stoppable {
  /**
   * Resolves true once the consumer has applied every event up to `position`
   * (the producer's head when a decision needs what it has just committed),
   * false when `timeoutMs` passed first.
   */
  caughtUp(position: number, timeoutMs: number): Promise<boolean>;
  /** Events of the producer not yet applied by this consumer; null while that is unknown. */
  lag(): Promise<number | null>;
}

/** One consumer following one producer, as a transport keeps track of them. */
export interface FollowedProducer {
  producer: string;
  consumer: string;
  follow: EventFollow;
}

/**
 * The one interface both transports implement: a producer publishes its
 * outbox, a consumer follows a producer. Which one runs is configuration;
 * the contract suite holds both to the same behaviour.
 */
export interface EventTransport {
  readonly kind: 'http' | 'redis';
  /** Makes the outbox's events reachable beyond the feed route every producer serves. */
  publish(outbox: Outbox): Stoppable;
  /** Delivers one producer's events to the consumer, from where it left off. */
  follow(producer: string, consumer: EventConsumer): EventFollow;
  /** Every follow this transport has started (for the lag metric). */
  follows(): readonly FollowedProducer[];
}

export interface TransportOptions {
  claimsSecret: string;
  onError?: (error: unknown) => void;
  /** Tuning for tests: how long a pending Redis entry waits before another member claims it. */
  claimIdleMs?: number;
  /** How long one poll or blocked read may wait. */
  waitMs?: number;
}

export function createEventTransport(
  config: EventsConfig,
  options: TransportOptions,
): EventTransport {
  const base = createBaseTransport(config, options);
  const follows: FollowedProducer[] = [];
  return {
    kind: base.kind,
    publish: (outbox) => base.publish(outbox),
    follow(producer, consumer) {
      const follow = base.follow(producer, consumer);
      follows.push({ producer, consumer: consumer.name, follow });
      return follow;
    },
    follows: () => follows,
  };
}

function createBaseTransport(
  config: EventsConfig,
  options: TransportOptions,
): Omit<EventTransport, 'follows'> {
  if (config.transport === 'redis') {
    const url = config.redisUrl as string;
    return {
      kind: 'redis',
      publish(outbox) {
        const relay = new StreamRelay(outbox, {
          url,
          key: eventStreamKey(config.redisPrefix, outbox.producer),
          onError: options.onError,
        });
        relay.start();
        return relay;
      },
      follow(producer, consumer) {
        const stream = new StreamConsumer(consumer, {
          url,
          key: eventStreamKey(config.redisPrefix, producer),
          producer,
          onError: options.onError,
          ...(options.claimIdleMs !== undefined ? { claimIdleMs: options.claimIdleMs } : {}),
          ...(options.waitMs !== undefined ? { blockMs: options.waitMs } : {}),
        });
        stream.start();
        return stream;
      },
    };
  }
  return {
    kind: 'http',
    publish: () => ({ close: async () => undefined }),
    follow(producer, consumer) {
      const url = config.feeds[producer];
      if (!url) throw new Error(`no event feed URL configured for ${producer}`);
      const follower = new FeedFollower(consumer, {
        producer,
        url,
        claimsSecret: options.claimsSecret,
        onError: options.onError,
        ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      });
      follower.start();
      return follower;
    },
  };
}

/**
 * An error reporter for loops that retry on their own: failures in the first
 * `quietMs` are only counted (a producer started alongside is not up yet),
 * then the first is written at once and later ones at most once a minute with
 * a count, so a producer that is down for an hour leaves sixty lines, not thousands.
 */
export function throttledLog(
  what: string,
  options: { quietMs?: number; write?: (line: string) => void } = {},
): (error: unknown) => void {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const quietUntil = Date.now() + (options.quietMs ?? 10_000);
  let lastAt = 0;
  let quiet = 0;
  return (error) => {
    const now = Date.now();
    if (now < quietUntil || now - lastAt < 60_000) {
      quiet += 1;
      return;
    }
    const more = quiet ? ` (${quiet} more since the last report)` : '';
    write(`${what}: ${error instanceof Error ? error.message : String(error)}${more}\n`);
    lastAt = now;
    quiet = 0;
  };
}
