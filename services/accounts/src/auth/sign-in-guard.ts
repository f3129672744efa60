import { codedError, ErrorCode, type CounterStore } from '@portico/kit';

export interface SignInLimits {
  /** Attempts per account from one address (the attacker's address is stopped here). */
  perAccountAndAddress: { attempts: number; windowMs: number };
  /** Attempts per address over all accounts (credential stuffing). */
  perAddress: { attempts: number; windowMs: number };
  /** Attempts per account from everywhere (ASVS 2.2.1: at most 100 failed per hour). */
  perAccount: { attempts: number; windowMs: number };
  /** How long a successful sign-in makes an address "known" for an account. */
  knownAddressMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perAccountAndAddress: { attempts: 5, windowMs: 15 * 60_000 },
  perAddress: { attempts: 50, windowMs: 60 * 60_000 },
  perAccount: { attempts: 100, windowMs: 60 * 60_000 },
  knownAddressMs: 30 * 24 * 60 * 60_000,
};

/**
 * Sign-in attempt limits. Every attempt is counted before the password is
 * verified, so concurrent requests and aliases in one document cannot verify
 * more often than the limit. Keys use the email as typed (normalized), so an
 * unknown email is limited exactly like a known one. An attacker spreading
 * attempts over many addresses can exhaust the per-account budget; the real
 * user then still signs in from an address where they signed in before.
 * A counter store that cannot be reached refuses sign-in (fails closed).
 */
export class SignInGuard {
  constructor(
    private readonly store: CounterStore,
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
  ) {}

  /** Throws TOO_MANY_ATTEMPTS when this attempt is over a limit; otherwise counts it. */
  async admit(realm: string, email: string, address: string): Promise<void> {
    const account = `signin:${realm}:${email}`;
    const { perAccountAndAddress, perAddress, perAccount } = this.limits;
    try {
      const pair = await this.store.hit(`${account}:${address}`, perAccountAndAddress.windowMs);
      const fromAddress = await this.store.hit(`signin:addr:${address}`, perAddress.windowMs);
      if (pair.count > perAccountAndAddress.attempts) throw tooMany(pair.resetAt);
      if (fromAddress.count > perAddress.attempts) throw tooMany(fromAddress.resetAt);
      // Only attempts that passed the per-address checks spend the account's
      // budget, so one noisy address cannot lock the account for everyone.
      const overall = await this.store.hit(account, perAccount.windowMs);
      if (overall.count > perAccount.attempts) {
        const known = await this.store.peek(`${account}:known:${address}`);
        if (known.count === 0) throw tooMany(overall.resetAt);
      }
    } catch (error) {
      if (error instanceof Error && 'extensions' in error) throw error;
      throw codedError(ErrorCode.ServiceUnavailable, 'Sign-in is unavailable, try again shortly');
    }
  }

  /** After a good password: this address starts over and is known for the account. */
  async succeeded(realm: string, email: string, address: string): Promise<void> {
    const account = `signin:${realm}:${email}`;
    await this.store.reset(`${account}:${address}`).catch(() => undefined);
    await this.store
      .hit(`${account}:known:${address}`, this.limits.knownAddressMs)
      .catch(() => undefined);
  }
}

function tooMany(resetAt: number) {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return codedError(
    ErrorCode.TooManyAttempts,
    `Too many sign-in attempts; try again in ${retryAfter} s`,
    {
      extensions: { retryAfter },
    },
  );
}
