import { contentDisposition } from './content-disposition';

describe('contentDisposition', () => {
  it('gives a plain ASCII name as it is in both forms', () => {
    expect(contentDisposition('invoice-2026.pdf')).toBe(
      `attachment; filename="invoice-2026.pdf"; filename*=UTF-8''invoice-2026.pdf`,
    );
  });

  it('drops accents in the fallback and percent-encodes UTF-8 in the extended form', () => {
    expect(contentDisposition('Résumé 2026.pdf')).toBe(
      `attachment; filename="Resume 2026.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf`,
    );
  });

  it('replaces characters without an ASCII form in the fallback', () => {
    expect(contentDisposition('报告.pdf')).toBe(
      `attachment; filename="__.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`,
    );
  });

  it('never puts a quote, backslash, percent sign or control character in the header', () => {
    const value = contentDisposition('a"b\\c%41\r\nSet-Cookie: x=1\u0000.pdf');
    expect(value).toBe(
      `attachment; filename="a_b_c_41Set-Cookie: x=1.pdf"; ` +
        `filename*=UTF-8''a%22b%5Cc%2541Set-Cookie%3A%20x%3D1.pdf`,
    );
    // eslint-disable-next-line no-control-regex -- looking for them is the point
    expect(value).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it("encodes the characters encodeURIComponent would leave (' ( ) *)", () => {
    expect(contentDisposition("it's (final)*.txt")).toContain(
      `filename*=UTF-8''it%27s%20%28final%29%2A.txt`,
    );
  });

  it('survives a lone surrogate and an empty name', () => {
    expect(contentDisposition('x\ud800.pdf')).toContain(`filename*=UTF-8''x%EF%BF%BD.pdf`);
    expect(contentDisposition('')).toBe(
      `attachment; filename="download"; filename*=UTF-8''download`,
    );
  });
});
