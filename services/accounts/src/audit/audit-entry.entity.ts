import { ExactTokenColumn } from '@portico/kit';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';

/**
 * One change made to the business's data, written in the transaction of the
 * change: who (principal kind and id), what (action on an entity) and which
 * fields changed, from what to what.
 */
@ObjectType({ description: "One change to the business's data and who made it." })
@Entity({ name: 'audit_entries' })
@Index('idx_audit_entries_occurred_at', ['occurredAt', 'id'])
@Index('idx_audit_entries_entity', ['entityType', 'entityId'])
export class AuditEntry {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Field(() => Date)
  @Column({ type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Field(() => String, { description: 'Who made it: "staff", "contact", "partner" or "system".' })
  @ExactTokenColumn({ length: 16 })
  actorKind!: string;

  @Field(() => String, { nullable: true, description: 'Their id; null for the system.' })
  @ExactTokenColumn({ length: 36, nullable: true })
  actorId!: string | null;

  @Field(() => String, { description: 'What was done, e.g. "customer.update".' })
  @ExactTokenColumn({ length: 64 })
  action!: string;

  @Field(() => String, { description: 'customer, contact, staffUser or organisation.' })
  @ExactTokenColumn({ length: 32 })
  entityType!: string;

  @Field(() => ID)
  @ExactTokenColumn({ length: 36 })
  entityId!: string;

  /** JSON: { field: { from, to } }. */
  @ExactTokenColumn({ type: 'text' })
  changes!: string;
}

@ObjectType({ description: 'A field an audited change set, with its value before and after.' })
export class AuditFieldChange {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true, description: 'JSON of the value before; null if none.' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'JSON of the value after; null if none.' })
  to!: string | null;
}
