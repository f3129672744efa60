import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { sendJson } from '@portico/kit';
import type { FileStorage } from '../storage/file-storage';
import { contentDisposition } from './content-disposition';
import { fileTypeOf } from './file-types';
import { parseRangeHeader, type RangeChoice } from './range-header';

/** What the documents service recorded when the file was stored. */
export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  fileName: string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Which part of the file to send. `If-Range` carrying anything but the
 * current ETag (an older ETag, a date: no Last-Modified is ever sent)
 * means the client's partial copy is stale: it gets the whole file.
 */
function chooseRange(req: IncomingMessage, etag: string, size: number): RangeChoice {
  const ifRange = header(req, 'if-range');
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  return parseRangeHeader(header(req, 'range'), size);
}

function isClientGone(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/**
 * Serves a stored document for GET and HEAD: one byte range when asked
 * (206/416), the type it was stored as with nosniff, a download-only
 * Content-Disposition, no caching and a sandbox CSP (so that a file opened
 * directly in a browser tab cannot run script on the portal's origin).
 * Streams with backpressure; a client that goes away destroys the stream
 * from the store. False, with nothing written, when the store has no such
 * object; an error from the store mid-way is thrown after the response is
 * destroyed (the client sees a cut-off body, never a short "complete" one).
 */
export async function sendStoredFile(
  req: IncomingMessage,
  res: ServerResponse,
  storage: FileStorage,
  file: StoredFile,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(
      res,
      405,
      { error: 'Method not allowed', code: 'METHOD_NOT_ALLOWED' },
      { allow: 'GET, HEAD' },
    );
    return true;
  }
  const etag = `"${file.sha256}"`;
  const type = fileTypeOf(file.contentType);
  const headers: Record<string, string | number> = {
    'accept-ranges': 'bytes',
    etag,
    'content-type': type.text ? `${type.contentType}; charset=utf-8` : type.contentType,
    'x-content-type-options': 'nosniff',
    'content-disposition': contentDisposition(file.fileName),
    'cache-control': 'private, no-store',
    'content-security-policy': 'sandbox',
  };
  const choice = chooseRange(req, etag, file.size);
  if (choice.kind === 'unsatisfiable') {
    if (!(await storage.stat(file.key))) return false;
    res.writeHead(416, {
      ...headers,
      'content-range': `bytes */${file.size}`,
      'content-length': 0,
    });
    res.end();
    return true;
  }
  const range = choice.kind === 'range' ? choice.range : null;
  const length = range ? range.end - range.start + 1 : file.size;
  const status = range ? 206 : 200;
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${file.size}`;
  headers['content-length'] = length;

  if (req.method === 'HEAD') {
    if (!(await storage.stat(file.key))) return false;
    res.writeHead(status, headers);
    res.end();
    return true;
  }
  const body = await storage.get(file.key, range ?? undefined);
  if (!body) return false;
  res.writeHead(status, headers);
  try {
    await pipeline(body, res);
  } catch (error) {
    body.destroy();
    res.destroy();
    if (!isClientGone(error)) throw error;
  }
  return true;
}
