import { dictionary } from '@zxcvbn-ts/language-common';
import { codedError, ErrorCode } from '@portico/kit';

/**
 * OWASP/ASVS 2.1: at least 8 characters, long passphrases accepted (up to
 * 128; nothing is truncated), any characters including spaces, no
 * composition rules, and passwords from a list of the most common ones
 * refused (the ~49,000 of zxcvbn's common-password dictionary).
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    (dictionary['passwords-common'] as string[])
      .filter((p) => p.length >= MIN_PASSWORD_LENGTH)
      .map((p) => p.toLowerCase()),
  );
  return common;
}

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'same-as-email';

export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  // Length in Unicode code points, after NFKC so lookalike forms count alike.
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (length > MAX_PASSWORD_LENGTH) return 'too-long';
  const lowered = normalized.toLowerCase();
  if (commonPasswords().has(lowered)) return 'common';
  if (email && lowered === email.trim().toLowerCase()) return 'same-as-email';
  return null;
}

const MESSAGES: Record<PasswordProblem, string> = {
  'too-short': `Password must be at least ${MIN_PASSWORD_LENGTH} characters`,
  'too-long': `Password must be at most ${MAX_PASSWORD_LENGTH} characters`,
  common: 'Password is too common; choose a less guessable one (a passphrase works well)',
  'same-as-email': 'Password must not be your email address',
};

/** Throws BAD_USER_INPUT (with the reason) for a password the policy refuses. */
export function assertPasswordAcceptable(password: string, field: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw codedError(ErrorCode.BadUserInput, MESSAGES[problem], {
      extensions: { field, reason: problem },
    });
  }
}
