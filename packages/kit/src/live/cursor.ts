import { codedError, ErrorCode } from '../errors';

const PREFIX = 'live:';

/**
 * A subscription cursor: the position of the last event a subscriber has
 * seen, as an opaque base64url string (clients store it and hand it back).
 */
export function encodeLiveCursor(position: number): string {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new Error(`not a live position: ${position}`);
  }
  return Buffer.from(`${PREFIX}${position}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for; none given is null; anything else is BAD_USER_INPUT. */
export function decodeLiveCursor(
  cursor: string | null | undefined,
  field = 'after',
): number | null {
  if (cursor === null || cursor === undefined) return null;
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const match = /^live:(0|[1-9]\d{0,15})$/.exec(text);
  const position = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(position)) {
    throw codedError(ErrorCode.BadUserInput, 'Invalid cursor', { extensions: { field } });
  }
  return position;
}
