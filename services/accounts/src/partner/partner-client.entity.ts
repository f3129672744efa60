import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { ExactTokenColumn } from '@portico/kit';

@ObjectType({
  description:
    'An API client of a partner (accounting integration, reseller): client-credentials sign-in, limited to its scopes and, optionally, to some customers.',
})
@Directive('@key(fields: "id")')
@Entity({ name: 'partner_clients' })
export class PartnerClient {
  @Field(() => ID, { description: 'The client id used with issuePartnerToken.' })
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** SHA-256 of the secret: secrets are 256 random bits, so a slow hash adds nothing. */
  @ExactTokenColumn({ length: 64 })
  secretHash!: string;

  @ExactTokenColumn({ length: 1000 })
  scopeList!: string;

  /** JSON array of customer ids, or null for every customer. */
  @ExactTokenColumn({ type: 'text', nullable: true })
  customerIdList!: string | null;

  @ExactTokenColumn({ length: 36 })
  createdBy!: string;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the current secret was issued.' })
  @Column({ type: 'datetime' })
  secretIssuedAt!: Date;

  /** 1 for the first secret, one more per rotation; tokens carry it as `gen`. */
  @Column({ type: 'integer', default: 1 })
  secretGeneration!: number;

  /** Tokens of an older secret generation are no longer honoured. */
  @Column({ type: 'integer', default: 1 })
  tokensFromGeneration!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'Set once revoked; a revoked client gets no tokens.',
  })
  @Column({ type: 'datetime', nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  lastTokenAt!: Date | null;

  @Field(() => [String], { description: 'Scopes its tokens carry, e.g. invoices:read.' })
  get scopes(): string[] {
    return this.scopeList.split(' ').filter(Boolean);
  }

  @Field(() => [ID], {
    nullable: true,
    description: 'Customers it may see; null means every customer.',
  })
  get customerIds(): string[] | null {
    return this.customerIdList === null ? null : (JSON.parse(this.customerIdList) as string[]);
  }
}
