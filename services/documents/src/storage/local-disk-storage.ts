import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, FileStorage, StoredObjectInfo } from './file-storage';
import { assertByteRange, assertStorageKey, StorageRangeError } from './storage-key';

/**
 * Marks a file being written. `~` is not allowed in keys, so a temporary file
 * can never be taken for an object, nor an object for a temporary file.
 */
export const LOCAL_TEMP_MARKER = '~upload-';

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

function isMissing(error: unknown): boolean {
  return MISSING.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * Objects as files under one directory (the embedded default). A file
 * appears under its key only by an atomic rename once every byte is on disk,
 * so a reader sees the old file or the new one, never a part of either.
 */
export class LocalDiskStorage implements FileStorage {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.rootDir, ...key.split('/'));
  }

  async put(
    key: string,
    body: Readable,
    _options?: { contentType?: string },
  ): Promise<StoredObjectInfo> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    // Same directory as the target: rename(2) is atomic only within one file system.
    const temp = `${target}${LOCAL_TEMP_MARKER}${randomBytes(8).toString('hex')}`;
    let size = 0;
    let file: FileHandle | undefined;
    try {
      await mkdir(dir, { recursive: true });
      file = await open(temp, 'wx', 0o640);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          callback(null, chunk);
        },
      });
      // The write stream closes the handle when it finishes (a stream that
      // does not close never lets pipeline settle); the bytes are then synced
      // through a second handle before the rename makes them visible.
      await pipeline(body, counter, file.createWriteStream());
      file = undefined;
      file = await open(temp, 'r');
      await file.sync();
      await file.close();
      file = undefined;
      await rename(temp, target);
    } catch (error) {
      await file?.close().catch(() => undefined);
      await rm(temp, { force: true });
      // A body that was not read to the end must not stay open behind us.
      body.destroy();
      throw error;
    }
    await syncDirectory(dir);
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.pathOf(key);
    if (range) assertByteRange(range);
    let file: FileHandle;
    try {
      // Opened before returning: a put that renames a new file over this key
      // afterwards does not change what this reader sees.
      file = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) {
        await file.close();
        return null;
      }
      if (range && range.end >= info.size) {
        throw new StorageRangeError(range, info.size);
      }
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      // A key that names a directory (a prefix of other keys) holds no object.
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') return;
      throw error;
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }
}

/** Makes the rename itself durable, not only the file's bytes. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
