import { ConfigError } from '@portico/kit';
import { LocalDiskStorage } from './local-disk-storage';
import { S3Storage } from './s3-storage';
import { createStorage, readStorageConfig } from './storage.config';

describe('readStorageConfig', () => {
  it('defaults to local disk under ./data/documents', () => {
    expect(readStorageConfig({})).toEqual({ driver: 'local', localDir: './data/documents' });
  });

  it('reads the S3 settings, part size in MiB', () => {
    expect(
      readStorageConfig({
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'docs',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
        S3_PART_SIZE_MB: '16',
      }),
    ).toEqual({
      driver: 's3',
      bucket: 'docs',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      partSizeBytes: 16 * 1024 * 1024,
    });
  });

  it.each([
    [{ STORAGE_DRIVER: 'ftp' }, /STORAGE_DRIVER/],
    [{ STORAGE_DRIVER: 's3' }, /S3_BUCKET/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_PART_SIZE_MB: '4' }, /S3_PART_SIZE_MB/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' }, /go together/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' }, /S3_ENDPOINT/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }, /S3_FORCE_PATH_STYLE/],
  ])('refuses %j', (env, message) => {
    expect(() => readStorageConfig(env)).toThrow(ConfigError);
    expect(() => readStorageConfig(env)).toThrow(message);
  });
});

describe('createStorage', () => {
  it('builds the store the config names', async () => {
    const local = createStorage(readStorageConfig({ STORAGE_LOCAL_DIR: '/srv/portico/files' }));
    expect(local).toBeInstanceOf(LocalDiskStorage);
    expect((local as LocalDiskStorage).rootDir).toBe('/srv/portico/files');
    const s3 = createStorage(readStorageConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'docs' }));
    expect(s3).toBeInstanceOf(S3Storage);
    expect((s3 as S3Storage).bucket).toBe('docs');
    await s3.close();
  });
});
