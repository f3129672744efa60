import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';
import type { RecordKind } from '../thread/thread-id';

/**
 * What messaging knows of billing's invoices, sales' quotes and orders and
 * documents' shared documents, from their events: whose each is and what
 * to call it. Only records the customer can see are published, so a thread
 * about one exists only for records the customer's side can see.
 */
@Entity({ name: 'subjects' })
export class SubjectRow {
  @ExactTokenColumn({ length: 20, primary: true })
  kind!: RecordKind;

  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  /** How people name it: the invoice, quote or order number, the document's title. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  label!: string | null;

  /** The record's last known state (issued, void, sent, accepted, shared, …). */
  @ExactTokenColumn({ length: 20 })
  state!: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
