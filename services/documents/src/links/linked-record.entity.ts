import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';
import type { AttachmentKind } from '../document/document.entity';

/**
 * What documents knows of billing's invoices and sales' quotes and orders,
 * from their events: enough to attach a document to one only when it
 * exists and belongs to the document's customer.
 */
@Entity({ name: 'linked_records' })
export class LinkedRecord {
  @ExactTokenColumn({ length: 20, primary: true })
  kind!: AttachmentKind;

  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @ExactTokenColumn({ length: 32, nullable: true })
  number!: string | null;

  /** The record's last known state (issued, void, sent, accepted, confirmed, …). */
  @ExactTokenColumn({ length: 20 })
  state!: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
