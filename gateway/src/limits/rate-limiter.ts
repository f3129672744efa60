import type { CounterStore, Principal } from '@portico/kit';

export type PrincipalKind = Principal['kind'];

/** Requests per window for each kind of principal. */
export type RateLimits = Record<PrincipalKind, { requests: number; windowMs: number }>;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends; the Retry-After value when refused. */
  retryAfterSeconds: number;
}

/**
 * Per-principal request limits: signed-in principals by their identity, the
 * anonymous by client address. When the counter store is unreachable the
 * request is let through (availability over strictness for this limit; the
 * sign-in attempt limit in accounts fails closed instead).
 */
export class RateLimiter {
  constructor(
    private readonly store: CounterStore,
    private readonly limits: RateLimits,
    private readonly onStoreError: (error: unknown) => void = () => undefined,
  ) {}

  static keyFor(principal: Principal, clientAddress: string): string {
    switch (principal.kind) {
      case 'anonymous':
        return `rate:ip:${clientAddress}`;
      case 'contact':
        return `rate:contact:${principal.contactId}`;
      case 'staff':
        return `rate:staff:${principal.staffUserId}`;
      case 'partner':
        return `rate:partner:${principal.clientId}`;
    }
  }

  async check(principal: Principal, clientAddress: string): Promise<RateDecision> {
    const { requests, windowMs } = this.limits[principal.kind];
    try {
      const { count, resetAt } = await this.store.hit(
        RateLimiter.keyFor(principal, clientAddress),
        windowMs,
      );
      const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      return {
        allowed: count <= requests,
        limit: requests,
        remaining: Math.max(0, requests - count),
        retryAfterSeconds,
      };
    } catch (error) {
      this.onStoreError(error);
      return { allowed: true, limit: requests, remaining: requests, retryAfterSeconds: 0 };
    }
  }
}
