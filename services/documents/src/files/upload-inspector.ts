import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { GraphQLError } from 'graphql';
import { badInput } from '@portico/commerce';
import { codedError, ErrorCode } from '@portico/kit';
import { normaliseContentType, SNIFF_BYTES, sniffMatches } from './file-types';

export interface UploadSummary {
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface UploadLimits {
  /** The largest file accepted. */
  maxBytes: number;
  /** What is left of the customer's quota, when that is less than maxBytes it is the limit. */
  remainingQuota?: number;
}

/** The limit that binds and the reason a refusal under it carries. */
export function effectiveLimit(limits: UploadLimits): {
  limit: number;
  reason: 'FILE_TOO_LARGE' | 'QUOTA_EXCEEDED';
} {
  const quota = limits.remainingQuota;
  if (quota !== undefined && quota < limits.maxBytes) {
    return { limit: Math.max(0, quota), reason: 'QUOTA_EXCEEDED' };
  }
  return { limit: limits.maxBytes, reason: 'FILE_TOO_LARGE' };
}

/** PAYLOAD_TOO_LARGE on field `file`, with the limit in bytes. */
export function fileTooLargeError(limits: UploadLimits): GraphQLError {
  const { limit, reason } = effectiveLimit(limits);
  const message =
    reason === 'QUOTA_EXCEEDED'
      ? `The file does not fit in the ${limit} bytes left of the storage quota`
      : `The file is larger than ${limit} bytes`;
  return codedError(ErrorCode.PayloadTooLarge, message, {
    extensions: { field: 'file', reason, limit },
  });
}

export function fileTypeMismatchError(contentType: string): GraphQLError {
  return badInput(`The file's content is not ${contentType}`, 'file', 'FILE_TYPE_MISMATCH');
}

export interface UploadInspector extends Transform {
  /** Size and SHA-256 of everything that went through; only after 'finish'. */
  summary(): UploadSummary;
}

/**
 * A pass-through that refuses a body over the limit the moment a chunk
 * would cross it (no byte past the limit goes on), holds back the first
 * SNIFF_BYTES (or the whole file when it is shorter) until they are checked
 * against the declared type, and hashes every byte. It holds at most the
 * head plus one chunk, whatever the size of the file.
 */
export function inspectUpload(options: UploadLimits & { declaredType: string }): UploadInspector {
  const contentType = normaliseContentType(options.declaredType);
  const { limit } = effectiveLimit(options);
  const hash = createHash('sha256');
  let size = 0;
  let head: Buffer[] | null = [];
  let headLength = 0;
  let result: UploadSummary | null = null;

  // Checks and releases the held-back head; false when it does not match.
  const releaseHead = (stream: Transform, isWholeFile: boolean): boolean => {
    if (!head) return true;
    const bytes = Buffer.concat(head, headLength);
    head = null;
    if (!sniffMatches(contentType, bytes, isWholeFile)) return false;
    if (bytes.length > 0) stream.push(bytes);
    return true;
  };

  const inspector = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (size + chunk.length > limit) return callback(fileTooLargeError(options));
      size += chunk.length;
      hash.update(chunk);
      if (!head) return callback(null, chunk);
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < SNIFF_BYTES) return callback();
      if (!releaseHead(this, false)) return callback(fileTypeMismatchError(contentType));
      callback();
    },
    flush(callback: TransformCallback) {
      if (!releaseHead(this, true)) return callback(fileTypeMismatchError(contentType));
      result = { size, sha256: hash.digest('hex') };
      callback();
    },
  }) as UploadInspector;
  inspector.summary = () => {
    if (!result) throw new Error('The upload has not finished');
    return result;
  };
  return inspector;
}
