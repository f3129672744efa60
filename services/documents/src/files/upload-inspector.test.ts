import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GraphQLError } from 'graphql';
import { SNIFF_BYTES } from './file-types';
import { inspectUpload, type UploadLimits } from './upload-inspector';

const PDF_HEAD = Buffer.from('%PDF-1.7\n');

/** Runs chunks through an inspector; what came out, and the error if any. */
async function run(
  chunks: Buffer[],
  options: UploadLimits & { declaredType: string },
): Promise<{ out: Buffer; error: GraphQLError | null; summary: unknown; passed: number[] }> {
  const inspector = inspectUpload(options);
  const received: Buffer[] = [];
  const passed: number[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      passed.push(chunk.length);
      callback();
    },
  });
  let error: GraphQLError | null = null;
  try {
    await pipeline(Readable.from(chunks), inspector, sink);
  } catch (caught) {
    error = caught as GraphQLError;
  }
  return {
    out: Buffer.concat(received),
    error,
    summary: error ? null : inspector.summary(),
    passed,
  };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('inspectUpload', () => {
  it('passes every byte on and reports size and SHA-256', async () => {
    const file = Buffer.concat([PDF_HEAD, Buffer.alloc(100_000, 7)]);
    const chunks = [file.subarray(0, 3), file.subarray(3, 5000), file.subarray(5000)];
    const result = await run(chunks, { maxBytes: 1_000_000, declaredType: 'application/pdf' });
    expect(result.error).toBeNull();
    expect(result.out.equals(file)).toBe(true);
    expect(result.summary).toEqual({ size: file.length, sha256: sha256(file) });
  });

  it('holds the head back until enough bytes arrived to check it', async () => {
    const file = Buffer.concat([PDF_HEAD, Buffer.alloc(3 * SNIFF_BYTES, 1)]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < file.length; at += 1000) chunks.push(file.subarray(at, at + 1000));
    const result = await run(chunks, { maxBytes: file.length, declaredType: 'application/pdf' });
    // The first piece out is the checked head (at least SNIFF_BYTES), then chunks as they come.
    expect(result.passed[0]).toBeGreaterThanOrEqual(SNIFF_BYTES);
    expect(result.passed.slice(1).every((length) => length <= 1000)).toBe(true);
    expect(result.out.equals(file)).toBe(true);
  });

  it('checks a file shorter than the head as a whole file', async () => {
    const result = await run([Buffer.from('a,b\n1,2\n')], {
      maxBytes: 100,
      declaredType: 'text/csv',
    });
    expect(result.out.toString()).toBe('a,b\n1,2\n');
    expect(result.summary).toEqual({ size: 8, sha256: sha256(Buffer.from('a,b\n1,2\n')) });
  });

  it('accepts a file of exactly the limit', async () => {
    const file = Buffer.concat([PDF_HEAD, Buffer.alloc(991)]);
    const result = await run([file], { maxBytes: 1000, declaredType: 'application/pdf' });
    expect(result.error).toBeNull();
    expect(result.summary).toMatchObject({ size: 1000 });
  });

  it('refuses the chunk that would pass the limit and passes none of it on', async () => {
    const head = Buffer.concat([PDF_HEAD, Buffer.alloc(SNIFF_BYTES)]);
    const result = await run([head, Buffer.alloc(500), Buffer.alloc(500)], {
      maxBytes: head.length + 600,
      declaredType: 'application/pdf',
    });
    expect(result.error).toBeInstanceOf(GraphQLError);
    expect(result.error!.extensions).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'FILE_TOO_LARGE',
      limit: head.length + 600,
    });
    expect(result.out.length).toBeLessThanOrEqual(head.length + 600);
    expect(result.out.length).toBe(head.length + 500);
  });

  it('says QUOTA_EXCEEDED when the quota left is the tighter limit', async () => {
    const result = await run([Buffer.concat([PDF_HEAD, Buffer.alloc(200)])], {
      maxBytes: 1000,
      remainingQuota: 100,
      declaredType: 'application/pdf',
    });
    expect(result.error!.extensions).toMatchObject({ reason: 'QUOTA_EXCEEDED', limit: 100 });
    expect(result.out.length).toBe(0);
  });

  it('refuses bytes of another type before passing any of them on', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const result = await run([png, Buffer.alloc(2 * SNIFF_BYTES)], {
      maxBytes: 1_000_000,
      declaredType: 'application/pdf',
    });
    expect(result.error!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'FILE_TYPE_MISMATCH',
    });
    expect(result.out.length).toBe(0);
  });

  it('refuses a short file of another type at its end', async () => {
    const result = await run([Buffer.from('not a pdf')], {
      maxBytes: 100,
      declaredType: 'application/pdf',
    });
    expect(result.error!.extensions.reason).toBe('FILE_TYPE_MISMATCH');
    expect(result.out.length).toBe(0);
  });

  it('refuses text with a NUL byte in the head', async () => {
    const result = await run([Buffer.from('hello\u0000world')], {
      maxBytes: 100,
      declaredType: 'text/plain',
    });
    expect(result.error!.extensions.reason).toBe('FILE_TYPE_MISMATCH');
  });

  it('has no summary before the end', () => {
    const inspector = inspectUpload({ maxBytes: 10, declaredType: 'application/pdf' });
    expect(() => inspector.summary()).toThrow('not finished');
    inspector.destroy();
  });
});
