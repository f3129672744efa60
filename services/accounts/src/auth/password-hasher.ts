import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * Argon2id at OWASP's minimum recommendation: m = 19 MiB, t = 2, p = 1.
 * `Algorithm` is a const enum in the binding's typings, which per-file
 * transpilers cannot inline; 2 is its Argon2id member.
 */
const ARGON2ID = 2 as Algorithm;
export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  /** Password verifications run so far (real and dummy): a metric, and what limits are checked against. */
  verifications = 0;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    this.verifications += 1;
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash never verifies.
      return false;
    }
  }

  /**
   * Verifies against a throwaway hash, so that an unknown email costs the same
   * time as a known one with a wrong password (no account-existence oracle).
   */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('portico-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
