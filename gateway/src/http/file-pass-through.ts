import {
  Agent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  ErrorCode,
  lingerOnUnreadBody,
  sendGraphQLError,
  SUBGRAPH_KEEP_ALIVE_MS,
} from '@portico/kit';

/** What a download's conditional and partial requests need; nothing else reaches the subgraph. */
const DOWNLOAD_REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
/** An upload is its raw body: its type and length, nothing else (no cookies, no authorization). */
const UPLOAD_REQUEST_HEADERS = ['content-type', 'content-length'];
/** What a download (and an upload's JSON answer) needs back; hop-by-hop headers stay behind. */
const RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'content-disposition',
  'cache-control',
  'x-content-type-options',
  'content-security-policy',
];

export interface FilePassThrough {
  /**
   * Passes one GET, HEAD or PUT to `target` on `subgraph` and its answer
   * back; resolves once the client's exchange is over.
   */
  forward(req: IncomingMessage, res: ServerResponse, target: URL, subgraph: string): Promise<void>;
  close(): void;
}

class UpstreamTimeout extends Error {}

/**
 * Files pass through as streams, both ways, over `node:http` rather than
 * `fetch`: undici's fetch decodes `content-encoding` (the bytes would no
 * longer match `content-length` or a range), its abort signal bounds the
 * whole body rather than the wait for headers, and piping node streams keeps
 * backpressure without converting to web streams and back.
 *
 * - The subgraph timeout bounds the wait for the answer's headers only (for
 *   an upload, counted from the end of its body); a long download or upload
 *   runs as long as it moves.
 * - A client that goes away aborts the upstream request, so a subgraph
 *   reading an upload sees its body fail and keeps nothing.
 * - An upstream that fails mid-body destroys the client's socket: the client
 *   sees fewer bytes than `content-length` promised, never a complete-looking
 *   answer.
 */
export function createFilePassThrough(options: { timeoutMs: number }): FilePassThrough {
  // Idle sockets are dropped well before a subgraph would close them (it
  // keeps them SUBGRAPH_KEEP_ALIVE_MS), so a reused socket is never one the
  // subgraph has just closed.
  const agentOptions = { keepAlive: true, timeout: Math.floor(SUBGRAPH_KEEP_ALIVE_MS / 2) };
  const agent = new Agent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  const forward: FilePassThrough['forward'] = (req, res, target, subgraph) =>
    new Promise((resolve) => {
      const upload = req.method === 'PUT';
      const headers: OutgoingHttpHeaders = {};
      for (const name of upload ? UPLOAD_REQUEST_HEADERS : DOWNLOAD_REQUEST_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const secure = target.protocol === 'https:';
      let current: ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;

      res.once('close', () => {
        clearTimeout(timer);
        // The client went away (or its socket was destroyed below), or an
        // upload was answered before all of it was sent: stop upstream too.
        if (!res.writableFinished || (current && !current.writableFinished)) current?.destroy();
        resolve();
      });

      const attempt = (retried: boolean) => {
        let answered = false;
        const upstream = (secure ? httpsRequest : httpRequest)(target, {
          method: req.method,
          headers,
          agent: secure ? httpsAgent : agent,
        });
        current = upstream;
        const startClock = () => {
          if (answered) return;
          timer = setTimeout(() => upstream.destroy(new UpstreamTimeout()), options.timeoutMs);
        };

        upstream.once('response', (answer) => {
          answered = true;
          clearTimeout(timer);
          // An upload answered before all of it was sent: the rest is not taken.
          lingerOnUnreadBody(req, res);
          const out: OutgoingHttpHeaders = {};
          for (const name of RESPONSE_HEADERS) {
            const value = answer.headers[name];
            if (value !== undefined) out[name] = value;
          }
          res.writeHead(answer.statusCode ?? 502, out);
          // Backpressure both ways; on any failure the client's socket goes,
          // so a cut-off body cannot pass for a whole one.
          answer.once('aborted', () => res.destroy());
          answer.on('error', () => res.destroy());
          answer.pipe(res);
        });

        let failed = false;
        // `on`, not `once`: a destroyed request may report more than one error.
        upstream.on('error', (error) => {
          if (failed) return;
          failed = true;
          clearTimeout(timer);
          if (res.headersSent) {
            res.destroy();
            return;
          }
          if (res.destroyed) return;
          lingerOnUnreadBody(req, res);
          // A kept-alive socket the subgraph closed as it was reused: a
          // download has sent nothing yet and is asked once more.
          const code = (error as NodeJS.ErrnoException).code;
          if (!upload && !retried && upstream.reusedSocket && code === 'ECONNRESET') {
            attempt(true);
            return;
          }
          if (error instanceof UpstreamTimeout) {
            sendGraphQLError(
              res,
              504,
              ErrorCode.SubgraphTimeout,
              `The ${subgraph} service did not answer within ${options.timeoutMs} ms`,
            );
          } else {
            sendGraphQLError(
              res,
              503,
              ErrorCode.ServiceUnavailable,
              `The ${subgraph} service is unavailable`,
            );
          }
        });

        if (upload) {
          upstream.once('finish', startClock);
          req.once('error', () => upstream.destroy());
          req.pipe(upstream);
        } else {
          startClock();
          upstream.end();
        }
      };
      attempt(false);
    });

  return {
    forward,
    close: () => {
      agent.destroy();
      httpsAgent.destroy();
    },
  };
}
