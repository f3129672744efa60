/** What a thread is about: the customer's general conversation, or one record. */
export const SUBJECT_KINDS = ['general', 'invoice', 'quote', 'purchase_order', 'document'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
/** The records messaging keeps a read model of (every kind but the general conversation). */
export type RecordKind = Exclude<SubjectKind, 'general'>;

export interface ThreadKey {
  kind: SubjectKind;
  /** The record's id; for the general conversation, the customer's id. */
  id: string;
}

const ID_PATTERN = /^[A-Za-z0-9-]{1,36}$/;

/**
 * A thread's id, the same every time for one subject, so a thread can be
 * named (and answered for) before its row exists: `invoice:<invoiceId>`,
 * `general:<customerId>`. A record never changes customer, so the record's
 * id alone fixes the customer too.
 */
export function threadIdOf(key: ThreadKey): string {
  return `${key.kind}:${key.id}`;
}

/** The subject a thread id names, or null when it is no thread id at all. */
export function parseThreadId(threadId: string): ThreadKey | null {
  const at = threadId.indexOf(':');
  if (at < 0) return null;
  const kind = threadId.slice(0, at) as SubjectKind;
  const id = threadId.slice(at + 1);
  if (!(SUBJECT_KINDS as readonly string[]).includes(kind) || !ID_PATTERN.test(id)) return null;
  return { kind, id };
}
