import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext as ApolloContext } from '@apollo/server';
import { ErrorCode } from '../errors';

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** Reads the whole body, refusing (and draining no further) once it passes the limit. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A GraphQL-shaped error response for refusals that happen before execution. */
export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

export type GraphQLBodyResult =
  { ok: true; body: unknown } | { ok: false; status: number; code: string; message: string };

/** Reads and decodes a GraphQL request body (JSON for POST; none for GET). */
export async function readGraphQLBody(
  req: IncomingMessage,
  bodyLimitBytes: number,
): Promise<GraphQLBodyResult> {
  if (req.method !== 'POST') return { ok: true, body: undefined };
  let rawBody: string;
  try {
    rawBody = await readBody(req, bodyLimitBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return {
        ok: false,
        status: 413,
        code: ErrorCode.PayloadTooLarge,
        message: `Request body is larger than ${error.limitBytes} bytes`,
      };
    }
    throw error;
  }
  if (!rawBody) return { ok: true, body: undefined };
  if (!(req.headers['content-type'] ?? '').includes('json')) return { ok: true, body: rawBody };
  try {
    return { ok: true, body: JSON.parse(rawBody) as unknown };
  } catch {
    return {
      ok: false,
      status: 400,
      code: ErrorCode.BadUserInput,
      message: 'Request body is not valid JSON',
    };
  }
}

/**
 * Runs one decoded request through Apollo Server on a plain node:http server
 * (Apollo Server 5 ships no HTTP framework integration of its own).
 */
export async function executeGraphQLRequest<C extends ApolloContext>(
  server: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: () => Promise<C>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Read, then execute: for servers with nothing to check in between. */
export async function handleGraphQLRequest<C extends ApolloContext>(
  server: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  options: { bodyLimitBytes: number; context: () => Promise<C> },
): Promise<void> {
  const read = await readGraphQLBody(req, options.bodyLimitBytes);
  if (!read.ok) {
    sendGraphQLError(res, read.status, read.code, read.message);
    return;
  }
  await executeGraphQLRequest(server, req, res, read.body, options.context);
}
