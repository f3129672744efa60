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

  @ExactTokenColumn({ length: 255 })
  passwordHash!: string;

  @ExactTokenColumn({ length: 200 })
  roleList!: string;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  lastSignInAt!: Date | null;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => [StaffRole])
  get roles(): StaffRole[] {
    return parseRoles(this.roleList) as StaffRole[];
  }
}
