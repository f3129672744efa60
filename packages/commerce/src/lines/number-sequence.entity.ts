import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/** Per-name counters for document numbers (INV-2026-00001). */
@Entity({ name: 'number_sequences' })
export class NumberSequence {
  @ExactTokenColumn({ length: 32, primary: true })
  name!: string;

  @Column({ type: 'integer' })
  nextValue!: number;
}
