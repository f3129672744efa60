import { createHash } from 'node:crypto';
import { badInput } from '../validation/input-rules';

/**
 * At most 60 KiB of image. A logo is printed small on documents; the limit
 * also keeps the base64 mutation well under the gateway's request body limit
 * and the bytes within a BLOB column on MySQL/MariaDB (64 KiB).
 */
export const MAX_LOGO_BYTES = 60 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface Logo {
  bytes: Buffer;
  type: 'image/png' | 'image/jpeg';
  sha256: string;
}

/** The image type its first bytes say, whatever the sender claimed. */
export function sniffImageType(bytes: Buffer): Logo['type'] | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length > png.length && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  return null;
}

/** Decodes and checks a base64 logo: strict base64, size-limited, PNG or JPEG by its bytes. */
export function parseLogo(base64: string, field: string): Logo {
  const text = base64.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw badInput(`${field} must be base64`, field);
  }
  if ((text.length / 4) * 3 > MAX_LOGO_BYTES + 2) {
    throw badInput(`${field} must be at most ${MAX_LOGO_BYTES / 1024} KiB`, field);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_LOGO_BYTES) {
    throw badInput(`${field} must be at most ${MAX_LOGO_BYTES / 1024} KiB`, field);
  }
  const type = sniffImageType(bytes);
  if (!type) throw badInput(`${field} must be a PNG or JPEG image`, field);
  return { bytes, type, sha256: createHash('sha256').update(bytes).digest('hex') };
}
