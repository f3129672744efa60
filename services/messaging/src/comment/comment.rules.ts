import { createHash } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { codedError, ErrorCode, type Principal } from '@portico/kit';

/** An expected refusal: BAD_USER_INPUT with the field and a reason code clients can branch on. */
export function refused(message: string, reason: string, field: string): GraphQLError {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field, reason } });
}

export function forbidden(message: string): GraphQLError {
  return codedError(ErrorCode.Forbidden, message);
}

/** The person a principal is, as accounts' Author id; null for partners and the anonymous. */
export function personIdOf(principal: Principal): string | null {
  if (principal.kind === 'contact') return `contact:${principal.contactId}`;
  if (principal.kind === 'staff') return `staff:${principal.staffUserId}`;
  return null;
}

// C0 and C1 control characters but tab and newline (carriage returns are
// folded into newlines first). Plain text only: nothing here is markup.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * A comment's text as stored: line breaks as `\n`, trimmed, not empty, at
 * most `maxChars` code points, no control characters but newline and tab.
 */
export function parseBody(value: string, maxChars: number, field = 'body'): string {
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (!text) throw refused('The comment must not be empty', 'required', field);
  if (CONTROL.test(text)) {
    throw refused(
      'The comment must not contain control characters (newlines and tabs are fine)',
      'control-characters',
      field,
    );
  }
  if ([...text].length > maxChars) {
    throw refused(`The comment must be at most ${maxChars} characters`, 'too-long', field);
  }
  return text;
}

/** A client's idempotency key: 1 to 100 visible ASCII characters (no spaces). */
export function parseIdempotencyKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!/^[\x21-\x7e]{1,100}$/.test(value)) {
    throw refused(
      'clientMutationId must be 1 to 100 visible ASCII characters',
      'invalid',
      'clientMutationId',
    );
  }
  return value;
}

export const MAX_ATTACHMENTS = 10;

/** Document ids, each once, at most MAX_ATTACHMENTS. */
export function parseAttachmentIds(ids: readonly string[] | null | undefined): string[] {
  const unique = [...new Set(ids ?? [])];
  if (unique.length > MAX_ATTACHMENTS) {
    throw refused(
      `At most ${MAX_ATTACHMENTS} documents can be attached`,
      'too-many',
      'attachmentIds',
    );
  }
  return unique;
}

/** What a retried post must repeat exactly: where, what kind, what text, which documents. */
export function contentHash(content: {
  threadId: string;
  kind: string;
  body: string;
  attachmentIds: string[];
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([content.threadId, content.kind, content.body, [...content.attachmentIds]]),
    )
    .digest('hex');
}
