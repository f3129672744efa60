import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/** message: from a contact or staff; internal_note: staff only; system: from another service's event. */
export type CommentKindValue = 'message' | 'internal_note' | 'system';

/**
 * One item of a thread's timeline. `position` numbers the thread's items
 * from 1 without gaps, in the order they were written. Bodies are plain
 * text, stored as written (trimmed) and never interpreted as markup.
 */
@Entity({ name: 'comments' })
@Index('uq_comments_position', ['threadId', 'position'], { unique: true })
@Index('uq_comments_idempotency', ['authorId', 'idempotencyKey'], { unique: true })
@Index('idx_comments_customer', ['customerId', 'threadId'])
export class CommentRow {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 80 })
  threadId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @ExactTokenColumn({ length: 16 })
  kind!: CommentKindValue;

  /** `contact:<contactId>` or `staff:<staffUserId>` (accounts' Author id); null for system items. */
  @ExactTokenColumn({ length: 80, nullable: true })
  authorId!: string | null;

  /** Plain text; empty once deleted (the text is kept in the revisions, for staff). */
  @Column({ type: 'text' })
  body!: string;

  /** JSON list of the documents attached (ids of the customer's visible documents). */
  @ExactTokenColumn({ type: 'text' })
  attachmentIdList!: string;

  /** For system items: the event type it shows (invoice.issued, quote.accepted, …). */
  @ExactTokenColumn({ length: 40, nullable: true })
  systemType!: string | null;

  /** For system items: the event it came from. */
  @ExactTokenColumn({ length: 36, nullable: true })
  sourceEventId!: string | null;

  /** The author's client-supplied id that makes a retried post answer the first one. */
  @ExactTokenColumn({ length: 100, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 (hex) of what was first posted under the key: a retry must send the same. */
  @ExactTokenColumn({ length: 64, nullable: true })
  contentHash!: string | null;

  @Column({ type: 'integer' })
  revisionCount!: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  editedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}

/** What a comment said before an edit or its deletion (staff see the history). */
@Entity({ name: 'comment_revisions' })
@Index('uq_comment_revisions', ['commentId', 'revision'], { unique: true })
export class CommentRevisionRow {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  commentId!: string;

  @ExactTokenColumn({ length: 80 })
  threadId!: string;

  /** 1 for the text as first posted, then one more per edit. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  body!: string;

  /** edited or deleted: what replaced this text. */
  @ExactTokenColumn({ length: 10 })
  change!: 'edited' | 'deleted';

  /** When this text stopped being the comment's. */
  @Column({ type: 'datetime', precision: 3 })
  replacedAt!: Date;
}
