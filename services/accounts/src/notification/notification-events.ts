/**
 * What accounts reads of the events it mails about. Messaging's and
 * documents' payloads arrive over a wire, so each is checked field by field;
 * a payload of the wrong shape mails nobody rather than failing the feed.
 */

export type SubjectKind = 'general' | 'invoice' | 'quote' | 'purchase_order' | 'document';
export type CommentKind = 'message' | 'internal_note' | 'system';
export type CommentAuthor =
  { kind: 'contact'; contactId: string } | { kind: 'staff'; staffUserId: string };

/** messaging's `comment.posted` (schema version 1), as far as notifications need it. */
export interface CommentPosted {
  commentId: string;
  threadId: string;
  customerId: string;
  subject: { kind: SubjectKind; id: string | null; label: string | null };
  kind: CommentKind;
  author: CommentAuthor | null;
  assigneeStaffUserId: string | null;
}

/** documents' `document.shared` (schema version 1), as far as notifications need it. */
export interface DocumentShared {
  documentId: string;
  customerId: string;
  title: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const SUBJECT_KINDS: readonly SubjectKind[] = [
  'general',
  'invoice',
  'quote',
  'purchase_order',
  'document',
];
const COMMENT_KINDS: readonly CommentKind[] = ['message', 'internal_note', 'system'];

function parseAuthor(value: unknown): CommentAuthor | null | undefined {
  if (value === null) return null;
  if (!isObj(value)) return undefined;
  if (value.kind === 'contact' && str(value.contactId)) {
    return { kind: 'contact', contactId: str(value.contactId)! };
  }
  if (value.kind === 'staff' && str(value.staffUserId)) {
    return { kind: 'staff', staffUserId: str(value.staffUserId)! };
  }
  return undefined;
}

export function parseCommentPosted(payload: unknown): CommentPosted | null {
  if (!isObj(payload) || !isObj(payload.subject)) return null;
  const commentId = str(payload.commentId);
  const threadId = str(payload.threadId);
  const customerId = str(payload.customerId);
  const subjectKind = payload.subject.kind as SubjectKind;
  const kind = payload.kind as CommentKind;
  const author = parseAuthor(payload.author);
  if (
    !commentId ||
    !threadId ||
    !customerId ||
    !SUBJECT_KINDS.includes(subjectKind) ||
    !COMMENT_KINDS.includes(kind) ||
    author === undefined
  ) {
    return null;
  }
  return {
    commentId,
    threadId,
    customerId,
    subject: {
      kind: subjectKind,
      id: str(payload.subject.id),
      label: str(payload.subject.label),
    },
    kind,
    author,
    assigneeStaffUserId: str(payload.assigneeStaffUserId),
  };
}

export function parseDocumentShared(payload: unknown): DocumentShared | null {
  if (!isObj(payload)) return null;
  const documentId = str(payload.documentId);
  const customerId = str(payload.customerId);
  const title = str(payload.title);
  if (!documentId || !customerId || !title) return null;
  return { documentId, customerId, title };
}
