import { Column, Entity } from 'typeorm';
import { BooleanColumn, EmailColumn, ExactTokenColumn } from '@portico/kit';

/**
 * A service's read model of accounts' customers, fed by accounts' events:
 * the service decides with it (is this customer known and active) and freezes
 * the recipient on a document from it, without calling accounts.
 */
@Entity({ name: 'directory_customers' })
export class DirectoryCustomer {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  companyName!: string;

  @Column({ type: 'varchar', length: 200 })
  displayName!: string;

  @EmailColumn()
  email!: string;

  @ExactTokenColumn({ length: 64, nullable: true })
  taxId!: string | null;

  @ExactTokenColumn({ length: 16 })
  locale!: string;

  @ExactTokenColumn({ length: 3 })
  currency!: string;

  /** The billing address as JSON ({ line1, line2, city, region, postalCode, country }). */
  @ExactTokenColumn({ type: 'text' })
  billingAddress!: string;

  @BooleanColumn()
  archived!: boolean;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** The business that issues documents, as accounts' organisation profile last said. */
@Entity({ name: 'directory_organisation' })
export class DirectoryOrganisation {
  /** Always `organisation`: one row. */
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  /** The issuer as JSON (see IssuerSnapshot). */
  @ExactTokenColumn({ type: 'text' })
  profile!: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
