import type { Readable } from 'node:stream';

/** Bytes `start` to `end` of an object, both inclusive (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/** What the store knows of an object. */
export interface StoredObjectInfo {
  size: number;
}

/**
 * Where document files live: local disk (the embedded default) or an
 * S3-compatible bucket. Keys are chosen by the documents service (never a
 * client's file name). An object exists only once `put` has stored the
 * whole stream: a stream that fails or is cut off leaves no object and no
 * partial file behind.
 */
export interface FileStorage {
  /**
   * Stores the stream under `key`, reading it at the pace the store writes
   * (memory stays flat whatever the size). Rejects with the stream's own
   * error when the body fails, after removing what was written.
   */
  put(key: string, body: Readable, options?: { contentType?: string }): Promise<StoredObjectInfo>;
  /** The object's bytes (or one range of them); null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  /** The object's size; null when there is no such object. */
  stat(key: string): Promise<StoredObjectInfo | null>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
