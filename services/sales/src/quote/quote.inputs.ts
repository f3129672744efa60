import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import { Money } from '@portico/commerce';
import { Quote, QuoteLine } from './quote.entity';
import { QuoteDeclineReason } from './quote.status';

@InputType({ description: 'One line of a quote. Amounts are decimal strings.' })
export class QuoteLineInput {
  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'Up to 3 decimals, e.g. "1.5" hours.' })
  quantity!: string;

  @Field(() => String, { description: 'In the quote currency, e.g. "120.00".' })
  unitPrice!: string;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "10".' })
  discountPercent?: string | null;

  @Field(() => String, { nullable: true, description: 'Percent, up to 2 decimals, e.g. "21".' })
  taxPercent?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'The customer may include or leave out this line when accepting (default false).',
  })
  optional?: boolean | null;
}

@InputType()
export class CreateQuoteInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { description: 'ISO 4217, e.g. "EUR".' })
  currency!: string;

  @Field(() => String, { description: 'YYYY-MM-DD: the last day the customer may accept.' })
  expiryDate!: string;

  @Field(() => [QuoteLineInput])
  lines!: QuoteLineInput[];

  @Field(() => String, { nullable: true })
  terms?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@InputType({ description: 'Replaces what is given; lines, when given, replace all lines.' })
export class UpdateDraftQuoteInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  expiryDate?: string | null;

  @Field(() => [QuoteLineInput], { nullable: true })
  lines?: QuoteLineInput[] | null;

  @Field(() => String, { nullable: true })
  terms?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@InputType({
  description:
    'A new revision of a sent quote: its lines and expiry date; terms and notes carry over unless given (null clears them).',
})
export class ReviseQuoteInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'YYYY-MM-DD.' })
  expiryDate!: string;

  @Field(() => [QuoteLineInput])
  lines!: QuoteLineInput[];

  @Field(() => String, { nullable: true })
  terms?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@InputType()
export class QuoteIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType({ description: 'Accept the current revision of a quote.' })
export class AcceptQuoteInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, {
    description: 'The revision being accepted: it must still be the current one.',
  })
  revision!: number;

  @Field(() => String, { description: "The signer's full name." })
  signerName!: string;

  @Field(() => Boolean, { description: 'Must be true: the signer accepts the terms.' })
  acceptTerms!: boolean;

  @Field(() => [ID], {
    nullable: true,
    description: 'The optional lines of that revision to include (none by default).',
  })
  optionalLineIds?: string[] | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => String, { nullable: true, description: 'Your own order reference.' })
  customerReference?: string | null;
}

@InputType({ description: 'Decline the current revision of a quote, saying why.' })
export class DeclineQuoteInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => QuoteDeclineReason)
  reasonCode!: QuoteDeclineReason;

  @Field(() => String, { description: 'The reason in words (required).' })
  reason!: string;
}

@InputType({ description: 'Ask the business to change the current revision; nothing is decided.' })
export class RequestQuoteChangesInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => String)
  comment!: string;
}

@ObjectType()
export class QuotePayload {
  @Field(() => Quote)
  quote!: Quote;
}

@ObjectType()
export class QuotePageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'A page of quotes, newest issue date first (drafts first, for staff).' })
export class QuotePage {
  @Field(() => [Quote])
  nodes!: Quote[];

  @Field(() => QuotePageInfo)
  pageInfo!: QuotePageInfo;
}

@RequireScopes('quotes:read')
@ObjectType({ description: 'Who acted on a quote on the customer side.' })
export class QuoteActor {
  @Field(() => String, { description: '"contact" or "partner".' })
  kind!: string;

  @Field(() => ID, { nullable: true, description: 'The contact, when a contact acted.' })
  contactId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The partner client, when a partner acted.' })
  partnerClientId!: string | null;
}

@RequireScopes('quotes:read')
@ObjectType({ description: 'A line found in both revisions with something changed.' })
export class QuoteLineChange {
  @Field(() => QuoteLine)
  before!: QuoteLine;

  @Field(() => QuoteLine)
  after!: QuoteLine;
}

@RequireScopes('quotes:read')
@ObjectType({
  description:
    'What changed from the previous revision. Lines are matched by description (in order, for repeated descriptions).',
})
export class QuoteRevisionChanges {
  @Field(() => Int)
  previousRevision!: number;

  @Field(() => [QuoteLine])
  linesAdded!: QuoteLine[];

  @Field(() => [QuoteLine])
  linesRemoved!: QuoteLine[];

  @Field(() => [QuoteLineChange])
  linesChanged!: QuoteLineChange[];

  @Field(() => String, {
    nullable: true,
    description: 'The previous expiry date, when it changed.',
  })
  previousExpiryDate!: string | null;

  @Field(() => Boolean)
  expiryDateChanged!: boolean;

  @Field(() => Boolean)
  termsChanged!: boolean;

  @Field(() => String, { nullable: true, description: 'The previous terms, when they changed.' })
  previousTerms!: string | null;

  @Field(() => Boolean)
  notesChanged!: boolean;

  @Field(() => String, { nullable: true, description: 'The previous notes, when they changed.' })
  previousNotes!: string | null;

  @Field(() => Money, { description: 'The previous revision total (required lines).' })
  previousTotal!: Money;

  @Field(() => Money, { description: 'This total minus the previous one.' })
  totalDifference!: Money;
}
