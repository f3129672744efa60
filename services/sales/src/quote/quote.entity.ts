import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';

/** What a quote is, as stored: statuses other than these are derived (viewed, expired). */
export type QuoteState =
  'draft' | 'sent' | 'changes_requested' | 'accepted' | 'declined' | 'withdrawn' | 'converted';

/** A quote still open to a decision: sent, or sent back for changes. */
export const UNDECIDED_STATES: readonly QuoteState[] = ['sent', 'changes_requested'];

/**
 * A quote. Its content lives in revisions; `currentRevision` names the one
 * the customer sees and may decide on, and `issueDate`/`expiryDate` are that
 * revision's, kept here (in the same transaction that writes the revision)
 * so that statuses derived from the date filter in SQL.
 */
@ObjectType({
  description:
    "A quote the business sent a customer: its current revision's lines and totals, its history of revisions, and the customer's decision. Drafts are visible to staff only.",
})
@Directive('@key(fields: "id")')
// Partner data of quotes:read, however reached (the rule follows the type).
@RequireScopes('quotes:read')
@Entity({ name: 'quotes' })
@Index('idx_quotes_customer_issue', ['customerId', 'issueDate'])
export class Quote {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  /** Given when first sent (QUO-YYYY-NNNNN); null while a draft. */
  @Field(() => String, { nullable: true, description: 'QUO-YYYY-NNNNN; null while a draft.' })
  @Index('uq_quotes_number', { unique: true })
  @ExactTokenColumn({ length: 32, nullable: true })
  number!: string | null;

  @ExactTokenColumn({ length: 20 })
  state!: QuoteState;

  @Column({ type: 'integer' })
  currentRevision!: number;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  @ExactTokenColumn({ length: 3 })
  currency!: string;

  /** The current revision's issue date (null while a draft). */
  @ExactTokenColumn({ length: 10, nullable: true })
  issueDate!: string | null;

  /** The current revision's expiry date. */
  @ExactTokenColumn({ length: 10 })
  expiryDate!: string;

  @Column({ type: 'datetime', nullable: true })
  firstViewedAt!: Date | null;

  @ExactTokenColumn({ length: 36, nullable: true })
  firstViewedBy!: string | null;

  /** The purchase order it became (set once, with state 'converted'). */
  @ExactTokenColumn({ length: 36, nullable: true })
  purchaseOrderId!: string | null;

  @Column({ type: 'datetime', nullable: true })
  convertedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;

  @Column({ type: 'datetime' })
  updatedAt!: Date;
}

/**
 * One revision of a quote. Revision 1 is written with the draft; each
 * revision after it is written when staff revise a sent quote. The parties,
 * the issue date and the SHA-256 are set when the revision is sent, and never
 * change afterwards. Totals are those of the required lines; optional lines
 * are summed apart.
 */
@ObjectType({ description: 'One revision of a quote, as the customer was sent it.' })
@RequireScopes('quotes:read')
@Entity({ name: 'quote_revisions' })
@Index('uq_quote_revisions_quote_revision', ['quoteId', 'revision'], { unique: true })
export class QuoteRevision {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  quoteId!: string;

  @Field(() => Int, { description: '1 for the first revision sent, one more per revision.' })
  @Column({ type: 'integer' })
  revision!: number;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null while a draft.' })
  @ExactTokenColumn({ length: 10, nullable: true })
  issueDate!: string | null;

  @Field(() => String, {
    description: 'YYYY-MM-DD: the last day the customer may accept this revision.',
  })
  @ExactTokenColumn({ length: 10 })
  expiryDate!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  terms!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @MinorUnitsColumn()
  subtotalMinor!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  @MinorUnitsColumn()
  totalMinor!: number;

  /** Sum of the optional lines' totals (not in `totalMinor`). */
  @MinorUnitsColumn()
  optionalTotalMinor!: number;

  /** The issuing business as printed when sent (JSON, see PartyValue). */
  @ExactTokenColumn({ type: 'text', nullable: true })
  issuerParty!: string | null;

  /** The customer as printed when sent (JSON, see PartyValue). */
  @ExactTokenColumn({ type: 'text', nullable: true })
  recipientParty!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'SHA-256 (hex) of a canonical serialisation of exactly what the customer sees of this revision; null while a draft.',
  })
  @ExactTokenColumn({ length: 64, nullable: true })
  sha256!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'datetime', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

/**
 * One line of a revision. Quantity in thousandths, discount and tax in basis
 * points, amounts per line rounded half-up (as on invoices). Optional lines
 * are the customer's to include or leave out when accepting.
 */
@ObjectType({ description: 'A line of a quote revision, with its own rounded amounts.' })
@RequireScopes('quotes:read')
@Entity({ name: 'quote_lines' })
export class QuoteLine {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_quote_lines_revision_id')
  @ExactTokenColumn({ length: 36 })
  revisionId!: string;

  @Field(() => Int, { description: '1-based order on the revision.' })
  @Column({ type: 'integer' })
  position!: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 500 })
  description!: string;

  @MinorUnitsColumn()
  quantityMilli!: number;

  @MinorUnitsColumn()
  unitPriceMinor!: number;

  @Column({ type: 'integer' })
  discountBasisPoints!: number;

  @Column({ type: 'integer' })
  taxBasisPoints!: number;

  @Field(() => Boolean, {
    description: 'An optional line: the customer chooses whether to include it when accepting.',
  })
  @BooleanColumn()
  optional!: boolean;

  @MinorUnitsColumn()
  grossMinor!: number;

  @MinorUnitsColumn()
  discountMinor!: number;

  @MinorUnitsColumn()
  taxMinor!: number;

  /** quantity × unit price − discount + tax */
  @MinorUnitsColumn()
  totalMinor!: number;

  /** The quote's currency, set by whoever hands the line to GraphQL (not stored). */
  currency?: string;
}

export type QuoteDecisionKind = 'accepted' | 'declined';
export type QuoteActorKind = 'contact' | 'partner';

/**
 * The customer's decision on a quote: one per quote, whatever arrives at
 * once (the quote's conditional update decides; the unique index on quoteId
 * is the last guard).
 */
@ObjectType({ description: "The customer's decision on a quote: accepted or declined, once." })
@RequireScopes('quotes:read')
@Entity({ name: 'quote_decisions' })
export class QuoteDecision {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('uq_quote_decisions_quote', { unique: true })
  @ExactTokenColumn({ length: 36 })
  quoteId!: string;

  @ExactTokenColumn({ length: 8 })
  kind!: QuoteDecisionKind;

  @Field(() => Int, { description: 'The revision decided on.' })
  @Column({ type: 'integer' })
  revision!: number;

  @ExactTokenColumn({ length: 8 })
  actorKind!: QuoteActorKind;

  /** The contact's id, or the partner client's id. */
  @ExactTokenColumn({ length: 64 })
  actorId!: string;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  decidedAt!: Date;

  /** Where the decision came from, as the gateway saw the client. */
  @ExactTokenColumn({ length: 64, nullable: true })
  clientAddress!: string | null;

  @Field(() => String, { nullable: true, description: "Accepted: the signer's name as typed." })
  @Column({ type: 'varchar', length: 200, nullable: true })
  signerName!: string | null;

  @Field(() => Boolean, { description: 'Accepted: the signer accepted the terms.' })
  @BooleanColumn()
  termsAccepted!: boolean;

  /** JSON list of the optional line ids the customer chose (accepted). */
  @ExactTokenColumn({ type: 'text' })
  optionalLineIds!: string;

  @Field(() => String, { nullable: true, description: "Accepted: the customer's comment." })
  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Accepted: the customer's own order reference.",
  })
  @ExactTokenColumn({ length: 100, nullable: true })
  customerReference!: string | null;

  @ExactTokenColumn({ length: 20, nullable: true })
  reasonCode!: string | null;

  @Field(() => String, {
    name: 'reason',
    nullable: true,
    description: 'Declined: the reason, in words.',
  })
  @Column({ type: 'text', nullable: true })
  reasonText!: string | null;

  @Field(() => String, {
    description: 'SHA-256 (hex) of the exact revision decided on, as it was sent.',
  })
  @ExactTokenColumn({ length: 64 })
  revisionSha256!: string;
}

/** A customer's request for changes: sends the quote back to the business without deciding it. */
@ObjectType({
  description: 'The customer asked for changes to a revision (the quote stays undecided).',
})
@RequireScopes('quotes:read')
@Entity({ name: 'quote_change_requests' })
export class QuoteChangeRequest {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @Index('idx_quote_change_requests_quote')
  @ExactTokenColumn({ length: 36 })
  quoteId!: string;

  @Field(() => Int)
  @Column({ type: 'integer' })
  revision!: number;

  @ExactTokenColumn({ length: 8 })
  actorKind!: QuoteActorKind;

  @ExactTokenColumn({ length: 64 })
  actorId!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  comment!: string;

  @Field(() => Date)
  @Column({ type: 'datetime' })
  requestedAt!: Date;
}
