import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import {
  EmailColumn,
  ExactTokenColumn,
  STAFF_ROLES,
  type StaffRole as StaffRoleName,
} from '@portico/kit';

export enum StaffRole {
  ADMIN = 'admin',
  ACCOUNTANT = 'accountant',
  SALES = 'sales',
  SUPPORT = 'support',
}
registerEnumType(StaffRole, {
  name: 'StaffRole',
  description: "What a member of the business's staff may do; ADMIN may do everything.",
});

export enum StaffUserStatus {
  INVITED = 'invited',
  ACTIVE = 'active',
  DISABLED = 'disabled',
}
registerEnumType(StaffUserStatus, {
  name: 'StaffUserStatus',
  description: 'Whether a staff user can sign in.',
});

/** Roles are stored as a comma-separated list in one column: few values, read together. */
export function parseRoles(stored: string): StaffRoleName[] {
  return stored
    .split(',')
    .map((r) => r.trim())
    .filter((r): r is StaffRoleName => (STAFF_ROLES as readonly string[]).includes(r));
}

@ObjectType({ description: "A member of the business's staff." })
@Directive('@key(fields: "id")')
@Entity({ name: 'staff_users' })
export class StaffUser {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String)
  @Index('uq_staff_users_email', { unique: true })
  @EmailColumn()
  email!: string;

  /** Argon2id PHC string; null while the invitation is not accepted. */
  @ExactTokenColumn({ length: 255, nullable: true })
  passwordHash!: string | null;

  @ExactTokenColumn({ length: 200 })
  roleList!: string;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  lastSignInAt!: Date | null;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Set when an admin disabled the user; a disabled user cannot sign in.',
  })
  @Column({ type: 'datetime', nullable: true })
  disabledAt!: Date | null;

  /** The admin who invited this user; null for users created otherwise (demo data). */
  @ExactTokenColumn({ length: 36, nullable: true })
  invitedBy!: string | null;

  @Field(() => StaffUserStatus, {
    description: 'INVITED until the invitation is accepted, then ACTIVE; DISABLED once disabled.',
  })
  get status(): StaffUserStatus {
    if (this.disabledAt) return StaffUserStatus.DISABLED;
    return this.passwordHash ? StaffUserStatus.ACTIVE : StaffUserStatus.INVITED;
  }

  @Field(() => [StaffRole])
  get roles(): StaffRole[] {
    return parseRoles(this.roleList) as StaffRole[];
  }
}
