import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Node's own `server.requestTimeout` default: the bound on receiving a whole ordinary request. */
export const REQUEST_TIMEOUT_MS = 300_000;

/** How long a request body may make no progress at all before its connection is cut. */
export const BODY_IDLE_TIMEOUT_MS = 60_000;

/**
 * Node bounds the time to receive a whole request with `server.requestTimeout`
 * (300 s by default), for every request on the server, and it cannot be lifted
 * for one request: a 500 MB upload over a slow but steady link would be cut
 * with a 408. A server that takes long uploads turns it off and calls
 * `guardRequestBody` on each request instead.
 */
export function allowLongUploads(server: Server): void {
  server.requestTimeout = 0;
}

/**
 * Bounds how a request body arrives, in place of Node's server-wide limit:
 * a body that makes no progress for `idleMs` is cut (an upload that keeps
 * moving is not), and unless `totalMs` is null the whole body must arrive
 * within it (ordinary requests keep Node's 300 s). Cutting destroys the
 * socket, so whoever reads the body sees it fail.
 *
 * The idle limit is the socket's inactivity timeout, lifted once the body has
 * been read: a handler that then takes its time to answer is not cut.
 */
export function guardRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  limits: { idleMs: number; totalMs: number | null },
): void {
  // Only a request with a body has one to wait for (RFC 9112 §6.3). `complete`
  // is no test: a GET is handed over before its parser marks it complete,
  // and its `end` comes only once the answer is sent — a long download
  // would be cut by the timers below.
  const length = req.headers['content-length'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody || req.complete) return;
  const cut = () => req.socket.destroy();
  const total = limits.totalMs === null ? undefined : setTimeout(cut, limits.totalMs).unref();
  req.setTimeout(limits.idleMs, cut);
  const done = () => {
    clearTimeout(total);
    // Once the answer is sent, the socket's timeout is Node's keep-alive
    // timeout, which must stay; before that, the handler may take its time.
    if (!res.writableEnded && !req.socket.destroyed) req.socket.setTimeout(0);
    req.off('timeout', cut);
  };
  req.once('end', done);
  req.once('close', done);
}

/** How long a refused upload's body is still read and dropped before its connection is closed. */
export const REFUSED_BODY_LINGER_MS = 2_000;

/**
 * Call before answering a request whose body has not been read (a refused
 * upload may be hundreds of MB). After the answer, the rest of the body is
 * read and dropped for at most `lingerMs`, then the connection is closed
 * unless the body ended meanwhile. Closing at once would reset the
 * connection while the client is still sending, and clients then report the
 * reset instead of the answer; reading all of it would take the upload the
 * answer refuses.
 */
export function lingerOnUnreadBody(
  req: IncomingMessage,
  res: ServerResponse,
  lingerMs = REFUSED_BODY_LINGER_MS,
): void {
  if (req.complete) return;
  res.once('close', () => {
    if (req.complete || req.socket.destroyed) return;
    const timer = setTimeout(() => req.socket.destroy(), lingerMs).unref();
    req.once('end', () => clearTimeout(timer));
    req.unpipe();
    req.resume();
  });
}
