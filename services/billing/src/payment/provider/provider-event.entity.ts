import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

/** Provider webhook events already processed: each is acted on once, however often it arrives. */
@Entity({ name: 'provider_events' })
export class ProviderEvent {
  @ExactTokenColumn({ length: 100, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 16 })
  provider!: string;

  @ExactTokenColumn({ length: 64 })
  type!: string;

  @Column({ type: 'datetime' })
  receivedAt!: Date;
}
