import { Column, Entity, Index } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';
import type { SubjectKind } from './thread-id';

/**
 * A conversation of one customer with the business, written on first use
 * (the first comment or system item). Its row is also the lock every write
 * to its timeline takes, which numbers the timeline without gaps and keeps
 * its events in order.
 */
@Entity({ name: 'threads' })
@Index('idx_threads_customer_activity', ['customerId', 'lastActivityAt'])
@Index('idx_threads_waiting', ['waitingSince'])
export class ThreadRow {
  @ExactTokenColumn({ length: 80, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @ExactTokenColumn({ length: 20 })
  subjectKind!: SubjectKind;

  /** The record's id; null for the general conversation. */
  @ExactTokenColumn({ length: 36, nullable: true })
  subjectId!: string | null;

  /** The position of the last item in the timeline (0 before the first). */
  @Column({ type: 'integer' })
  lastPosition!: number;

  /** When anything (internal notes included) was last added: staff's ordering. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastActivityAt!: Date | null;

  /** When something the customer sees was last added: the customer's ordering. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastPublicActivityAt!: Date | null;

  /**
   * Since when the customer has been waiting for the business's reply: the
   * first of the customer's messages after the business last wrote; null
   * when the last message is the business's (or there is none).
   */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  waitingSince!: Date | null;

  @ExactTokenColumn({ length: 36, nullable: true })
  assigneeStaffUserId!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
