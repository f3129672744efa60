import { formatAmount } from '@portico/kit';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The customer's own words quoted into a system item, on a line of their own. */
function quoted(label: string, text: string | null): string {
  return text ? `\n${label}: ${text}` : '';
}

function amount(p: Obj): string | null {
  const minor = p.amountMinor;
  const currency = str(p.currency);
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || !currency) return null;
  try {
    return `${formatAmount(minor, currency)} ${currency}`;
  } catch {
    return null;
  }
}

const STATUS_WORDS: Record<string, string> = {
  confirmed: 'confirmed',
  in_progress: 'in progress',
  shipped: 'shipped',
  partially_shipped: 'partly shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  on_hold: 'on hold',
  closed: 'closed',
};

/**
 * The plain-text line a system item shows for an event (English; clients may
 * render their own text from `systemType`). `label` is the record's number
 * or title. Null: the event shows nothing in the timeline.
 */
export function systemText(type: string, p: Obj, label: string | null): string | null {
  const name = label ? ` ${label}` : '';
  switch (type) {
    case 'invoice.issued':
      return `Invoice${name} was issued.`;
    case 'payment.succeeded': {
      const value = amount(p);
      return value ? `Payment of ${value} received.` : 'Payment received.';
    }
    case 'quote.sent': {
      const revision =
        typeof p.revision === 'number' && p.revision > 1 ? ` (revision ${p.revision})` : '';
      return `Quote${name} was sent${revision}.`;
    }
    case 'quote.accepted': {
      const signer = str(p.signerName);
      return `Quote${name} was accepted${signer ? ` by ${signer}` : ''}.${quoted('Comment', str(p.comment))}`;
    }
    case 'quote.declined':
      return `Quote${name} was declined.${quoted('Reason', str(p.comment))}`;
    case 'quote.changes_requested':
      return `Changes were requested to quote${name}.${quoted('Comment', str(p.comment))}`;
    case 'order.status_changed': {
      const status = str(p.status);
      const words = status ? (STATUS_WORDS[status] ?? status.replace(/_/g, ' ')) : 'updated';
      const sub = isObj(p.subStatus) ? str(p.subStatus.label) : null;
      return `Order${name} is now ${words}${sub ? ` (${sub})` : ''}.`;
    }
    case 'order.shipment_added':
      return `A shipment of order${name} is on its way.`;
    case 'order.shipment_delivered':
      return `A shipment of order${name} was delivered.`;
    case 'document.shared':
      return `Document${label ? ` “${label}”` : ''} was shared.`;
    case 'document.acknowledged': {
      const who = str(p.name);
      const version = typeof p.version === 'number' ? ` (version ${p.version})` : '';
      return `${who ?? 'A contact'} acknowledged the document${version}.`;
    }
    default:
      return null;
  }
}
