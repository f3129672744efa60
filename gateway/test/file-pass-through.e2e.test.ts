import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildSchema } from 'graphql';
import { sendJson, startSubgraphServer, testing, type RunningSubgraph } from '@portico/kit';
import { TEST_CLAIMS_SECRET } from '../../services/accounts/test/accounts-harness';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { SUPERGRAPH_PATH } from './stack-harness';

// A gateway in front of a small subgraph of the test's own, which keeps
// files on disk: what a documents service will do with streamed downloads
// and uploads, without its domain.
const MiB = 1024 * 1024;
const FILE_SIZE = 50 * MiB;
const TOKEN = 'a-signed-link-token';
const APP_ORIGIN = 'http://app.portico.test:5173';
const TIMEOUT_MS = 5_000;

interface UploadRecord {
  name: string;
  contentType?: string;
  contentLength?: string;
  received: number;
  /** How the handler's read of the body ended. */
  outcome: Promise<{ stored: boolean; error?: string }>;
}

/** Every chunk a client sends or receives, with the bytes' SHA-256. */
function hashing() {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    add(chunk: Uint8Array) {
      hash.update(chunk);
      bytes += chunk.length;
    },
    get bytes() {
      return bytes;
    },
    digest: () => hash.digest('hex'),
  };
}

/** A request body of `size` random bytes made as it is read, `chunk` bytes at a time. */
function generatedBody(size: number, seen: ReturnType<typeof hashing>, chunk = MiB) {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const left = size - seen.bytes;
      if (left <= 0) {
        controller.close();
        return;
      }
      const bytes = randomBytes(Math.min(chunk, left));
      seen.add(bytes);
      controller.enqueue(bytes);
    },
  });
}

async function readAll(response: Response, seen: ReturnType<typeof hashing>): Promise<void> {
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    seen.add(value);
  }
}

/** Resolves once `progress()` has not moved for `quietMs`. */
async function settled(progress: () => number, quietMs = 500): Promise<number> {
  let last = -1;
  while (progress() !== last) {
    last = progress();
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
  return last;
}

describe('files through the gateway', () => {
  let dir: string;
  let subgraph: RunningSubgraph;
  let gateway: RunningGateway;
  let base: string;
  const uploads: UploadRecord[] = [];
  /** Bytes of a file the subgraph has read from disk and handed to its response. */
  let served = 0;
  /** Bytes the paused upload route has read. */
  let pausedRead = 0;
  let resumePaused: (() => void) | undefined;

  const linkOk = (req: IncomingMessage) =>
    new URL(req.url ?? '/', 'http://localhost').searchParams.get('t') === TOKEN;
  const nameOf = (req: IncomingMessage) =>
    new URL(req.url ?? '/', 'http://localhost').searchParams.get('name') ?? 'blob';

  /** A download with ranges and validators, as a documents route would serve it. */
  const serveStored = async (req: IncomingMessage, res: ServerResponse) => {
    if (!linkOk(req)) return sendJson(res, 404, { error: 'This link is not valid' });
    const path = join(dir, nameOf(req));
    const info = await stat(path).catch(() => null);
    if (!info) return sendJson(res, 404, { error: 'This link is not valid' });
    const size = info.size;
    const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const common = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag,
      'last-modified': info.mtime.toUTCString(),
      'content-disposition': 'attachment; filename="blob.bin"',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'x-internal-host': 'must-not-pass',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    let start = 0;
    let end = size - 1;
    if (req.headers.range !== undefined) {
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range);
      if (!range || Number(range[1]) >= size) {
        res.writeHead(416, { ...common, 'content-range': `bytes */${size}` });
        res.end();
        return;
      }
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      res.writeHead(206, {
        ...common,
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': end - start + 1,
      });
    } else {
      res.writeHead(200, { ...common, 'content-length': size });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const file = createReadStream(path, { start, end });
    file.on('data', (chunk) => (served += chunk.length));
    await pipeline(file, res);
  };

  /** Stores the raw body under `name`, only once all of it has arrived. */
  const storeUpload = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!linkOk(req)) {
      sendJson(res, 404, { error: 'This link is not valid' });
      return Promise.resolve();
    }
    const name = nameOf(req);
    const part = join(dir, `${name}.part`);
    const hash = createHash('sha256');
    const record: Omit<UploadRecord, 'outcome'> = {
      name,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
      received: 0,
    };
    const outcome = (async () => {
      try {
        await pipeline(
          req,
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              hash.update(chunk);
              record.received += chunk.length;
              done(null, chunk);
            },
          }),
          createWriteStream(part),
        );
        await rename(part, join(dir, name));
      } catch (error) {
        await rm(part, { force: true });
        // Errors from Node's streams come from another realm under jest: no instanceof.
        return { stored: false, error: (error as Error).message };
      }
      sendJson(res, 201, { bytes: record.received, sha256: hash.digest('hex') });
      return { stored: true };
    })();
    uploads.push(Object.assign(record, { outcome }));
    return outcome.then(() => undefined);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-files-'));
    subgraph = await startSubgraphServer({
      // Routed as sales: the gateway passes /files/ to the subgraphs of its supergraph.
      name: 'sales',
      schema: buildSchema('type Query { ok: String }'),
      claimsSecret: TEST_CLAIMS_SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      logLevel: 'warn',
      routes: {
        '/files/blob.bin': serveStored,
        // Promises a megabyte, sends half, then its process "dies".
        '/files/broken.bin': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': MiB });
          res.write(Buffer.alloc(MiB / 2, 1), () => setTimeout(() => res.destroy(), 50));
        },
        // Headers at once, then the body over about twice the gateway's subgraph timeout.
        '/files/slow.txt': (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 20 });
          let sent = 0;
          const tick = setInterval(() => {
            res.write('ab');
            sent += 1;
            if (sent === 10) {
              clearInterval(tick);
              res.end();
            }
          }, TIMEOUT_MS / 5);
        },
        '/files/hang.txt': () => undefined,
      },
      uploadRoutes: {
        '/files/blob.bin': storeUpload,
        // Reads a little, then stops reading until the test lets it go on.
        '/files/paused.bin': async (req, res) => {
          await new Promise<void>((resolve, reject) => {
            req.on('data', (chunk: Buffer) => {
              pausedRead += chunk.length;
              if (pausedRead >= MiB && !resumePaused) {
                req.pause();
                resumePaused = () => req.resume();
              }
            });
            req.once('end', resolve);
            req.once('error', reject);
          });
          sendJson(res, 201, { bytes: pausedRead });
        },
      },
    });
    gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        SUBGRAPH_SALES_URL: subgraph.url,
        GATEWAY_SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        HTTP_CORS_ORIGINS: APP_ORIGIN,
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000',
        LOG_LEVEL: 'warn',
      }),
    );
    base = gateway.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const link = (file: string, name = 'blob') =>
    `${base}/files/sales/${file}?t=${TOKEN}&name=${name}`;

  // What the gateway holds of a transfer is pinned by the two back-pressure
  // tests below (a reader or a subgraph that stops stops the other side);
  // its memory for a large file is measured by `npm run bench:upload`, in a
  // process of its own, not here where client and subgraph share the heap.
  it('streams a 50 MiB upload and its download through the gateway, byte for byte', async () => {
    const sent = hashing();
    const put = await fetch(link('blob.bin'), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: generatedBody(FILE_SIZE, sent, 64 * 1024),
      duplex: 'half',
    });
    const answer = (await put.json()) as { bytes: number; sha256: string };
    expect(put.status).toBe(201);
    expect(answer).toEqual({ bytes: FILE_SIZE, sha256: sent.digest() });
    expect(uploads.at(-1)).toMatchObject({ contentType: 'application/octet-stream' });
    expect(await uploads.at(-1)?.outcome).toEqual({ stored: true });

    const received = hashing();
    const get = await fetch(link('blob.bin'));
    expect(get.status).toBe(200);
    expect(get.headers.get('content-length')).toBe(String(FILE_SIZE));
    await readAll(get, received);
    expect(received.bytes).toBe(FILE_SIZE);
    expect(received.digest()).toBe(answer.sha256);
  });

  it('forwards content-type and content-length of an upload', async () => {
    const body = Buffer.from('name,amount\nacme,12.00\n');
    const put = await fetch(link('blob.bin', 'small.csv'), {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body,
    });
    expect(put.status).toBe(201);
    expect(uploads.at(-1)).toMatchObject({
      name: 'small.csv',
      contentType: 'text/csv',
      contentLength: String(body.length),
    });
    expect(await readFile(join(dir, 'small.csv'))).toEqual(body);
  });

  it('holds a slow reader back instead of buffering the file', async () => {
    served = 0;
    const get = await fetch(link('blob.bin'));
    expect(get.status).toBe(200);
    // The client reads nothing: what the subgraph could send is what the
    // sockets' buffers between it and the client hold.
    const sentWhilePaused = await settled(() => served);
    process.stdout.write(
      `served while the client read nothing: ${(sentWhilePaused / MiB).toFixed(1)} of ${FILE_SIZE / MiB} MiB\n`,
    );
    expect(sentWhilePaused).toBeLessThan(FILE_SIZE);
    const received = hashing();
    await readAll(get, received);
    expect(received.bytes).toBe(FILE_SIZE);
  });

  it('holds an uploading client back while the subgraph does not read', async () => {
    const sent = hashing();
    const put = fetch(link('paused.bin'), {
      method: 'PUT',
      body: generatedBody(FILE_SIZE, sent, 256 * 1024),
      duplex: 'half',
    });
    const sentWhilePaused = await settled(() => sent.bytes);
    process.stdout.write(
      `sent while the subgraph read nothing: ${(sentWhilePaused / MiB).toFixed(1)} of ${FILE_SIZE / MiB} MiB\n`,
    );
    expect(resumePaused).toBeDefined();
    expect(sentWhilePaused).toBeLessThan(FILE_SIZE);
    resumePaused?.();
    const answer = await put;
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ bytes: FILE_SIZE });
  });

  it('answers ranges with 206 and content-range, and a range past the end with 416', async () => {
    const file = await readFile(join(dir, 'blob'));
    const first = await fetch(link('blob.bin'), { headers: { range: 'bytes=0-99' } });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${FILE_SIZE}`);
    expect(first.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(file.subarray(0, 100));

    const tail = await fetch(link('blob.bin'), {
      headers: { range: `bytes=${FILE_SIZE - 10}-` },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(
      `bytes ${FILE_SIZE - 10}-${FILE_SIZE - 1}/${FILE_SIZE}`,
    );
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(file.subarray(FILE_SIZE - 10));

    const past = await fetch(link('blob.bin'), { headers: { range: `bytes=${FILE_SIZE}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${FILE_SIZE}`);
  });

  it('answers HEAD with the headers a download needs and no body', async () => {
    const head = await fetch(link('blob.bin'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Object.fromEntries(head.headers)).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(FILE_SIZE),
      'accept-ranges': 'bytes',
      etag: expect.stringMatching(/^"[0-9a-f]+-[0-9a-f]+"$/),
      'last-modified': expect.stringMatching(/ GMT$/),
      'content-disposition': 'attachment; filename="blob.bin"',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
    // Only what a download needs passes back.
    expect(head.headers.get('x-internal-host')).toBeNull();
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('passes conditional requests on: a matching etag gives 304', async () => {
    const head = await fetch(link('blob.bin'), { method: 'HEAD' });
    const etag = head.headers.get('etag')!;
    const again = await fetch(link('blob.bin'), { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const stale = await fetch(link('blob.bin'), { headers: { 'if-none-match': '"0-0"' } });
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
  });

  it('aborts the upstream upload when the client goes away, and nothing is stored', async () => {
    const before = uploads.length;
    const sent = hashing();
    const controller = new AbortController();
    const put = fetch(link('blob.bin', 'aborted.bin'), {
      method: 'PUT',
      body: generatedBody(FILE_SIZE, sent, 256 * 1024),
      duplex: 'half',
      signal: controller.signal,
    });
    // Abort once the subgraph has started reading the body.
    while (!((uploads[before]?.received ?? 0) > MiB)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    await expect(put).rejects.toThrow();
    const upload = uploads[before]!;
    const outcome = await upload.outcome;
    expect(outcome.stored).toBe(false);
    expect(outcome.error).toMatch(/aborted|ECONNRESET/);
    expect(upload.received).toBeLessThan(FILE_SIZE);
    expect(existsSync(join(dir, 'aborted.bin'))).toBe(false);
    expect(existsSync(join(dir, 'aborted.bin.part'))).toBe(false);
  });

  it('destroys the download when the subgraph dies mid-body, never a complete-looking 200', async () => {
    const get = await fetch(`${base}/files/sales/broken.bin`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-length')).toBe(String(MiB));
    const received = hashing();
    await expect(readAll(get, received)).rejects.toThrow();
    expect(received.bytes).toBeLessThan(MiB);
  });

  it('bounds the wait for the answer, not the time its body takes', async () => {
    const slow = await fetch(`${base}/files/sales/slow.txt`);
    expect(slow.status).toBe(200);
    expect(await slow.text()).toBe('ab'.repeat(10));

    const hung = await fetch(`${base}/files/sales/hang.txt`);
    expect(hung.status).toBe(504);
    expect(await hung.json()).toEqual({
      errors: [
        {
          message: `The sales service did not answer within ${TIMEOUT_MS} ms`,
          extensions: { code: 'SUBGRAPH_TIMEOUT' },
        },
      ],
    });
  });

  it('answers 404 for an unknown subgraph or file, and 405 for a method files do not take', async () => {
    for (const method of ['GET', 'PUT'] as const) {
      const unknown = await fetch(`${base}/files/nowhere/blob.bin?t=${TOKEN}`, {
        method,
        ...(method === 'PUT' ? { body: 'x' } : {}),
      });
      expect([method, unknown.status]).toEqual([method, 404]);
      const missing = await fetch(`${base}/files/sales/missing.bin?t=${TOKEN}`, {
        method,
        ...(method === 'PUT' ? { body: 'x' } : {}),
      });
      expect([method, missing.status]).toEqual([method, 404]);
    }
    // The subgraph decides which of its paths take uploads.
    const putOnDownload = await fetch(`${base}/files/sales/broken.bin`, {
      method: 'PUT',
      body: 'x',
    });
    expect(putOnDownload.status).toBe(405);
    const post = await fetch(link('blob.bin'), { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, PUT');
    const forged = await fetch(`${base}/files/sales/blob.bin?t=forged`, {
      method: 'PUT',
      body: 'x',
    });
    expect(forged.status).toBe(404);
  });

  it.each([
    ['the subgraph', `/files/sales/blob.bin?t=forged&name=forged.bin`],
    ['the gateway', `/files/nowhere/blob.bin?t=${TOKEN}&name=forged.bin`],
  ])(
    'answers an upload %s refuses at once, without taking the rest of its body',
    async (_who, path) => {
      const sent = hashing();
      const before = uploads.length;
      const put = await fetch(`${base}${path}`, {
        method: 'PUT',
        body: generatedBody(FILE_SIZE, sent, 256 * 1024),
        duplex: 'half',
      }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        (error: Error) => ({ status: 0, body: error.message }),
      );
      process.stdout.write(
        `refused upload: ${JSON.stringify(put)} after ${(sent.bytes / MiB).toFixed(1)} MiB\n`,
      );
      expect(put.status).toBe(404);
      expect(sent.bytes).toBeLessThan(FILE_SIZE);
      expect(uploads.length).toBe(before);
      expect(existsSync(join(dir, 'forged.bin'))).toBe(false);
    },
  );

  it('answers a cross-origin preflight for an upload from an allowed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(link('blob.bin'), {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/\bPUT\b/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/\bcontent-type\b/);
    const other = await preflight('http://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // /graphql takes no PUT.
    const api = await fetch(gateway.url, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'PUT' },
    });
    expect(api.headers.get('access-control-allow-methods')).not.toMatch(/\bPUT\b/);

    const download = await fetch(link('blob.bin'), {
      headers: { origin: APP_ORIGIN, range: 'bytes=0-0' },
    });
    expect(download.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(download.headers.get('access-control-expose-headers')).toMatch(/\bcontent-range\b/);
    await download.body?.cancel();
  });
});

describe('file rate limit through the gateway', () => {
  let subgraph: RunningSubgraph;
  let gateway: RunningGateway;
  let uploads = 0;
  beforeAll(async () => {
    subgraph = await startSubgraphServer({
      name: 'sales',
      schema: buildSchema('type Query { ok: String }'),
      claimsSecret: TEST_CLAIMS_SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      logLevel: 'warn',
      uploadRoutes: {
        '/files/note.txt': async (req, res) => {
          uploads += 1;
          for await (const chunk of req) void chunk;
          sendJson(res, 201, { stored: true });
        },
      },
    });
    gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        SUBGRAPH_SALES_URL: subgraph.url,
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2',
        LOG_LEVEL: 'error',
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  it('counts uploads per address like downloads and refuses past the limit before the subgraph', async () => {
    const url = gateway.url.replace(/\/graphql$/, '/files/sales/note.txt');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const put = await fetch(url, { method: 'PUT', body: `note ${i}` });
      statuses.push(put.status);
      if (put.status === 429) {
        expect(put.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await put.json()).toMatchObject({
          errors: [{ extensions: { code: 'RATE_LIMITED' } }],
        });
      } else {
        await put.body?.cancel();
      }
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect(uploads).toBe(2);
  });
});

describe('files through the gateway while the subgraph is down', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    // A port nothing listens on: the subgraph is down.
    const port = await testing.freePort();
    gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        SUBGRAPH_SALES_URL: `http://127.0.0.1:${port}/graphql`,
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        LOG_LEVEL: 'error',
      }),
    );
  });
  afterAll(() => gateway?.close());

  it.each(['GET', 'PUT'])(
    'answers %s with a coded 503 that names the service, not its address',
    async (method) => {
      const response = await fetch(gateway.url.replace(/\/graphql$/, '/files/sales/blob.bin'), {
        method,
        ...(method === 'PUT' ? { body: 'x' } : {}),
      });
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        errors: [
          {
            message: 'The sales service is unavailable',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      });
      expect(text).not.toMatch(/127\.0\.0\.1|ECONN/);
    },
  );
});

describe('idle uploads through the gateway', () => {
  let subgraph: RunningSubgraph;
  let gateway: RunningGateway;
  const outcomes: Array<Promise<string>> = [];
  beforeAll(async () => {
    subgraph = await startSubgraphServer({
      name: 'sales',
      schema: buildSchema('type Query { ok: String }'),
      claimsSecret: TEST_CLAIMS_SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      logLevel: 'warn',
      routes: {
        // Answers after more than the idle limit, then sends its body slowly.
        '/files/late.txt': (_req, res) => {
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4 });
            res.write('ab');
            setTimeout(() => res.end('cd'), 1_500);
          }, 1_500);
        },
      },
      uploadRoutes: {
        '/files/note.txt': (req, res) => {
          const read = (async () => {
            let bytes = 0;
            try {
              for await (const chunk of req) bytes += (chunk as Buffer).length;
            } catch (error) {
              return `failed after ${bytes} bytes: ${(error as Error).message}`;
            }
            sendJson(res, 201, { bytes });
            return `stored ${bytes} bytes`;
          })();
          outcomes.push(read);
          return read.then(() => undefined);
        },
      },
    });
    gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        SUBGRAPH_SALES_URL: subgraph.url,
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        HTTP_BODY_IDLE_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'error',
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
  });

  /** An upload of `chunks` KiB, one every `everyMs`, that stops after them if `stall`. */
  const upload = (chunks: number, everyMs: number, stall: boolean) => {
    let sent = 0;
    return fetch(gateway.url.replace(/\/graphql$/, '/files/sales/note.txt'), {
      method: 'PUT',
      duplex: 'half',
      body: new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent === chunks) {
            if (stall) return new Promise<void>(() => undefined);
            controller.close();
            return;
          }
          if (sent > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
          sent += 1;
          controller.enqueue(new Uint8Array(1024).fill(sent));
        },
      }),
    });
  };

  it('lets an upload that keeps moving run past the idle limit', async () => {
    // 30 KiB, 100 ms apart: three times the 1 s idle limit in all.
    const response = await upload(30, 100, false);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ bytes: 30 * 1024 });
    expect(await outcomes.at(-1)).toBe('stored 30720 bytes');
  });

  it('does not hold a slow download to the idle limit, which is for request bodies', async () => {
    const response = await fetch(gateway.url.replace(/\/graphql$/, '/files/sales/late.txt'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('abcd');
  });

  it('cuts an upload that stops moving, and the subgraph sees its body fail', async () => {
    const before = outcomes.length;
    await expect(upload(3, 10, true)).rejects.toThrow();
    expect(await outcomes[before]).toMatch(/^failed after 3072 bytes: (aborted|.*ECONNRESET)/);
  });
});
