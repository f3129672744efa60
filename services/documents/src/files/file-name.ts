import { badInput } from '@portico/commerce';
import { fileTypeOf } from './file-types';

const MAX_NAME_BYTES = 255;

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// Bidirectional formatting characters: "invoice\u202Efdp.exe" displays as
// "invoiceexe.pdf", the classic way to dress one kind of file as another.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// In `u` mode a well-formed surrogate pair is one code point: this matches
// only halves of a pair, which have no UTF-8 form.
const LONE_SURROGATE = /\p{Cs}/u;
// Windows opens a device for these names whatever follows the first dot
// (`CON.tar.gz`) and ignores spaces before it (`NUL .txt`); the superscript
// digits are reserved too.
const RESERVED =
  /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])\s*(\..*)?$/iu;

function refuse(message: string, reason: string): never {
  throw badInput(message, 'fileName', reason);
}

/**
 * The name a document is shown and downloaded under, NFC-normalised, or a
 * BAD_USER_INPUT refusal on field `fileName` whose `reason` names the rule:
 * EMPTY, INVALID_UNICODE, TOO_LONG, PATH_SEPARATOR, CONTROL_CHARACTER,
 * BIDI_CONTROL, SURROUNDING_SPACE, DOT_NAME, TRAILING_DOT, RESERVED_NAME,
 * EXTENSION_MISMATCH. The name must end with an extension of the declared
 * type, so that what the file is called on a user's disk says what it is.
 * The name is never used as a storage key.
 */
export function checkFileName(name: string, declaredType: string): string {
  const type = fileTypeOf(declaredType);
  if (LONE_SURROGATE.test(name)) refuse('The file name is not valid Unicode', 'INVALID_UNICODE');
  const normalised = name.normalize('NFC');
  if (normalised.length === 0) refuse('The file name must not be empty', 'EMPTY');
  if (Buffer.byteLength(normalised, 'utf8') > MAX_NAME_BYTES) {
    refuse(`The file name is longer than ${MAX_NAME_BYTES} bytes`, 'TOO_LONG');
  }
  if (/[/\\]/u.test(normalised)) {
    refuse('The file name must not contain "/" or "\\"', 'PATH_SEPARATOR');
  }
  if (CONTROL.test(normalised)) {
    refuse('The file name must not contain control characters', 'CONTROL_CHARACTER');
  }
  if (BIDI.test(normalised)) {
    refuse('The file name must not contain text direction characters', 'BIDI_CONTROL');
  }
  if (/^\s|\s$/u.test(normalised)) {
    refuse('The file name must not start or end with a space', 'SURROUNDING_SPACE');
  }
  if (normalised === '.' || normalised === '..')
    refuse('The file name must not be "." or ".."', 'DOT_NAME');
  if (normalised.endsWith('.')) refuse('The file name must not end with a dot', 'TRAILING_DOT');
  if (RESERVED.test(normalised)) {
    refuse(
      'The file name is reserved by Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9)',
      'RESERVED_NAME',
    );
  }
  const dot = normalised.lastIndexOf('.');
  // A leading dot starts a hidden name (".pdf"), not an extension.
  const extension = dot > 0 ? normalised.slice(dot + 1).toLowerCase() : '';
  if (!type.extensions.includes(extension)) {
    const expected = type.extensions.map((ext) => `.${ext}`).join(' or ');
    refuse(`A ${type.contentType} file name must end with ${expected}`, 'EXTENSION_MISMATCH');
  }
  return normalised;
}
