import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, EmailColumn, ExactTokenColumn, RequireScopes } from '@portico/kit';

/** A postal address as printed on documents. */
@ObjectType({ description: 'A postal address as printed on invoices and statements.' })
export class PostalAddress {
  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true, description: 'State, province or county.' })
  region!: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code.' })
  country!: string;
}

/**
 * The customer's profile is partner data of `customers:read`, field by field:
 * its id is a reference every path to the customer already holds, and other
 * subgraphs' fields on Customer carry their own scopes.
 */
@ObjectType({ description: 'A business customer whose contacts use the portal.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'customers' })
export class Customer {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @RequireScopes('customers:read')
  @Field(() => String, { description: 'Legal company name, as on invoices.' })
  @Index('idx_customers_company_name')
  @Column({ type: 'varchar', length: 200 })
  companyName!: string;

  @RequireScopes('customers:read')
  @Field(() => String, { description: 'Name shown in the portal.' })
  @Column({ type: 'varchar', length: 200 })
  displayName!: string;

  @RequireScopes('customers:read')
  @Field(() => String, { description: 'Billing email address.' })
  @EmailColumn()
  email!: string;

  @RequireScopes('customers:read')
  @Field(() => String, { description: 'ISO 4217 currency code the customer is billed in.' })
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @RequireScopes('customers:read')
  @Field(() => String, {
    description: 'BCP 47 language tag for documents and messages (e.g. "en", "es").',
  })
  @ExactTokenColumn({ length: 16 })
  locale!: string;

  @Column({ type: 'varchar', length: 200 })
  billingLine1!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  billingLine2!: string | null;

  @Column({ type: 'varchar', length: 100 })
  billingCity!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  billingRegion!: string | null;

  @Column({ type: 'varchar', length: 20 })
  billingPostalCode!: string;

  @ExactTokenColumn({ length: 2 })
  billingCountry!: string;

  @RequireScopes('customers:read')
  @Field(() => Boolean, {
    description: "Whether the customer's contacts may sign in to the portal.",
  })
  @BooleanColumn()
  portalEnabled!: boolean;

  @RequireScopes('customers:read')
  @Field(() => String, {
    nullable: true,
    description: 'Tax identification number (e.g. a VAT number), as printed on invoices.',
  })
  @Index('idx_customers_tax_id')
  @ExactTokenColumn({ length: 50, nullable: true })
  taxId!: string | null;

  /** Staff-only; exposed through a field resolver that refuses everyone else. */
  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @RequireScopes('customers:read')
  @Field(() => Date, {
    nullable: true,
    description:
      'When staff archived the customer. Archived customers keep their history and their contacts can still sign in and read; nothing new is issued to them.',
  })
  @Column({ type: 'datetime', nullable: true })
  archivedAt!: Date | null;

  @RequireScopes('customers:read')
  @Field(() => Date)
  @Column({ type: 'datetime' })
  createdAt!: Date;

  @RequireScopes('customers:read')
  @Field(() => Date, { nullable: true, description: 'Last change made by staff.' })
  @Column({ type: 'datetime', nullable: true })
  updatedAt!: Date | null;

  @RequireScopes('customers:read')
  @Field(() => Boolean, { description: 'Whether the customer is archived.' })
  get archived(): boolean {
    return this.archivedAt !== null && this.archivedAt !== undefined;
  }

  @RequireScopes('customers:read')
  @Field(() => PostalAddress)
  get billingAddress(): PostalAddress {
    return {
      line1: this.billingLine1,
      line2: this.billingLine2,
      city: this.billingCity,
      region: this.billingRegion,
      postalCode: this.billingPostalCode,
      country: this.billingCountry,
    };
  }
}
