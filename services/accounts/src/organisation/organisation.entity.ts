import { ExactTokenColumn, EmailColumn } from '@portico/kit';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { PostalAddress } from '../customer/customer.entity';

/** The one row's key: the table holds a single organisation. */
export const ORGANISATION_ROW_ID = 'default';

@ObjectType({
  description:
    'The business that runs this portal, as its invoices and statements name it (the issuer).',
})
@Entity({ name: 'organisation_profile' })
export class OrganisationProfile {
  @ExactTokenColumn({ length: 16, primary: true })
  id!: string;

  @Field(() => String, { description: 'Registered legal name.' })
  @Column({ type: 'varchar', length: 200 })
  legalName!: string;

  @Field(() => String, { nullable: true, description: 'Name the business trades under.' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  tradingName!: string | null;

  @Column({ type: 'varchar', length: 200 })
  addressLine1!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  addressLine2!: string | null;

  @Column({ type: 'varchar', length: 100 })
  addressCity!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  addressRegion!: string | null;

  @Column({ type: 'varchar', length: 20 })
  addressPostalCode!: string;

  @ExactTokenColumn({ length: 2 })
  addressCountry!: string;

  @Field(() => String, { nullable: true, description: 'Tax identification number (e.g. VAT).' })
  @ExactTokenColumn({ length: 50, nullable: true })
  taxId!: string | null;

  @Field(() => String, { description: 'Where customers write for help.' })
  @EmailColumn()
  supportEmail!: string;

  @Field(() => String, { description: 'ISO 4217 currency new customers are billed in.' })
  @ExactTokenColumn({ length: 3 })
  defaultCurrency!: string;

  @Field(() => String, { description: 'BCP 47 language of new customers and documents.' })
  @ExactTokenColumn({ length: 16 })
  defaultLocale!: string;

  @Field(() => String, { description: "The customer portal's public URL." })
  @ExactTokenColumn({ length: 500 })
  portalUrl!: string;

  /** PNG or JPEG bytes, checked by their signature. */
  @Column({ type: 'blob', nullable: true })
  logo!: Buffer | null;

  @ExactTokenColumn({ length: 20, nullable: true })
  logoType!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "SHA-256 (hex) of the logo's bytes; changes whenever the logo does.",
  })
  @ExactTokenColumn({ length: 64, nullable: true })
  logoSha256!: string | null;

  @Column({ type: 'datetime' })
  updatedAt!: Date;

  @ExactTokenColumn({ length: 16 })
  updatedByKind!: string;

  @ExactTokenColumn({ length: 36, nullable: true })
  updatedById!: string | null;

  @Field(() => PostalAddress)
  get address(): PostalAddress {
    return {
      line1: this.addressLine1,
      line2: this.addressLine2,
      city: this.addressCity,
      region: this.addressRegion,
      postalCode: this.addressPostalCode,
      country: this.addressCountry,
    };
  }

  @Field(() => String, {
    nullable: true,
    description: 'The logo as a data: URL (image/png or image/jpeg), ready for an <img> tag.',
  })
  get logoUrl(): string | null {
    if (!this.logo || !this.logoType) return null;
    return `data:${this.logoType};base64,${Buffer.from(this.logo).toString('base64')}`;
  }
}
