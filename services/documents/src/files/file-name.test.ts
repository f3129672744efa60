import { GraphQLError } from 'graphql';
import { checkFileName } from './file-name';

function refusal(name: string, type = 'application/pdf'): { reason: unknown; field: unknown } {
  try {
    checkFileName(name, type);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { extensions } = error as GraphQLError;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    return { reason: extensions.reason, field: extensions.field };
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

describe('checkFileName', () => {
  it('returns the name NFC-normalised', () => {
    const decomposed = 'Re\u0301sume\u0301.pdf';
    expect(checkFileName(decomposed, 'application/pdf')).toBe('R\u00e9sum\u00e9.pdf');
    expect(checkFileName('Facture 2026 (copie).PDF', 'application/pdf')).toBe(
      'Facture 2026 (copie).PDF',
    );
  });

  it('accepts every extension of the declared type', () => {
    expect(checkFileName('photo.jpg', 'image/jpeg')).toBe('photo.jpg');
    expect(checkFileName('photo.JPEG', 'image/jpeg; q=1')).toBe('photo.JPEG');
  });

  it('names the field', () => {
    expect(refusal('').field).toBe('fileName');
  });

  it.each([
    ['', 'EMPTY'],
    [`${'a'.repeat(252)}.pdf`, 'TOO_LONG'],
    [`${'é'.repeat(126)}.pdf`, 'TOO_LONG'],
    ['../etc/passwd.pdf', 'PATH_SEPARATOR'],
    ['reports\\q1.pdf', 'PATH_SEPARATOR'],
    ['a\u0000b.pdf', 'CONTROL_CHARACTER'],
    ['line\nbreak.pdf', 'CONTROL_CHARACTER'],
    ['del\u007f.pdf', 'CONTROL_CHARACTER'],
    ['c1\u0085.pdf', 'CONTROL_CHARACTER'],
    ['invoice\u202efdp.exe.pdf', 'BIDI_CONTROL'],
    ['broken\ud800.pdf', 'INVALID_UNICODE'],
    [' leading.pdf', 'SURROUNDING_SPACE'],
    ['trailing.pdf ', 'SURROUNDING_SPACE'],
    ['.', 'DOT_NAME'],
    ['..', 'DOT_NAME'],
    ['report.pdf.', 'TRAILING_DOT'],
    ['CON.pdf', 'RESERVED_NAME'],
    ['con.pdf', 'RESERVED_NAME'],
    ['nul.tar.pdf', 'RESERVED_NAME'],
    ['Aux .pdf', 'RESERVED_NAME'],
    ['COM1.pdf', 'RESERVED_NAME'],
    ['lpt9.pdf', 'RESERVED_NAME'],
    ['COM\u00b9.pdf', 'RESERVED_NAME'],
    ['report.exe', 'EXTENSION_MISMATCH'],
    ['report.pdf.exe', 'EXTENSION_MISMATCH'],
    ['report', 'EXTENSION_MISMATCH'],
    ['.pdf', 'EXTENSION_MISMATCH'],
    ['picture.png', 'EXTENSION_MISMATCH'],
  ])('refuses %j with %s', (name, reason) => {
    expect(refusal(name).reason).toBe(reason);
  });

  it('accepts names that only look like reserved ones', () => {
    expect(checkFileName('CONTRACT.pdf', 'application/pdf')).toBe('CONTRACT.pdf');
    expect(checkFileName('COM10.pdf', 'application/pdf')).toBe('COM10.pdf');
    expect(checkFileName('my.con.pdf', 'application/pdf')).toBe('my.con.pdf');
  });

  it('accepts a name of exactly 255 bytes', () => {
    const name = `${'a'.repeat(251)}.pdf`;
    expect(checkFileName(name, 'application/pdf')).toBe(name);
  });

  it('checks the extension against text types too', () => {
    expect(checkFileName('data.csv', 'text/csv')).toBe('data.csv');
    expect(refusal('data.txt', 'text/csv').reason).toBe('EXTENSION_MISMATCH');
  });
});
