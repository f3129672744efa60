import type { ByteRange } from './file-storage';

/**
 * A key the documents service built wrongly. Keys never come from clients, so
 * this is a programming error: it is thrown before anything is read or written.
 */
export class InvalidStorageKeyError extends Error {
  readonly code = 'INVALID_STORAGE_KEY';
  constructor(key: string, reason: string) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/**
 * A range that is not a pair of integers 0 ≤ start ≤ end, or that reaches
 * past the object's last byte. The download endpoint answers 416 from `stat`
 * before asking for a range; a store never shortens a range silently.
 */
export class StorageRangeError extends Error {
  readonly code = 'RANGE_NOT_SATISFIABLE';
  constructor(range: ByteRange, size?: number) {
    super(
      size === undefined
        ? `invalid byte range ${range.start}-${range.end}`
        : `byte range ${range.start}-${range.end} is outside an object of ${size} bytes`,
    );
    this.name = 'StorageRangeError';
  }
}

/** S3's limit on a key, and a file name's on a local disk segment. */
const MAX_KEY_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 200;
const KEY_CHARACTERS = /^[A-Za-z0-9/_.-]+$/;

/**
 * The one rule both stores apply, so a key valid on local disk is valid on S3
 * and the other way round: `[A-Za-z0-9/_.-]`, `/`-separated segments, none of
 * them empty, `.` or `..`, no leading or trailing `/`.
 */
export function assertStorageKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidStorageKeyError(String(key), 'empty');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!KEY_CHARACTERS.test(key)) {
    throw new InvalidStorageKeyError(key, 'only A-Z a-z 0-9 / _ . - are allowed');
  }
  for (const segment of key.split('/')) {
    if (segment === '') {
      throw new InvalidStorageKeyError(key, 'empty segment (leading, trailing or double /)');
    }
    if (segment === '.' || segment === '..') {
      throw new InvalidStorageKeyError(key, `"${segment}" segment`);
    }
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw new InvalidStorageKeyError(key, `segment longer than ${MAX_SEGMENT_LENGTH} characters`);
    }
  }
}

/** Checks the shape of a range; whether it fits the object is each store's check. */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new StorageRangeError(range);
  }
}
