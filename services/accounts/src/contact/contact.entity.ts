import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, EmailColumn, ExactTokenColumn, RequireScopes } from '@portico/kit';

@ObjectType({ description: 'A person of one customer who may sign in to the portal.' })
@Directive('@key(fields: "id")')
// The people of a customer (names, emails) are personal data: a partner needs
// contacts:read for them, however reached, on top of what leads there.
@RequireScopes('contacts:read')
@Entity({ name: 'contacts' })
export class Contact {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Field(() => ID)
  @Index('idx_contacts_customer_id')
  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { description: 'Sign-in email, stored lower-case; unique among contacts.' })
  @Index('uq_contacts_email', { unique: true })
  @EmailColumn()
  email!: string;

  /** Argon2id PHC string; null until the contact has set a password. */
  @ExactTokenColumn({ length: 255, nullable: true })
  passwordHash!: string | null;

  @Field(() => Boolean, { description: 'Whether this contact may sign in to the portal.' })
  @BooleanColumn()
  portalAccess!: boolean;

  @Field(() => Boolean, {
    description:
      'Whether the contact is mailed when the business replies or shares a document (on by default; the contact or staff may turn it off).',
  })
  // Not the kit's BooleanColumn: existing rows must read true, so the column has a default.
  @Column({ type: 'boolean', width: 1, default: true })
  emailNotifications!: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  lastSignInAt!: Date | null;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'Set when staff disabled the contact; a disabled contact cannot sign in or be invited.',
  })
  @Column({ type: 'datetime', nullable: true })
  disabledAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'Set when staff removed the contact from its customer; a removed contact cannot sign in.',
  })
  /**
   * Set when staff removed the contact from its customer. The row stays so
   * that what the contact did keeps its author; it no longer appears among
   * the customer's contacts and cannot sign in.
   */
  @Column({ type: 'datetime', nullable: true })
  removedAt!: Date | null;
}
