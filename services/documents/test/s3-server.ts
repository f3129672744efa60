import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A small S3-compatible server for the storage tests: path-style requests,
 * one bucket, files in a temporary directory. It speaks the part of the S3
 * API the store uses, with S3's rules where a bug in the store would hide:
 * replacing an object is atomic (a reader keeps the bytes it started on),
 * parts other than the last are at least 5 MiB, an aborted multipart upload
 * leaves no part, `bytes=0-0` is one byte, a range past the end is 416, and
 * a body that does not hash to its signed `x-amz-content-sha256` is refused.
 * Bodies framed as aws-chunked (SDK checksum trailers) are refused too, so a
 * client that sends them fails here instead of storing the framing.
 *
 * Why not s3rver 3.7.1 (the usual npm choice): with @aws-sdk/client-s3
 * 3.1175 it answers AbortMultipartUpload with 405 MethodNotAllowed and keeps
 * the parts on disk, ListMultipartUploads with 501 NotImplemented, returns
 * the whole object for `Range: bytes=0-0`, and writes a replaced object in
 * place (a reader of the old one can get a mix). Its maintained fork and the
 * other npm emulators require Node ≥ 22.
 */
export interface TestS3Server {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Files the server is still writing or has left half-written (should be none between calls). */
  pendingFiles(): Promise<string[]>;
  /** Everything the server holds on disk: objects, open multipart uploads, bodies being written. */
  filesHeld(): Promise<number>;
  close(): Promise<void>;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startS3Server(): Promise<TestS3Server> {
  const root = await mkdtemp(join(tmpdir(), 'portico-s3-'));
  const bucket = 'portico-documents-test';
  const accessKeyId = 'PORTICOTESTKEY';
  const secretAccessKey = randomBytes(20).toString('hex');
  const objectsDir = join(root, 'objects');
  const uploadsDir = join(root, 'uploads');
  const incomingDir = join(root, 'incoming');
  await Promise.all([objectsDir, uploadsDir, incomingDir].map((d) => mkdir(d)));

  // Flat names: keys that are prefixes of each other ("a" and "a/b") both fit.
  const objectPath = (key: string) =>
    join(objectsDir, createHash('sha256').update(key).digest('hex'));

  /** Streams the request body to a new file, then renames it to `target`: atomic replace. */
  async function receive(
    req: IncomingMessage,
    target: string,
  ): Promise<{ md5: string; size: number }> {
    const sha = req.headers['x-amz-content-sha256'];
    if (
      typeof sha === 'string' &&
      (sha.startsWith('STREAMING-') || /aws-chunked/.test(String(req.headers['content-encoding'])))
    ) {
      throw new S3Failure(501, 'NotImplemented', 'aws-chunked bodies are not supported here');
    }
    const temp = join(incomingDir, randomBytes(8).toString('hex'));
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        req,
        new Transform({
          transform(chunk: Buffer, _e, callback) {
            md5.update(chunk);
            sha256.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        }),
        createWriteStream(temp),
      );
      if (typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) && sha256.digest('hex') !== sha) {
        throw new S3Failure(400, 'XAmzContentSHA256Mismatch', 'body does not match its hash');
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { md5: md5.digest('hex'), size };
  }

  async function readUpload(uploadId: string, key: string): Promise<string> {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) {
      throw new S3Failure(404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    const dir = join(uploadsDir, uploadId);
    const owner = await readFile(join(dir, 'key'), 'utf8').catch(() => null);
    if (owner !== key) {
      throw new S3Failure(404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    return dir;
  }

  async function getObject(req: IncomingMessage, res: ServerResponse, key: string, head: boolean) {
    // Opened before anything is sent: a replacement renamed over it later is not seen.
    const file = await open(objectPath(key), 'r').catch(() => null);
    if (!file) {
      if (head) {
        res.writeHead(404).end();
        return;
      }
      throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    let closeHere = true;
    try {
      const { size } = await file.stat();
      let start = 0;
      let end = size - 1;
      let status = 200;
      const range = req.headers.range;
      if (range !== undefined) {
        const m = /^bytes=(\d+)-(\d*)$/.exec(range);
        if (!m) throw new S3Failure(400, 'InvalidArgument', `unsupported range ${range}`);
        start = Number(m[1]);
        end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
        if (start >= size || end < start) {
          throw new S3Failure(416, 'InvalidRange', 'The requested range is not satisfiable');
        }
        status = 206;
      }
      const headers: Record<string, string | number> = {
        'content-length': size === 0 ? 0 : end - start + 1,
        'accept-ranges': 'bytes',
        'content-type': 'application/octet-stream',
      };
      if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`;
      res.writeHead(status, headers);
      if (head || size === 0) {
        res.end();
        return;
      }
      closeHere = false;
      await pipeline(file.createReadStream({ start, end }), res);
    } finally {
      if (closeHere) await file.close();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
      throw new S3Failure(403, 'AccessDenied', 'Access Denied');
    }
    const url = new URL(req.url ?? '/', 'http://s3.test');
    const [, bucketName, ...rest] = url.pathname.split('/');
    if (bucketName !== bucket) {
      throw new S3Failure(404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    const key = rest.map((s) => decodeURIComponent(s)).join('/');
    const q = url.searchParams;
    const method = req.method ?? 'GET';

    if (key === '') {
      if (method === 'GET' && q.has('uploads')) {
        const uploads = [];
        for (const id of await readdir(uploadsDir)) {
          const owner = await readFile(join(uploadsDir, id, 'key'), 'utf8').catch(() => null);
          if (owner !== null) uploads.push({ id, key: owner });
        }
        const items = uploads
          .map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.id}</UploadId></Upload>`)
          .join('');
        sendXml(
          res,
          200,
          `<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`,
        );
        return;
      }
      throw new S3Failure(501, 'NotImplemented', `${method} on the bucket is not implemented`);
    }

    if (method === 'POST' && q.has('uploads')) {
      const uploadId = randomBytes(16).toString('hex');
      await mkdir(join(uploadsDir, uploadId));
      await writeFile(join(uploadsDir, uploadId, 'key'), key);
      sendXml(
        res,
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'PUT' && q.has('uploadId')) {
      const dir = await readUpload(q.get('uploadId')!, key);
      const partNumber = Number(q.get('partNumber'));
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
        throw new S3Failure(400, 'InvalidArgument', 'bad partNumber');
      }
      const { md5, size } = await receive(req, join(dir, `part-${partNumber}`));
      await writeFile(join(dir, `part-${partNumber}.meta`), JSON.stringify({ md5, size }));
      res.writeHead(200, { etag: `"${md5}"` }).end();
      return;
    }
    if (method === 'POST' && q.has('uploadId')) {
      const dir = await readUpload(q.get('uploadId')!, key);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const xml = Buffer.concat(chunks).toString('utf8');
      const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
        number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1])?.[1]),
        etag: /<ETag>(?:&quot;|")?([0-9a-f]+)(?:&quot;|")?<\/ETag>/.exec(m[1])?.[1],
      }));
      if (parts.length === 0) throw new S3Failure(400, 'MalformedXML', 'no parts');
      const md5s: Buffer[] = [];
      for (const [i, part] of parts.entries()) {
        if (i > 0 && part.number <= parts[i - 1].number) {
          throw new S3Failure(400, 'InvalidPartOrder', 'parts must be in ascending order');
        }
        const meta = await readFile(join(dir, `part-${part.number}.meta`), 'utf8')
          .then((t) => JSON.parse(t) as { md5: string; size: number })
          .catch(() => null);
        if (!meta || meta.md5 !== part.etag) {
          throw new S3Failure(400, 'InvalidPart', `part ${part.number} was not uploaded`);
        }
        if (i < parts.length - 1 && meta.size < MIN_PART_SIZE) {
          throw new S3Failure(400, 'EntityTooSmall', `part ${part.number} is under 5 MiB`);
        }
        md5s.push(Buffer.from(meta.md5, 'hex'));
      }
      const temp = join(incomingDir, randomBytes(8).toString('hex'));
      try {
        await pipeline(async function* () {
          for (const part of parts) yield* createReadStream(join(dir, `part-${part.number}`));
        }, createWriteStream(temp));
        await rename(temp, objectPath(key));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await rm(dir, { recursive: true, force: true });
      const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
      sendXml(
        res,
        200,
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xmlEscape(key)}</Key><ETag>"${etag}"</ETag></CompleteMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      const dir = await readUpload(q.get('uploadId')!, key);
      await rm(dir, { recursive: true, force: true });
      res.writeHead(204).end();
      return;
    }
    // The SDK names each operation in `x-id`; any other parameter is an unsupported sub-resource.
    const unsupported = [...q.keys()].filter((name) => name !== 'x-id');
    if (unsupported.length > 0) {
      throw new S3Failure(501, 'NotImplemented', `?${unsupported.join('&')} is not implemented`);
    }
    if (method === 'PUT') {
      if ('x-amz-copy-source' in req.headers) throw new S3Failure(501, 'NotImplemented', 'copy');
      const { md5 } = await receive(req, objectPath(key));
      res.writeHead(200, { etag: `"${md5}"` }).end();
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      await getObject(req, res, key, method === 'HEAD');
      return;
    }
    if (method === 'DELETE') {
      await rm(objectPath(key), { force: true });
      res.writeHead(204).end();
      return;
    }
    throw new S3Failure(501, 'NotImplemented', `${method} is not implemented`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const failure =
        error instanceof S3Failure ? error : new S3Failure(500, 'InternalError', String(error));
      // Drain what the client is still sending, or it never reads the answer.
      req.resume();
      if (req.method === 'HEAD') {
        res.writeHead(failure.status).end();
        return;
      }
      sendXml(
        res,
        failure.status,
        `<Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error>`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    async pendingFiles() {
      return readdir(incomingDir);
    },
    async filesHeld() {
      const counts = await Promise.all(
        [objectsDir, uploadsDir, incomingDir].map(async (dir) => (await readdir(dir)).length),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
