import { Redis } from 'ioredis';

/**
 * Counters in windows that start at a key's first hit and last `windowMs`:
 * rate limits in the gateway and sign-in attempt limits in accounts. In
 * memory for one process (the embedded default); in Redis when several
 * processes must share the counts.
 */
export interface CounterStore {
  /** Counts one hit; returns the count in the current window and when it ends (epoch ms). */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** The current count without adding to it. */
  peek(key: string): Promise<{ count: number; resetAt: number }>;
  reset(key: string): Promise<void>;
  /** Resolves true once usable, false if not within `timeoutMs` (the caller goes on degraded). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Expired windows are dropped once a minute so idle keys do not pile up.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async hit(key: string, windowMs: number) {
    const now = this.now();
    const current = this.counters.get(key);
    if (!current || current.resetAt <= now) {
      const fresh = { count: 1, resetAt: now + windowMs };
      this.counters.set(key, fresh);
      return { ...fresh };
    }
    current.count += 1;
    return { ...current };
  }

  async peek(key: string) {
    const current = this.counters.get(key);
    if (!current || current.resetAt <= this.now()) return { count: 0, resetAt: this.now() };
    return { ...current };
  }

  async reset(key: string) {
    this.counters.delete(key);
  }

  async ready() {
    return true;
  }

  async close() {
    clearInterval(this.sweeper);
    this.counters.clear();
  }

  private sweep() {
    const now = this.now();
    for (const [key, value] of this.counters) if (value.resetAt <= now) this.counters.delete(key);
  }
}

// INCR and the first hit's expiry in one step, so concurrent processes never
// leave a counter without an expiry.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'portico:counter:',
  ) {
    this.redis = new Redis(url, {
      // Fail fast: a caller decides what an unavailable store means for it.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
    });
    // Connection errors surface on the commands; without a listener ioredis
    // would print every reconnect attempt as an unhandled 'error' event.
    this.redis.on('error', () => undefined);
  }

  async hit(key: string, windowMs: number) {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, windowMs)) as [
      number,
      number,
    ];
    return { count, resetAt: Date.now() + ttl };
  }

  async peek(key: string) {
    const [count, ttl] = await Promise.all([
      this.redis.get(this.prefix + key),
      this.redis.pttl(this.prefix + key),
    ]);
    return { count: count ? Number(count) : 0, resetAt: Date.now() + Math.max(ttl, 0) };
  }

  async reset(key: string) {
    await this.redis.del(this.prefix + key);
  }

  async close() {
    this.redis.disconnect();
  }

  /**
   * Commands fail at once while disconnected (no offline queue), so a process
   * waits for the connection at start-up rather than failing its first requests.
   */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export function createCounterStore(redisUrl: string | undefined, prefix?: string): CounterStore {
  return redisUrl ? new RedisCounterStore(redisUrl, prefix) : new MemoryCounterStore();
}
