import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode, sendJson } from '@portico/kit';
import type { FileStorage } from '../storage/file-storage';
import { normaliseContentType } from './file-types';
import {
  effectiveLimit,
  fileTooLargeError,
  inspectUpload,
  type UploadLimits,
  type UploadSummary,
} from './upload-inspector';

/** Why an upload was not stored, as the upload route answers it. */
export interface UploadRefusal {
  status: number;
  error: string;
  code: string;
  reason: string;
  limit?: number;
}

export type UploadOutcome = ({ ok: true } & UploadSummary) | { ok: false; refusal: UploadRefusal };

export interface ReceiveUploadOptions extends UploadLimits {
  declaredType: string;
  /** Refuse the upload when no byte arrives for this long (the body is awaited, not the store). */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

const STATUS_BY_REASON: Record<string, number> = {
  FILE_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  FILE_TYPE_MISMATCH: 415,
  UNSUPPORTED_TYPE: 415,
  UNSUPPORTED_ENCODING: 415,
  UPLOAD_TIMEOUT: 408,
};

function refusalOf(error: GraphQLError): UploadRefusal {
  const reason = String(error.extensions.reason ?? 'INVALID_UPLOAD');
  const limit = error.extensions.limit;
  return {
    status: STATUS_BY_REASON[reason] ?? 400,
    error: error.message,
    code: String(error.extensions.code),
    reason,
    ...(typeof limit === 'number' ? { limit } : {}),
  };
}

function refused(code: string, reason: string, message: string): UploadOutcome {
  const error = new GraphQLError(message, { extensions: { code, reason } });
  return { ok: false, refusal: refusalOf(error) };
}

/** A refusal this module or the inspector raised; anything else is a fault of the store. */
function isRefusal(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && typeof error.extensions.reason === 'string';
}

/**
 * Streams a request body into the store under `key`, through the upload
 * inspector (size limit, type check against the declared type, SHA-256).
 * A declared content-length over the limit is refused before a byte is
 * read. A body that is too large, of another type, cut off by the client or
 * idle too long makes the store's `put` fail, which leaves no object; the
 * outcome then says why. Faults of the store itself are thrown.
 *
 * The request is piped by hand rather than through `pipeline`: a pipeline
 * destroys its source on error, and destroying an unfinished request
 * destroys its socket, so the client would never read the 413 or 415.
 */
export async function receiveUpload(
  req: IncomingMessage,
  storage: FileStorage,
  key: string,
  options: ReceiveUploadOptions,
): Promise<UploadOutcome> {
  let contentType: string;
  try {
    contentType = normaliseContentType(options.declaredType);
  } catch (error) {
    if (isRefusal(error)) return { ok: false, refusal: refusalOf(error) };
    throw error;
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    // The stored bytes must be the file itself: its type and hash are checked on them.
    return refused(
      ErrorCode.BadUserInput,
      'UNSUPPORTED_ENCODING',
      'Upload the file without a content-encoding',
    );
  }
  const declaredLength = Number(req.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > effectiveLimit(options).limit) {
    return { ok: false, refusal: refusalOf(fileTooLargeError(options)) };
  }

  const inspector = inspectUpload({ ...options, declaredType: contentType });
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    inspector.destroy(error as Error);
  };
  inspector.once('error', (error) => {
    failure ??= error;
  });

  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let idle: NodeJS.Timeout | null = null;
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      // Paused by backpressure: the store is slow, the client is not idle.
      if (req.readableFlowing === false) return armIdle();
      fail(
        new GraphQLError(`No data arrived for ${idleMs} ms`, {
          extensions: { code: ErrorCode.BadUserInput, reason: 'UPLOAD_TIMEOUT' },
        }),
      );
    }, idleMs);
  };
  const stopIdle = () => {
    if (idle) clearTimeout(idle);
    idle = null;
  };
  const onData = () => armIdle();
  // The request fails ('error', then 'close') only when its connection does.
  const onAborted = () => {
    if (req.complete) return;
    fail(
      new GraphQLError('The upload was interrupted before the whole file arrived', {
        extensions: { code: ErrorCode.BadUserInput, reason: 'UPLOAD_ABORTED' },
      }),
    );
  };
  req.on('data', onData);
  req.once('end', stopIdle);
  req.on('error', onAborted);
  req.once('close', onAborted);
  armIdle();
  req.pipe(inspector);

  try {
    const stored = await storage.put(key, inspector, { contentType });
    if (failure) {
      // A store that finished although its stream failed: what it kept is not the file.
      await storage.delete(key);
      throw failure;
    }
    const summary = inspector.summary();
    if (stored.size !== summary.size) {
      await storage.delete(key);
      throw new Error(`The store kept ${stored.size} bytes of a ${summary.size}-byte upload`);
    }
    return { ok: true, ...summary };
  } catch (error) {
    const cause = failure ?? error;
    req.unpipe(inspector);
    inspector.destroy();
    if (isRefusal(cause)) return { ok: false, refusal: refusalOf(cause) };
    throw cause;
  } finally {
    stopIdle();
    req.off('data', onData);
    req.off('end', stopIdle);
    req.off('error', onAborted);
    req.off('close', onAborted);
  }
}

/** How much of a refused body is read and thrown away so that the client sees the answer. */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Answers a refused upload as JSON `{ error, code, reason, limit? }`. When
 * the body has not all arrived, the rest is read and discarded (up to a few
 * MiB) rather than the socket closed at once: a client still sending would
 * otherwise get a connection reset instead of the answer. Past that, or
 * once answered, the connection is closed.
 */
export function sendUploadRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  refusal: UploadRefusal,
): void {
  const { status, ...body } = refusal;
  if (req.complete) {
    sendJson(res, status, body);
    return;
  }
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
  sendJson(res, status, body, { connection: 'close' });
}
