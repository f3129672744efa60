import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { FileStorage } from '../src/storage/file-storage';
import { LocalDiskStorage } from '../src/storage/local-disk-storage';
import { MIN_PART_SIZE_BYTES, S3Storage } from '../src/storage/s3-storage';
import { InvalidStorageKeyError, StorageRangeError } from '../src/storage/storage-key';
import { startS3Server } from './s3-server';

const MIB = 1024 * 1024;
const CHUNK = 256 * 1024;

interface Subject {
  storage: FileStorage;
  /** What a failed or finished write may have left behind: temp files, open multipart uploads. */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const subjects: [string, () => Promise<Subject>][] = [
  [
    'local disk',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'portico-local-storage-'));
      const storage = new LocalDiskStorage(root);
      return {
        storage,
        async leftovers() {
          return (await filesUnder(root)).filter((f) => f.includes('~'));
        },
        async dispose() {
          await storage.close();
          await rm(root, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'S3',
    async () => {
      const server = await startS3Server();
      const options = {
        bucket: server.bucket,
        endpoint: server.endpoint,
        region: server.region,
        accessKeyId: server.accessKeyId,
        secretAccessKey: server.secretAccessKey,
        forcePathStyle: true,
      };
      const storage = new S3Storage({ ...options, partSizeBytes: MIN_PART_SIZE_BYTES });
      const inspector = new S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      });
      return {
        storage,
        async leftovers() {
          const listed = await inspector.send(
            new ListMultipartUploadsCommand({ Bucket: options.bucket }),
          );
          const uploads = (listed.Uploads ?? []).map((u) => `upload ${u.Key} ${u.UploadId}`);
          return [...uploads, ...(await server.pendingFiles())];
        },
        async dispose() {
          await storage.close();
          inspector.destroy();
          await server.close();
        },
      };
    },
  ],
];

/** `size` random bytes as a stream of small chunks (never one buffer in memory), and their hash. */
function randomStream(size: number, options: { failAfter?: number; error?: Error } = {}) {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        this.destroy(options.error);
        return;
      }
      if (sent >= size) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(CHUNK, size - sent));
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: hash.digest('hex'), size };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(subjects)('file storage on %s', (_name, makeSubject) => {
  let subject: Subject;
  let storage: FileStorage;

  beforeAll(async () => {
    subject = await makeSubject();
    storage = subject.storage;
  });

  afterAll(async () => {
    await subject?.dispose();
  });

  it.each([
    ['an empty file', 0],
    ['a small file', 1000],
    ['a file of more than two multipart parts', 4 * MIN_PART_SIZE_BYTES + 12_345],
  ])('stores and returns %s byte for byte', async (_label, size) => {
    const key = `round-trip/${size}.bin`;
    const body = randomStream(size);
    await expect(storage.put(key, body.stream)).resolves.toEqual({ size });
    const expected = body.digest();
    await expect(storage.stat(key)).resolves.toEqual({ size });
    const got = await storage.get(key);
    expect(got).not.toBeNull();
    await expect(sha256Of(got!)).resolves.toEqual({ hash: expected, size });
    expect(await subject.leftovers()).toEqual([]);
  });

  it('returns exactly the bytes of a range: first, middle, last, whole', async () => {
    const bytes = randomBytes(10_000);
    await storage.put('ranges/doc.pdf', Readable.from([bytes]), {
      contentType: 'application/pdf',
    });
    for (const [start, end] of [
      [0, 0],
      [1234, 5678],
      [9999, 9999],
      [0, 9999],
    ]) {
      const got = await storage.get('ranges/doc.pdf', { start, end });
      expect((await readAll(got!)).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
  });

  it('refuses a range that reaches past the last byte or is malformed', async () => {
    await storage.put('ranges/short.txt', Readable.from([Buffer.from('0123456789')]));
    for (const range of [
      { start: 5, end: 10 },
      { start: 10, end: 12 },
      { start: 4, end: 3 },
      { start: -1, end: 3 },
      { start: 0.5, end: 3 },
    ]) {
      await expect(storage.get('ranges/short.txt', range)).rejects.toBeInstanceOf(
        StorageRangeError,
      );
    }
  });

  it('answers null for a key that was never stored', async () => {
    await expect(storage.get('missing/never.bin')).resolves.toBeNull();
    await expect(storage.get('missing/never.bin', { start: 0, end: 0 })).resolves.toBeNull();
    await expect(storage.stat('missing/never.bin')).resolves.toBeNull();
    await expect(storage.delete('missing/never.bin')).resolves.toBeUndefined();
  });

  it('forgets a deleted object', async () => {
    await storage.put('deleted/a.txt', Readable.from([Buffer.from('gone soon')]));
    await expect(storage.stat('deleted/a.txt')).resolves.toEqual({ size: 9 });
    await storage.delete('deleted/a.txt');
    await expect(storage.get('deleted/a.txt')).resolves.toBeNull();
    await expect(storage.stat('deleted/a.txt')).resolves.toBeNull();
  });

  it('rejects with the body’s own error and leaves nothing when the body fails midway', async () => {
    const error = new Error('client went away');
    const body = randomStream(20 * MIB, { failAfter: MIN_PART_SIZE_BYTES + 2 * MIB, error });
    await expect(storage.put('failed/upload.bin', body.stream)).rejects.toBe(error);
    await expect(storage.stat('failed/upload.bin')).resolves.toBeNull();
    await expect(storage.get('failed/upload.bin')).resolves.toBeNull();
    expect(await subject.leftovers()).toEqual([]);
  });

  it('keeps the previous object whole when its replacement fails', async () => {
    const first = Buffer.from('version one');
    await storage.put('failed/replaced.txt', Readable.from([first]));
    const error = new Error('cut off');
    const body = randomStream(MIB, { failAfter: 3 * CHUNK, error });
    await expect(storage.put('failed/replaced.txt', body.stream)).rejects.toBe(error);
    const got = await storage.get('failed/replaced.txt');
    expect((await readAll(got!)).toString()).toBe('version one');
    expect(await subject.leftovers()).toEqual([]);
  });

  it('replaces an object atomically: a reader of the old one gets all of it and only it', async () => {
    const key = 'replaced/report.bin';
    const old = randomStream(6 * MIB);
    await storage.put(key, old.stream);
    const oldHash = old.digest();

    const reader = (await storage.get(key))!;
    const oldRead = sha256Of(reader);
    const replacement = randomStream(6 * MIB + 17);
    await storage.put(key, replacement.stream);
    const newHash = replacement.digest();

    await expect(oldRead).resolves.toEqual({ hash: oldHash, size: 6 * MIB });
    await expect(sha256Of((await storage.get(key))!)).resolves.toEqual({
      hash: newHash,
      size: 6 * MIB + 17,
    });
  });

  it('ends two concurrent writes of one key with one of them whole', async () => {
    const a = Buffer.alloc(300_000, 'a');
    const b = Buffer.alloc(200_000, 'b');
    await Promise.all([
      storage.put('raced/key.bin', Readable.from([a.subarray(0, 100_000), a.subarray(100_000)])),
      storage.put('raced/key.bin', Readable.from([b.subarray(0, 100_000), b.subarray(100_000)])),
    ]);
    const got = await readAll((await storage.get('raced/key.bin'))!);
    expect(got.equals(a) || got.equals(b)).toBe(true);
    expect(await subject.leftovers()).toEqual([]);
  });

  it('refuses keys outside the key alphabet before touching anything', async () => {
    for (const key of [
      '',
      '/abs',
      'a//b',
      'a/',
      '../up',
      'a/../b',
      'a/./b',
      'sp ace',
      'a~b',
      'é',
    ]) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    expect(await subject.leftovers()).toEqual([]);
  });
});
