import { parseRangeHeader } from './range-header';

describe('parseRangeHeader', () => {
  const size = 1000;

  it('sends the whole file without a header', () => {
    expect(parseRangeHeader(undefined, size)).toEqual({ kind: 'whole' });
  });

  it('reads a closed range', () => {
    expect(parseRangeHeader('bytes=0-99', size)).toEqual({
      kind: 'range',
      range: { start: 0, end: 99 },
    });
    expect(parseRangeHeader('Bytes = 10 - 10', size)).toEqual({
      kind: 'range',
      range: { start: 10, end: 10 },
    });
  });

  it('clamps a last position past the end', () => {
    expect(parseRangeHeader('bytes=900-5000', size)).toEqual({
      kind: 'range',
      range: { start: 900, end: 999 },
    });
  });

  it('reads an open range', () => {
    expect(parseRangeHeader('bytes=990-', size)).toEqual({
      kind: 'range',
      range: { start: 990, end: 999 },
    });
  });

  it('reads a suffix, and a suffix longer than the file as all of it', () => {
    expect(parseRangeHeader('bytes=-10', size)).toEqual({
      kind: 'range',
      range: { start: 990, end: 999 },
    });
    expect(parseRangeHeader('bytes=-5000', size)).toEqual({
      kind: 'range',
      range: { start: 0, end: 999 },
    });
  });

  it('finds ranges past the end unsatisfiable', () => {
    expect(parseRangeHeader('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=1000-1001', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRangeHeader('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('sends the whole file for several ranges', () => {
    expect(parseRangeHeader('bytes=0-1, 5-6', size)).toEqual({ kind: 'whole' });
    expect(parseRangeHeader('bytes=0-999,0-999,0-999', size)).toEqual({ kind: 'whole' });
  });

  it.each([
    'bytes=',
    'bytes=-',
    'bytes=5-1',
    'bytes=a-b',
    'bytes=1.5-2',
    'items=0-1',
    '0-1',
    'bytes=99999999999999999999-',
    'bytes=--1',
  ])('ignores the malformed %j', (header) => {
    expect(parseRangeHeader(header, size)).toEqual({ kind: 'whole' });
  });
});
