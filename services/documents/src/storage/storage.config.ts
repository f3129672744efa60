import {
  ConfigError,
  readBool,
  readEnum,
  readInt,
  readOptionalString,
  readString,
  type Env,
} from '@portico/kit';
import type { FileStorage } from './file-storage';
import { LocalDiskStorage } from './local-disk-storage';
import { S3Storage } from './s3-storage';

export type StorageConfig =
  | { driver: 'local'; localDir: string }
  | {
      driver: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      /** Both or neither: without them the AWS SDK's default credential chain applies. */
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      partSizeBytes: number;
    };

const MIB = 1024 * 1024;

/**
 * `STORAGE_DRIVER=local` (default: files under `STORAGE_LOCAL_DIR`) or `s3`
 * (`S3_BUCKET` required; `S3_ENDPOINT` for S3-compatible servers).
 */
export function readStorageConfig(env: Env): StorageConfig {
  const driver = readEnum(env, 'STORAGE_DRIVER', ['local', 's3'] as const, 'local');
  if (driver === 'local') {
    return { driver, localDir: readString(env, 'STORAGE_LOCAL_DIR', './data/documents') };
  }
  const bucket = readOptionalString(env, 'S3_BUCKET');
  if (!bucket) throw new ConfigError('S3_BUCKET is required when STORAGE_DRIVER=s3');
  const endpoint = readOptionalString(env, 'S3_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw new ConfigError(`S3_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
  }
  const accessKeyId = readOptionalString(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = readOptionalString(env, 'S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or leave both unset for the default credential chain)',
    );
  }
  return {
    driver,
    bucket,
    endpoint,
    region: readString(env, 'S3_REGION', 'us-east-1'),
    accessKeyId,
    secretAccessKey,
    forcePathStyle: readBool(env, 'S3_FORCE_PATH_STYLE', false),
    // S3 refuses parts under 5 MiB; 10,000 parts of 5 GiB is its ceiling.
    partSizeBytes: readInt(env, 'S3_PART_SIZE_MB', 8, { min: 5, max: 5 * 1024 }) * MIB,
  };
}

export function createStorage(config: StorageConfig): FileStorage {
  if (config.driver === 'local') return new LocalDiskStorage(config.localDir);
  return new S3Storage(config);
}
