import { Column, Entity, Index } from 'typeorm';
import { EmailColumn, ExactTokenColumn } from '@portico/kit';

/** pending → sent; failed once the sender gave up after its last attempt. */
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/**
 * One notification mail to one person for one event. The row is written in
 * the transaction that applies the event (so the mail exists exactly when
 * the event was applied, once), already rendered in the recipient's
 * language; the sender loop sends it after commit and marks it sent. The
 * unique (eventId, recipient) pair keeps a second row from ever existing.
 */
@Entity({ name: 'notification_deliveries' })
@Index('uq_notification_deliveries_event_recipient', ['eventId', 'recipient'], { unique: true })
@Index('idx_notification_deliveries_due', ['status', 'nextAttemptAt'])
export class NotificationDelivery {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  /** The event this mail is about (its envelope id). */
  @ExactTokenColumn({ length: 36 })
  eventId!: string;

  @ExactTokenColumn({ length: 40 })
  producer!: string;

  @ExactTokenColumn({ length: 64 })
  eventType!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  customerId!: string | null;

  /** `contact:<contactId>` or `staff:<staffUserId>`. */
  @ExactTokenColumn({ length: 80 })
  recipient!: string;

  /** The address when the event was applied. */
  @EmailColumn()
  email!: string;

  @Column({ type: 'varchar', length: 300 })
  mailSubject!: string;

  @Column({ type: 'text' })
  text!: string;

  /** Deterministic (`<eventId.hash@portico>`), so a mail sent twice is recognisably one. */
  @ExactTokenColumn({ length: 200 })
  messageId!: string;

  @ExactTokenColumn({ length: 10 })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  /** When the sender may take the row next: due now, after a back-off, or after a claim's lease. */
  @Column({ type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;
}
