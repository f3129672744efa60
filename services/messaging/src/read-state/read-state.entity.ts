import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/** How far one person (contact or staff member) has read one thread. */
@Entity({ name: 'read_states' })
export class ReadStateRow {
  @ExactTokenColumn({ length: 80, primary: true })
  threadId!: string;

  /** `contact:<contactId>` or `staff:<staffUserId>`. */
  @ExactTokenColumn({ length: 80, primary: true })
  readerId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  /** Every item up to this position has been read; it never moves backwards. */
  @Column({ type: 'integer' })
  upToPosition!: number;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
