import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/**
 * One revocation, appended in the transaction that revoked: a session
 * (`session:<id>`), every session of a person (`contact:<id>`, `staff:<id>`)
 * or a partner client (`partner:<id>`). Gateways follow this log to drop
 * what they remember about those principals; the id is their cursor.
 */
@Entity({ name: 'revocations' })
export class Revocation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @ExactTokenColumn({ length: 80 })
  subject!: string;

  /** Milliseconds kept: readers judge how long an id has been missing by it. */
  @Index('idx_revocations_created_at')
  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;
}
