import { Directive, Field, ObjectType } from 'type-graphql';

/** A postal address as printed on a document. */
export interface PartyAddressValue {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/**
 * A party to a document (the business that issues it, the customer it is
 * for) as it was when the document was issued: stored with the document,
 * never rewritten by later changes.
 */
export interface PartyValue {
  name: string;
  /** The trading name when it differs from the legal name (issuer only). */
  tradingName: string | null;
  taxId: string | null;
  email: string | null;
  address: PartyAddressValue | null;
  /** The recipient's document language (recipient only). */
  locale: string | null;
}

@Directive('@shareable')
@ObjectType({ description: 'A postal address as printed on a business document.' })
export class PartyAddress {
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

// Shared by every subgraph that issues documents (invoices, credit notes, quotes).
@Directive('@shareable')
@ObjectType({
  description:
    'The business issuing a document, or the customer it is for, exactly as printed on it when it was issued.',
})
export class DocumentParty {
  @Field(() => String, { description: 'Legal name (issuer) or company name (recipient).' })
  name!: string;

  @Field(() => String, { nullable: true })
  tradingName!: string | null;

  @Field(() => String, { nullable: true, description: 'Tax or VAT number.' })
  taxId!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => PartyAddress, { nullable: true })
  address!: PartyAddress | null;
}

export function parseParty(json: string | null): PartyValue | null {
  if (!json) return null;
  return JSON.parse(json) as PartyValue;
}

/** Address lines as printed: street lines, then postal code and city, region, country. */
export function addressLines(address: PartyAddressValue | null): string[] {
  if (!address) return [];
  return [
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter(Boolean).join(' '),
    address.region,
    address.country,
  ].filter((line): line is string => Boolean(line));
}

/** The GraphQL shape of a frozen party (JSON column), or null. */
export function documentParty(json: string | null): DocumentParty | null {
  const party = parseParty(json);
  if (!party) return null;
  return {
    name: party.name,
    tradingName: party.tradingName,
    taxId: party.taxId,
    email: party.email,
    address: party.address,
  };
}
