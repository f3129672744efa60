import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline, type Readable, Transform } from 'node:stream';
import type { ByteRange, FileStorage, StoredObjectInfo } from './file-storage';
import { assertByteRange, assertStorageKey, StorageRangeError } from './storage-key';

/** S3 refuses smaller parts (except the last one). */
export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;

/**
 * Parts in flight at once. lib-storage holds about (queueSize + 1) parts in
 * memory per upload, so this and the part size bound an upload's memory.
 */
const UPLOAD_QUEUE_SIZE = 2;

export interface S3StorageOptions {
  bucket: string;
  /** For S3-compatible servers (MinIO, Ceph, R2…); AWS when absent. */
  endpoint?: string;
  region: string;
  /** Both or neither: without them the SDK's default credential chain applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`: most self-hosted servers need it. */
  forcePathStyle: boolean;
  partSizeBytes: number;
}

interface S3ServiceError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNoSuchObject(error: unknown): boolean {
  const e = error as S3ServiceError;
  // HeadObject has no body, so a missing bucket is also a bare 404 "NotFound":
  // only GetObject can tell them apart, and there a missing bucket stays an error.
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound';
}

function isRangeNotSatisfiable(error: unknown): boolean {
  const e = error as S3ServiceError;
  return e?.name === 'InvalidRange' || e?.$metadata?.httpStatusCode === 416;
}

/** Objects in one S3 (or S3-compatible) bucket, written by multipart upload. */
export class S3Storage implements FileStorage {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partSizeBytes: number;

  constructor(options: S3StorageOptions) {
    if (
      !Number.isSafeInteger(options.partSizeBytes) ||
      options.partSizeBytes < MIN_PART_SIZE_BYTES
    ) {
      throw new RangeError(`partSizeBytes must be an integer of at least ${MIN_PART_SIZE_BYTES}`);
    }
    if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
      throw new TypeError('accessKeyId and secretAccessKey go together');
    }
    this.bucket = options.bucket;
    this.partSizeBytes = options.partSizeBytes;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId !== undefined && options.secretAccessKey !== undefined
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // The SDK's default (WHEN_SUPPORTED) adds CRC32 headers and, on streamed
      // bodies, aws-chunked trailers that many S3-compatible servers refuse or
      // store as part of the object. Checksums only where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(
    key: string,
    body: Readable,
    options: { contentType?: string } = {},
  ): Promise<StoredObjectInfo> {
    assertStorageKey(key);
    let size = 0;
    let bodyError: unknown;
    body.once('error', (error) => {
      bodyError = error;
    });
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(null, chunk);
      },
    });
    // pipeline (unlike pipe) hands the body's error on to the upload and
    // destroys the body when the upload gives up; the callback only keeps the
    // failure from being unhandled, the upload reports it.
    pipeline(body, counted, () => undefined);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counted, ContentType: options.contentType },
      partSize: this.partSizeBytes,
      queueSize: UPLOAD_QUEUE_SIZE,
      // On failure lib-storage aborts the multipart upload: S3 drops the parts.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      counted.destroy();
      // lib-storage reports the abort's own failure instead of the cause; try
      // once more (NoSuchUpload when it had worked) and keep the cause.
      if (upload.uploadId) {
        await this.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: upload.uploadId,
            }),
          )
          .catch(() => undefined);
      }
      throw bodyError ?? error;
    }
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    assertStorageKey(key);
    if (range) assertByteRange(range);
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    } catch (error) {
      if (isNoSuchObject(error)) return null;
      if (range && isRangeNotSatisfiable(error)) throw new StorageRangeError(range);
      throw error;
    }
    const stream = response.Body as Readable;
    if (range) {
      // S3 shortens a range that runs past the end; the local store refuses it.
      const served = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.ContentRange ?? '');
      if (!served || Number(served[1]) !== range.start || Number(served[2]) !== range.end) {
        stream.destroy();
        throw new StorageRangeError(range, served ? Number(served[3]) : undefined);
      }
    }
    return stream;
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    assertStorageKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNoSuchObject(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    // S3 answers 204 whether or not the object existed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
