import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

export type ActionPurpose = 'invitation' | 'password-reset';

/**
 * A single-use, expiring token mailed to a person (portal invitation,
 * password reset). Only its SHA-256 is stored; issuing a new one for the same
 * purpose revokes the earlier ones.
 */
@Entity({ name: 'action_tokens' })
@Index('idx_action_tokens_subject', ['subjectKind', 'subjectId', 'purpose'])
export class ActionToken {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 20 })
  purpose!: ActionPurpose;

  @ExactTokenColumn({ length: 16 })
  subjectKind!: string;

  @ExactTokenColumn({ length: 36 })
  subjectId!: string;

  @Index('uq_action_tokens_token_hash', { unique: true })
  @ExactTokenColumn({ length: 64 })
  tokenHash!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  /** Staff user who issued it; null for self-service (password reset). */
  @ExactTokenColumn({ length: 36, nullable: true })
  createdBy!: string | null;
}
