import type { PubSub, SubscribeResolverData } from 'type-graphql';
import type { BaseContext } from '../auth/context';
import type { EventEnvelope } from '../events/envelope';
import { decodeLiveCursor } from './cursor';
import type { LiveFeed, LiveSubscription } from './live-feed';

/** What a subscription field listens to, given its arguments and the subscriber's context. */
export interface LiveSource {
  feed: LiveFeed;
  /** The client's cursor (`after` argument); a bad one is BAD_USER_INPUT and nothing is subscribed. */
  after?: string | null;
  /**
   * A cheap, synchronous first filter on the envelope (event type,
   * aggregate, the principal's customers), applied as events arrive so that
   * subscribers of other threads or customers are never woken; the resolver
   * still loads through the scope.
   */
  match?: (event: EventEnvelope) => boolean;
  /** Like `match`, but may be asynchronous; called in order, one event at a time. */
  accept?: (event: EventEnvelope) => boolean | Promise<boolean>;
}

/**
 * The `subscribe` of a type-graphql `@Subscription` whose events come from a
 * live feed. The resolver then receives each accepted envelope as its root,
 * with a context of its own per event (fresh loaders: nothing cached from the
 * previous one), loads the payload through the principal's scope, and calls
 * `skipLiveEvent()` for one the principal may not see.
 */
export function liveSubscribe<C extends BaseContext = BaseContext, A = Record<string, unknown>>(
  source: (data: { args: A; context: C }) => LiveSource | Promise<LiveSource>,
): (data: SubscribeResolverData<unknown, A, C>) => Promise<LiveSubscription> {
  // `source` may be async and may throw (NOT_FOUND for a thread outside the
  // scope, say): the subscriber then gets that error and nothing is subscribed.
  return async ({ args, context }) => {
    const { feed, after, match, accept } = await source({ args, context });
    return feed.subscribe({
      after: decodeLiveCursor(after ?? null),
      ...(match ? { match } : {}),
      ...(accept ? { accept } : {}),
    });
  };
}

/** Thrown by `skipLiveEvent`; the subscription endpoint drops the event silently. */
export class LiveEventSkipped extends Error {
  constructor() {
    super('live event skipped');
    this.name = 'LiveEventSkipped';
  }
}

/**
 * Drops the event being resolved: out of the principal's scope, gone, or
 * never visible to it (an internal note for a contact). The subscriber sees
 * nothing at all, neither data nor an error, so a subscription is no oracle.
 */
export function skipLiveEvent(): never {
  throw new LiveEventSkipped();
}

/**
 * type-graphql wants a PubSub as soon as one `@Subscription` exists, even when
 * every one brings its own `subscribe`. Topic-based subscriptions have no
 * transport between instances here, so this one refuses them.
 */
export const NO_TOPIC_PUBSUB: PubSub = {
  publish() {
    throw new Error('topic subscriptions are not supported: use liveSubscribe');
  },
  subscribe() {
    throw new Error('topic subscriptions are not supported: use liveSubscribe');
  },
};
