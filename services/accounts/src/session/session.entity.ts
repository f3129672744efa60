import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/**
 * One sign-in: its refresh tokens form one family. Access tokens carry the
 * session id, and the gateway refuses them once the session is revoked.
 */
@ObjectType({ description: 'A signed-in session (a browser or app where you are signed in).' })
@Entity({ name: 'sessions' })
@Index('idx_sessions_subject', ['subjectKind', 'subjectId'])
export class Session {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  /** 'contact' or 'staff'. */
  @ExactTokenColumn({ length: 16 })
  subjectKind!: string;

  @ExactTokenColumn({ length: 36 })
  subjectId!: string;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date, { description: 'Last sign-in or token refresh.' })
  @Column({ type: 'datetime' })
  lastUsedAt!: Date;

  @Field(() => Date, { description: 'The session ends then, however often it is refreshed.' })
  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  /** signed-out, signed-out-everywhere, refresh-token-reuse, access-revoked */
  @ExactTokenColumn({ length: 40, nullable: true })
  revokedReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Address the session was started from.' })
  @ExactTokenColumn({ length: 64, nullable: true })
  clientAddress!: string | null;
}

/** A refresh token, stored as its SHA-256 only. Used once; a second use revokes the session. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_refresh_tokens_session_id')
  @ExactTokenColumn({ length: 36 })
  sessionId!: string;

  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @ExactTokenColumn({ length: 64 })
  tokenHash!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  expiresAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  usedAt!: Date | null;
}
