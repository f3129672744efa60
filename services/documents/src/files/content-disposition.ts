// RFC 8187 attr-char: everything else in a filename* value is percent-encoded.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * `attachment; filename="…"; filename*=UTF-8''…` for a document's name.
 * The quoted fallback keeps printable ASCII only (accents dropped where the
 * letter has a plain form, anything else "_"), never a quote, backslash or
 * percent sign (some browsers decode percent escapes in it); the extended
 * value carries the exact name. Control characters are dropped from both, so
 * no header can be split or bent by a name, whatever was stored.
 */
export function contentDisposition(fileName: string): string {
  const clean = fileName
    .replace(/\p{Cs}/gu, '\ufffd')
    // eslint-disable-next-line no-control-regex -- dropping them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/gu, '')
    .normalize('NFC');
  const fallback =
    clean
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\x20-\x7e]|["\\%]/gu, '_')
      .trim() || 'download';
  let encoded = '';
  for (const byte of Buffer.from(clean, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded +=
      byte < 0x80 && ATTR_CHAR.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded || 'download'}`;
}
