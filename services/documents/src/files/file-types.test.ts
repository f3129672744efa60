import { GraphQLError } from 'graphql';
import { FILE_TYPES, normaliseContentType, SNIFF_BYTES, sniffMatches } from './file-types';

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([1, 2, 3, 4]),
  Buffer.from('WEBPVP8 '),
]);
const ZIP = Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function reasonOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { extensions } = error as GraphQLError;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    return extensions.reason;
  }
  throw new Error('expected a refusal');
}

describe('normaliseContentType', () => {
  it('lower-cases and drops parameters', () => {
    expect(normaliseContentType(' Text/CSV; charset=UTF-8 ')).toBe('text/csv');
    expect(normaliseContentType('APPLICATION/PDF')).toBe('application/pdf');
  });

  it('resolves the usual aliases to the canonical type', () => {
    expect(normaliseContentType('image/jpg')).toBe('image/jpeg');
    expect(normaliseContentType('application/csv')).toBe('text/csv');
  });

  it('refuses a type outside the allow-list with a reason', () => {
    expect(reasonOf(() => normaliseContentType('text/html'))).toBe('UNSUPPORTED_TYPE');
    expect(reasonOf(() => normaliseContentType('application/vnd.ms-excel'))).toBe(
      'UNSUPPORTED_TYPE',
    );
    expect(reasonOf(() => normaliseContentType(''))).toBe('UNSUPPORTED_TYPE');
  });

  it('lists every type with at least one extension', () => {
    expect(FILE_TYPES).toHaveLength(12);
    for (const type of FILE_TYPES) expect(type.extensions.length).toBeGreaterThan(0);
  });
});

describe('sniffMatches', () => {
  it.each([
    ['application/pdf', PDF],
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/webp', WEBP],
    [DOCX, ZIP],
    ['application/vnd.oasis.opendocument.spreadsheet', ZIP],
    ['text/plain', Buffer.from('Grüße, 你好\n')],
  ])('accepts %s bytes of that type', (type, bytes) => {
    expect(sniffMatches(type, bytes, true)).toBe(true);
  });

  it.each([
    ['application/pdf', PNG],
    ['image/png', PDF],
    ['image/jpeg', GIF],
    ['image/gif', Buffer.from('GIF90a')],
    ['image/webp', Buffer.concat([Buffer.from('RIFF....WAVE')])],
    [DOCX, PDF],
    ['text/plain', PNG],
  ])('refuses %s declared over other bytes', (type, bytes) => {
    expect(sniffMatches(type, bytes, true)).toBe(false);
  });

  it('refuses a file shorter than its signature', () => {
    expect(sniffMatches('image/png', PNG.subarray(0, 4), true)).toBe(false);
    expect(sniffMatches('application/pdf', Buffer.alloc(0), true)).toBe(false);
  });

  it('refuses text with a NUL byte or invalid UTF-8', () => {
    expect(sniffMatches('text/csv', Buffer.from('a,b\n1,\u0000\n'), true)).toBe(false);
    expect(sniffMatches('text/plain', Buffer.from([0x61, 0xc3, 0x28]), true)).toBe(false);
    expect(sniffMatches('text/plain', Buffer.from([0xed, 0xa0, 0x80]), true)).toBe(false);
  });

  it('accepts a sample cut inside a character, but not a whole file ending there', () => {
    const text = Buffer.from('x'.repeat(SNIFF_BYTES - 1) + 'é');
    const cut = text.subarray(0, SNIFF_BYTES);
    expect(sniffMatches('text/plain', cut, false)).toBe(true);
    expect(sniffMatches('text/plain', cut, true)).toBe(false);
  });

  it('accepts an empty text file', () => {
    expect(sniffMatches('text/plain', Buffer.alloc(0), true)).toBe(true);
  });
});
