import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Domain events written in the same transaction as the change they describe
 * and published after commit; `publishedAt` stays null until the bus took
 * them, so a crash in between loses nothing.
 */
@Entity({ name: 'outbox' })
export class OutboxEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Index('idx_outbox_created_at')
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Index('idx_outbox_published_at')
  @Column({ type: 'datetime', nullable: true })
  publishedAt!: Date | null;
}

/** Per-name counters for document numbers (INV-2026-00001). */
@Entity({ name: 'number_sequences' })
export class NumberSequence {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'integer' })
  nextValue!: number;
}
