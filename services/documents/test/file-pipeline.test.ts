import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sendJson } from '@portico/kit';
import type { ByteRange, FileStorage, StoredObjectInfo } from '../src/storage/file-storage';
import { receiveUpload, sendUploadRefusal, type UploadOutcome } from '../src/files/receive-upload';
import { sendStoredFile, type StoredFile } from '../src/files/send-stored-file';

/** Files in a directory, written under a temporary name and renamed once whole. */
class TempDirStorage implements FileStorage {
  puts = 0;
  constructor(readonly dir: string) {}

  async put(key: string, body: Readable): Promise<StoredObjectInfo> {
    this.puts += 1;
    const partial = join(this.dir, `${key}.${randomUUID()}.part`);
    try {
      await pipeline(body, createWriteStream(partial));
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    await rename(partial, join(this.dir, key));
    return { size: (await stat(join(this.dir, key))).size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    if (!(await this.stat(key))) return null;
    return createReadStream(join(this.dir, key), range);
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    try {
      return { size: (await stat(join(this.dir, key))).size };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(join(this.dir, key), { force: true });
  }

  async close(): Promise<void> {}
}

const MAX_BYTES = 1024 * 1024;
const BIG_MAX_BYTES = 256 * 1024 * 1024;

interface Harness {
  base: string;
  storage: TempDirStorage;
  files: Map<string, StoredFile>;
  /** The outcome of the next upload the server finishes handling. */
  nextOutcome(): Promise<UploadOutcome | { ok: false; thrown: unknown }>;
}

let server: Server;
let harness: Harness;

async function startServer(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-documents-'));
  const storage = new TempDirStorage(dir);
  const files = new Map<string, StoredFile>();
  let waiters: ((outcome: UploadOutcome | { ok: false; thrown: unknown }) => void)[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = url.pathname.slice('/files/'.length);
    if (req.method === 'PUT') {
      const outcome = await receiveUpload(req, storage, key, {
        maxBytes: url.searchParams.has('big') ? BIG_MAX_BYTES : MAX_BYTES,
        declaredType: url.searchParams.get('type') ?? '',
        idleTimeoutMs: 500,
      }).catch((error: unknown) => ({ ok: false as const, thrown: error }));
      const current = waiters;
      waiters = [];
      for (const resolve of current) resolve(outcome);
      if ('thrown' in outcome) throw outcome.thrown;
      if (!outcome.ok) return sendUploadRefusal(req, res, outcome.refusal);
      files.set(key, {
        key,
        size: outcome.size,
        sha256: outcome.sha256,
        contentType: url.searchParams.get('type')!,
        fileName: url.searchParams.get('name')!,
      });
      return sendJson(res, 201, { size: outcome.size, sha256: outcome.sha256 });
    }
    const file = files.get(key);
    if (!file || !(await sendStoredFile(req, res, storage, file))) {
      sendJson(res, 404, { error: 'not found' });
    }
  };
  server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: 'internal' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    storage,
    files,
    nextOutcome: () => new Promise((resolve) => waiters.push(resolve)),
  };
}

beforeAll(async () => {
  harness = await startServer();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(harness.storage.dir, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

async function upload(key: string, body: Buffer, type: string, name: string) {
  const query = new URLSearchParams({ type, name });
  return fetch(`${harness.base}/files/${key}?${query}`, { method: 'PUT', body });
}

/** A chunked body (no content-length) of `total` bytes that starts with `head`. */
function chunkedBody(head: Buffer, total: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const length = Math.min(chunk, total - sent);
      const bytes = Buffer.alloc(length, 0x41);
      if (sent === 0) head.copy(bytes);
      sent += length;
      controller.enqueue(bytes);
    },
  });
}

async function filesLeft(): Promise<string[]> {
  return readdir(harness.storage.dir);
}

describe('upload and download over HTTP', () => {
  const file = pdf(300_000);
  const key = 'round-trip';

  beforeAll(async () => {
    const answer = await upload(key, file, 'application/pdf', 'Relevé de compte "mars".pdf');
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ size: file.length, sha256: sha256(file) });
  });

  it('serves back the same bytes with safe headers', async () => {
    const answer = await fetch(`${harness.base}/files/${key}`);
    expect(answer.status).toBe(200);
    const body = Buffer.from(await answer.arrayBuffer());
    expect(sha256(body)).toBe(sha256(file));
    expect(Object.fromEntries(answer.headers)).toMatchObject({
      'accept-ranges': 'bytes',
      'content-length': String(file.length),
      'content-type': 'application/pdf',
      etag: `"${sha256(file)}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
      'content-security-policy': 'sandbox',
      'content-disposition':
        `attachment; filename="Releve de compte _mars_.pdf"; ` +
        `filename*=UTF-8''Relev%C3%A9%20de%20compte%20%22mars%22.pdf`,
    });
  });

  it('serves a text file as UTF-8', async () => {
    const csv = Buffer.from('name,amount\nÉlodie,12.50\n');
    expect((await upload('table', csv, 'text/csv', 'table.csv')).status).toBe(201);
    const answer = await fetch(`${harness.base}/files/table`);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await answer.text()).toBe(csv.toString());
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=299000-', 299_000, 299_999],
    ['bytes=-500', 299_500, 299_999],
    ['bytes=299990-400000', 299_990, 299_999],
  ])('answers %s with 206 and that part', async (range, start, end) => {
    const answer = await fetch(`${harness.base}/files/${key}`, { headers: { range } });
    expect(answer.status).toBe(206);
    expect(answer.headers.get('content-range')).toBe(`bytes ${start}-${end}/${file.length}`);
    expect(answer.headers.get('content-length')).toBe(String(end - start + 1));
    const body = Buffer.from(await answer.arrayBuffer());
    expect(body.equals(file.subarray(start, end + 1))).toBe(true);
  });

  it('answers a range past the end with 416 and the size', async () => {
    const answer = await fetch(`${harness.base}/files/${key}`, {
      headers: { range: `bytes=${file.length}-` },
    });
    expect(answer.status).toBe(416);
    expect(answer.headers.get('content-range')).toBe(`bytes */${file.length}`);
    expect((await answer.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers several ranges with the whole file', async () => {
    const answer = await fetch(`${harness.base}/files/${key}`, {
      headers: { range: 'bytes=0-9,20-29' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-range')).toBeNull();
    expect(sha256(Buffer.from(await answer.arrayBuffer()))).toBe(sha256(file));
  });

  it('honours If-Range only with the current ETag', async () => {
    const stale = await fetch(`${harness.base}/files/${key}`, {
      headers: { range: 'bytes=0-9', 'if-range': '"0000"' },
    });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(file.length);
    const current = await fetch(`${harness.base}/files/${key}`, {
      headers: { range: 'bytes=0-9', 'if-range': `"${sha256(file)}"` },
    });
    expect(current.status).toBe(206);
    expect(Buffer.from(await current.arrayBuffer()).equals(file.subarray(0, 10))).toBe(true);
  });

  it('answers HEAD with the headers alone', async () => {
    const answer = await fetch(`${harness.base}/files/${key}`, { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe(String(file.length));
    expect(answer.headers.get('etag')).toBe(`"${sha256(file)}"`);
    expect((await answer.arrayBuffer()).byteLength).toBe(0);
  });

  it('says false for a file the store does not have', async () => {
    harness.files.set('gone', { ...harness.files.get(key)!, key: 'gone' });
    const answer = await fetch(`${harness.base}/files/gone`);
    expect(answer.status).toBe(404);
  });
});

describe('refused uploads leave nothing behind', () => {
  beforeEach(async () => {
    for (const name of await filesLeft()) await rm(join(harness.storage.dir, name));
  });

  it('refuses a declared length over the limit without reading or storing', async () => {
    const puts = harness.storage.puts;
    const answer = await upload('declared', pdf(MAX_BYTES + 1), 'application/pdf', 'big.pdf');
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({
      error: `The file is larger than ${MAX_BYTES} bytes`,
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'FILE_TOO_LARGE',
      limit: MAX_BYTES,
    });
    expect(harness.storage.puts).toBe(puts);
    expect(await filesLeft()).toEqual([]);
  });

  it('cuts a chunked body off at the limit with 413', async () => {
    const outcome = harness.nextOutcome();
    const answer = await fetch(`${harness.base}/files/chunked?type=application/pdf&name=x.pdf`, {
      method: 'PUT',
      body: chunkedBody(Buffer.from('%PDF-1.7\n'), 3 * MAX_BYTES),
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'FILE_TOO_LARGE',
    });
    expect(await outcome).toMatchObject({ ok: false, refusal: { status: 413 } });
    expect(await filesLeft()).toEqual([]);
    expect(harness.files.has('chunked')).toBe(false);
  });

  it('refuses PNG bytes declared as a PDF with 415', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(20_000),
    ]);
    const answer = await upload('mismatch', png, 'application/pdf', 'x.pdf');
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual({
      error: "The file's content is not application/pdf",
      code: 'BAD_USER_INPUT',
      reason: 'FILE_TYPE_MISMATCH',
    });
    expect(await filesLeft()).toEqual([]);
  });

  it('refuses a type outside the allow-list with 415', async () => {
    const answer = await upload('html', Buffer.from('<html>'), 'text/html', 'x.html');
    expect(answer.status).toBe(415);
    expect(await answer.json()).toMatchObject({ reason: 'UNSUPPORTED_TYPE' });
  });

  it('refuses a compressed body', async () => {
    const answer = await fetch(`${harness.base}/files/gz?type=application/pdf&name=x.pdf`, {
      method: 'PUT',
      headers: { 'content-encoding': 'gzip' },
      body: pdf(1000),
    });
    expect(answer.status).toBe(415);
    expect(await answer.json()).toMatchObject({ reason: 'UNSUPPORTED_ENCODING' });
    expect(await filesLeft()).toEqual([]);
  });

  it('leaves nothing when the client aborts mid-upload', async () => {
    const outcome = harness.nextOutcome();
    const abort = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        // Once aborted nothing more is offered: a pull that always enqueues
        // at once would keep the client busy on microtasks forever.
        if (abort.signal.aborted) return;
        await new Promise(setImmediate);
        const bytes = Buffer.alloc(64 * 1024, 0x41);
        if (sent === 0) Buffer.from('%PDF-1.7\n').copy(bytes);
        sent += bytes.length;
        controller.enqueue(bytes);
        // Well into the upload (past the held-back head, under the limit): give up.
        if (sent >= 256 * 1024) abort.abort();
      },
    });
    await expect(
      fetch(`${harness.base}/files/aborted?type=application/pdf&name=x.pdf`, {
        method: 'PUT',
        body,
        duplex: 'half',
        signal: abort.signal,
      } as RequestInit),
    ).rejects.toThrow();
    expect(await outcome).toMatchObject({ ok: false, refusal: { reason: 'UPLOAD_ABORTED' } });
    expect(await filesLeft()).toEqual([]);
    expect(harness.files.has('aborted')).toBe(false);
  });

  it('gives up on a body that stops arriving, with 408', async () => {
    const outcome = harness.nextOutcome();
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: '/files/idle?type=application/pdf&name=x.pdf',
          headers: { 'content-length': '100000' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(pdf(5000));
    });
    expect(status).toBe(408);
    expect(await outcome).toMatchObject({ ok: false, refusal: { reason: 'UPLOAD_TIMEOUT' } });
    expect(await filesLeft()).toEqual([]);
  });
});

describe('a large upload', () => {
  /** PUT through node:http: a Readable body written as the socket drains. */
  function putStream(path: string, body: Readable): Promise<{ status: number; json: unknown }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'PUT', path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      body.pipe(req);
    });
  }

  it('streams 200 MiB up and down in flat memory with the right hash', async () => {
    const total = 200 * 1024 * 1024;
    const expected = createHash('sha256');
    const block = randomBytes(64 * 1024);
    function* blocks() {
      for (let sent = 0; sent < total; sent += block.length) {
        const bytes = Buffer.from(block);
        if (sent === 0) Buffer.from('%PDF-1.7\n').copy(bytes);
        bytes.writeUInt32BE(sent / block.length, 16);
        expected.update(bytes);
        yield bytes;
      }
    }
    // Client and server share this process: each transfer's growth is
    // measured from its own start, so garbage one leaves is not counted
    // against the other.
    let before = 0;
    let peak = 0;
    const startPhase = () => {
      before = process.memoryUsage().rss;
      peak = before;
    };
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const growth: Record<string, number> = {};
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    try {
      startPhase();
      // Not fetch for this upload: undici's fetch keeps every chunk of a
      // streamed request body while the request lives (200 MiB held for a
      // 200 MiB upload, measured), which would weigh the client, not the
      // server.
      const answer = await putStream(
        '/files/big?big=1&type=application/pdf&name=big.pdf',
        Readable.from(blocks()),
      );
      growth.upload = peak - before;
      console.log(`200 MiB upload: rss ${mib(before)} → peak ${mib(peak)}`);
      const digest = expected.digest('hex');
      expect(answer).toEqual({ status: 201, json: { size: total, sha256: digest } });

      startPhase();
      const download = await fetch(`${harness.base}/files/big`);
      const received = createHash('sha256');
      let length = 0;
      for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
        received.update(chunk);
        length += chunk.length;
      }
      growth.download = peak - before;
      console.log(`200 MiB download: rss ${mib(before)} → peak ${mib(peak)}`);
      expect(length).toBe(total);
      expect(received.digest('hex')).toBe(digest);
    } finally {
      clearInterval(sampler);
      await rm(join(harness.storage.dir, 'big'), { force: true });
    }
    expect(growth.upload).toBeLessThan(64 * 1024 * 1024);
    expect(growth.download).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('downloads that end early', () => {
  const size = 8 * 1024 * 1024;
  let file: Buffer;
  const opened: Readable[] = [];
  let realGet: FileStorage['get'];

  beforeAll(async () => {
    file = pdf(size);
    const { port } = server.address() as AddressInfo;
    expect(port).toBeGreaterThan(0);
    // Uploaded under the big limit: the default one is 1 MiB.
    const answer = await fetch(
      `${harness.base}/files/early?big=1&type=application/pdf&name=early.pdf`,
      { method: 'PUT', body: file },
    );
    expect(answer.status).toBe(201);
    realGet = harness.storage.get.bind(harness.storage);
    harness.storage.get = async (key, range) => {
      const stream = await realGet(key, range);
      if (stream) opened.push(stream);
      return stream;
    };
  });

  afterAll(() => {
    harness.storage.get = realGet;
  });

  it('destroys the stream from the store when the client goes away', async () => {
    const abort = new AbortController();
    const answer = await fetch(`${harness.base}/files/early`, { signal: abort.signal });
    const reader = answer.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    abort.abort();
    const stream = opened.at(-1)!;
    if (!stream.destroyed) await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
    expect((stream as unknown as { bytesRead: number }).bytesRead).toBeLessThan(size);
  });

  it('cuts the response off when the store fails mid-way', async () => {
    const storage = harness.storage;
    storage.get = async (key, range) => {
      const stream = await realGet(key, range);
      let seen = 0;
      stream?.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 1024 * 1024) stream.destroy(new Error('disk read failed'));
      });
      return stream;
    };
    try {
      const answer = await fetch(`${harness.base}/files/early`);
      expect(answer.status).toBe(200);
      // The body ends before content-length: the client sees an error, not a short file.
      await expect(answer.arrayBuffer()).rejects.toThrow();
    } finally {
      storage.get = async (key, range) => {
        const stream = await realGet(key, range);
        if (stream) opened.push(stream);
        return stream;
      };
    }
  });

  it('refuses other methods than GET and HEAD', async () => {
    const answer = await fetch(`${harness.base}/files/early`, { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD');
  });

  it('throws a fault of the store instead of calling it a refusal', async () => {
    const storage = harness.storage;
    const realPut = storage.put.bind(storage);
    const outcome = harness.nextOutcome();
    storage.put = async (_key, body) => {
      body.resume();
      throw new Error('disk full');
    };
    try {
      const answer = await upload('fault', pdf(1000), 'application/pdf', 'x.pdf');
      expect(answer.status).toBe(500);
      const seen = await outcome;
      expect('thrown' in seen && (seen.thrown as Error).message).toBe('disk full');
    } finally {
      storage.put = realPut;
    }
  });
});
