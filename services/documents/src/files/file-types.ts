import { badInput } from '@portico/commerce';

/** How the first bytes of a file of this type look. */
type Signature =
  | { kind: 'prefix'; bytes: readonly Buffer[] }
  | { kind: 'riff'; form: string }
  | { kind: 'utf8-text' };

export interface FileType {
  /** The canonical content type, lower case, without parameters. */
  contentType: string;
  /** File name extensions (lower case, no dot) that belong to the type; the first is the usual one. */
  extensions: readonly string[];
  /** Served with `; charset=utf-8`. */
  text: boolean;
  signature: Signature;
}

const prefix = (...values: (string | number[])[]): Signature => ({
  kind: 'prefix',
  bytes: values.map((value) =>
    typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value),
  ),
});

/*
 * DOCX, XLSX, PPTX, ODT and ODS are ZIP archives, and they are accepted on the
 * ZIP local-file-header signature alone. Telling one of them from another (or
 * from any ZIP) needs the archive's central directory, which sits at the end
 * of the file, or entries that may come in any order and compressed: checking
 * that while streaming would mean holding the whole file. The check exists to
 * stop bytes of another kind entirely (HTML, scripts, executables, images)
 * passing as a document; a ZIP is never rendered by a browser, and downloads
 * go out as attachments with nosniff and a sandbox CSP whatever they hold.
 */
const ZIP = prefix('PK\x03\x04');

/** Every type a document may have. Anything else is refused. */
export const FILE_TYPES: readonly FileType[] = [
  { contentType: 'application/pdf', extensions: ['pdf'], text: false, signature: prefix('%PDF-') },
  {
    contentType: 'image/png',
    extensions: ['png'],
    text: false,
    signature: prefix([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    contentType: 'image/jpeg',
    extensions: ['jpg', 'jpeg'],
    text: false,
    signature: prefix([0xff, 0xd8, 0xff]),
  },
  {
    contentType: 'image/gif',
    extensions: ['gif'],
    text: false,
    signature: prefix('GIF87a', 'GIF89a'),
  },
  {
    contentType: 'image/webp',
    extensions: ['webp'],
    text: false,
    signature: { kind: 'riff', form: 'WEBP' },
  },
  { contentType: 'text/plain', extensions: ['txt'], text: true, signature: { kind: 'utf8-text' } },
  { contentType: 'text/csv', extensions: ['csv'], text: true, signature: { kind: 'utf8-text' } },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    text: false,
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    text: false,
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    text: false,
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.oasis.opendocument.text',
    extensions: ['odt'],
    text: false,
    signature: ZIP,
  },
  {
    contentType: 'application/vnd.oasis.opendocument.spreadsheet',
    extensions: ['ods'],
    text: false,
    signature: ZIP,
  },
];

/**
 * Other spellings clients send for an accepted type. Not
 * `application/vnd.ms-excel`, which some systems send for `.csv`: it names
 * the binary XLS format, and accepting it would store a CSV under it.
 */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/csv': 'text/csv',
  'text/x-csv': 'text/csv',
};

const BY_TYPE = new Map(FILE_TYPES.map((type) => [type.contentType, type]));

/**
 * How many leading bytes the upload check looks at: every signature fits
 * many times over; for text it is the sample checked for UTF-8 and NUL.
 */
export const SNIFF_BYTES = 4096;

/**
 * The canonical form of a declared content type: lower case, parameters
 * (`; charset=…`) dropped, known aliases resolved. A type outside the
 * allow-list is refused with reason UNSUPPORTED_TYPE.
 */
export function normaliseContentType(input: string): string {
  const bare = input.split(';', 1)[0].trim().toLowerCase();
  const canonical = ALIASES[bare] ?? bare;
  if (!BY_TYPE.has(canonical)) {
    throw badInput(
      `Files of type "${bare.slice(0, 100)}" are not accepted`,
      'contentType',
      'UNSUPPORTED_TYPE',
    );
  }
  return canonical;
}

/** The allow-list entry of a canonical content type (see normaliseContentType). */
export function fileTypeOf(contentType: string): FileType {
  const type = BY_TYPE.get(normaliseContentType(contentType));
  if (!type) throw new Error(`no file type for ${contentType}`);
  return type;
}

function isUtf8Text(bytes: Buffer, isWholeFile: boolean): boolean {
  if (bytes.includes(0)) return false;
  try {
    // Streaming mode keeps an incomplete sequence at the end for later
    // instead of failing: the sample may stop in the middle of a character.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !isWholeFile });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a file's first bytes are what its declared type says.
 * `firstBytes` is the start of the file (at least SNIFF_BYTES of it unless
 * `isWholeFile`); text types must be valid UTF-8 with no NUL byte there.
 */
export function sniffMatches(
  declaredType: string,
  firstBytes: Buffer,
  isWholeFile: boolean,
): boolean {
  const { signature } = fileTypeOf(declaredType);
  switch (signature.kind) {
    case 'prefix':
      return signature.bytes.some(
        (bytes) =>
          firstBytes.length >= bytes.length && firstBytes.subarray(0, bytes.length).equals(bytes),
      );
    case 'riff':
      return (
        firstBytes.length >= 12 &&
        firstBytes.toString('latin1', 0, 4) === 'RIFF' &&
        firstBytes.toString('latin1', 8, 12) === signature.form
      );
    case 'utf8-text':
      return isUtf8Text(firstBytes, isWholeFile);
  }
}
