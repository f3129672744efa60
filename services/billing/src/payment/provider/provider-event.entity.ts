import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Provider webhook events already processed: each is acted on once, however often it arrives. */
@Entity({ name: 'provider_events' })
export class ProviderEvent {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'datetime' })
  receivedAt!: Date;
}
