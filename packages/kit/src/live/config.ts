import { readInt, readOptionalString, readString, type Env } from '../config';
import { DEFAULT_LIVE_POLL_MS } from './live-feed';

export interface LiveConfig {
  /** Redis for wake-up pings between instances; unset: this process's commits and the poll. */
  redisUrl?: string;
  redisPrefix: string;
  pollMs: number;
}

/**
 * A service's live events: `REDIS_URL` (and `REDIS_PREFIX`) when the service
 * has a Redis of its own, else the events transport's `EVENTS_REDIS_URL`
 * (and `EVENTS_REDIS_PREFIX`): a deployment with several instances has one of
 * them, and the same prefix on every instance is all the ping needs.
 * `LIVE_POLL_MS` is the fallback poll (also what a Redis outage costs).
 */
export function readLiveConfig(env: Env): LiveConfig {
  const own = readOptionalString(env, 'REDIS_URL');
  const redisUrl = own ?? readOptionalString(env, 'EVENTS_REDIS_URL');
  return {
    ...(redisUrl ? { redisUrl } : {}),
    redisPrefix: readString(env, own ? 'REDIS_PREFIX' : 'EVENTS_REDIS_PREFIX', 'portico:'),
    pollMs: readInt(env, 'LIVE_POLL_MS', DEFAULT_LIVE_POLL_MS, { min: 50, max: 60_000 }),
  };
}
