import { registerEnumType } from 'type-graphql';
import type { Quote } from './quote.entity';

export enum QuoteStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  VIEWED = 'VIEWED',
  CHANGES_REQUESTED = 'CHANGES_REQUESTED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  EXPIRED = 'EXPIRED',
  WITHDRAWN = 'WITHDRAWN',
  CONVERTED = 'CONVERTED',
}
registerEnumType(QuoteStatus, {
  name: 'QuoteStatus',
  description:
    'DRAFT (staff only), SENT, VIEWED (sent and opened by a contact), CHANGES_REQUESTED, ACCEPTED, DECLINED, EXPIRED (undecided and the expiry date before today, UTC), WITHDRAWN by the business, CONVERTED to a purchase order.',
});

export enum QuoteDeclineReason {
  PRICE = 'PRICE',
  TIMING = 'TIMING',
  SCOPE = 'SCOPE',
  COMPETITOR = 'COMPETITOR',
  NO_LONGER_NEEDED = 'NO_LONGER_NEEDED',
  OTHER = 'OTHER',
}
registerEnumType(QuoteDeclineReason, {
  name: 'QuoteDeclineReason',
  description: 'Why the customer declined a quote; the decline carries the reason in words too.',
});

export enum QuoteDecisionKind {
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
}
registerEnumType(QuoteDecisionKind, { name: 'QuoteDecisionKind' });

/** Today's date in UTC as YYYY-MM-DD: expiry dates are calendar dates. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function quoteStatus(
  quote: Pick<Quote, 'state' | 'expiryDate' | 'firstViewedAt'>,
  today: string = todayUtc(),
): QuoteStatus {
  switch (quote.state) {
    case 'draft':
      return QuoteStatus.DRAFT;
    case 'withdrawn':
      return QuoteStatus.WITHDRAWN;
    case 'converted':
      return QuoteStatus.CONVERTED;
    case 'accepted':
      return QuoteStatus.ACCEPTED;
    case 'declined':
      return QuoteStatus.DECLINED;
    case 'sent':
    case 'changes_requested':
      if (quote.expiryDate < today) return QuoteStatus.EXPIRED;
      if (quote.state === 'changes_requested') return QuoteStatus.CHANGES_REQUESTED;
      return quote.firstViewedAt ? QuoteStatus.VIEWED : QuoteStatus.SENT;
  }
}

/** SQL for one derived status over alias `q`; `:today` is bound by the caller. */
export function quoteStatusCondition(status: QuoteStatus): string {
  const open = "q.state IN ('sent', 'changes_requested')";
  switch (status) {
    case QuoteStatus.DRAFT:
      return "q.state = 'draft'";
    case QuoteStatus.WITHDRAWN:
      return "q.state = 'withdrawn'";
    case QuoteStatus.CONVERTED:
      return "q.state = 'converted'";
    case QuoteStatus.ACCEPTED:
      return "q.state = 'accepted'";
    case QuoteStatus.DECLINED:
      return "q.state = 'declined'";
    case QuoteStatus.EXPIRED:
      return `(${open} AND q.expiryDate < :today)`;
    case QuoteStatus.CHANGES_REQUESTED:
      return "(q.state = 'changes_requested' AND q.expiryDate >= :today)";
    case QuoteStatus.VIEWED:
      return "(q.state = 'sent' AND q.expiryDate >= :today AND q.firstViewedAt IS NOT NULL)";
    case QuoteStatus.SENT:
      return "(q.state = 'sent' AND q.expiryDate >= :today AND q.firstViewedAt IS NULL)";
  }
}
