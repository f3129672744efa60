import type { ByteRange } from '../storage/file-storage';

/**
 * What to send for a Range header: the whole file (no header, one that is
 * malformed, or several ranges), one range, or 416.
 *
 * Several ranges get the whole file with 200, which RFC 9110 allows (a
 * server may ignore Range): a multipart/byteranges answer is rarely used by
 * clients (download managers and media players ask for one range at a
 * time) and overlapping ranges are a known way to make a server send a
 * file many times over.
 */
export type RangeChoice =
  { kind: 'whole' } | { kind: 'range'; range: ByteRange } | { kind: 'unsatisfiable' };

const WHOLE: RangeChoice = { kind: 'whole' };
const UNSATISFIABLE: RangeChoice = { kind: 'unsatisfiable' };

function position(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** Reads `bytes=a-b`, `bytes=a-` or `bytes=-n` against a file of `size` bytes. */
export function parseRangeHeader(header: string | undefined, size: number): RangeChoice {
  if (header === undefined) return WHOLE;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return WHOLE;
  const specs = match[1].split(',').map((spec) => spec.trim());
  if (specs.length !== 1) return WHOLE;
  const parts = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]);
  if (!parts || (parts[1] === '' && parts[2] === '')) return WHOLE;
  if (parts[1] === '') {
    const suffix = position(parts[2]);
    if (suffix === null) return WHOLE;
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = position(parts[1]);
  if (start === null) return WHOLE;
  let end = size - 1;
  if (parts[2] !== '') {
    const last = position(parts[2]);
    // A last position before the first makes the header invalid: ignored.
    if (last === null || last < start) return WHOLE;
    end = Math.min(last, size - 1);
  }
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'range', range: { start, end } };
}
