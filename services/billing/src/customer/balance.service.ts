import type { Database } from '@portico/kit';

export interface BalanceFigures {
  currency: string;
  outstandingMinor: number;
  overdueMinor: number;
  unusedCreditsMinor: number;
  unappliedPaymentsMinor: number;
}

/** MySQL returns SUM() as a decimal string, SQLite as a number. */
function minor(value: unknown): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new Error(`balance figure out of range: ${String(value)}`);
  return n;
}

/**
 * A customer's balance per currency in three aggregate queries, each served
 * by an index on the customer (or payment) id: the work does not grow with
 * how many invoices are on screen, and no rows are loaded to be summed in JS.
 */
export class BalanceService {
  constructor(private readonly db: Database) {}

  async forCustomer(customerId: string, today: string): Promise<BalanceFigures[]> {
    const q = (sql: string, params: unknown[]) =>
      this.db.dataSource.query(sql, params) as Promise<Array<Record<string, unknown>>>;
    const due = '(totalMinor - paidMinor - creditedMinor)';
    const [invoices, credits, payments] = await Promise.all([
      q(
        `SELECT currency,
                SUM(CASE WHEN ${due} > 0 THEN ${due} ELSE 0 END) AS outstanding,
                SUM(CASE WHEN ${due} > 0 AND dueDate < ? THEN ${due} ELSE 0 END) AS overdue
           FROM invoices WHERE customerId = ? AND state = 'sent' GROUP BY currency`,
        [today, customerId],
      ),
      q(
        'SELECT currency, SUM(totalMinor - appliedMinor) AS credits FROM credit_notes WHERE customerId = ? GROUP BY currency',
        [customerId],
      ),
      // What is left of each succeeded payment that no invoice holds and no refund returned.
      q(
        `SELECT p.currency,
                SUM(p.amountMinor
                    - COALESCE((SELECT SUM(a.amountMinor) FROM payment_allocations a WHERE a.paymentId = p.id), 0)
                    - COALESCE((SELECT SUM(r.amountMinor) FROM refunds r WHERE r.paymentId = p.id), 0)) AS unapplied
           FROM payments p WHERE p.customerId = ? AND p.state = 'succeeded' GROUP BY p.currency`,
        [customerId],
      ),
    ]);
    const byCurrency = new Map<string, BalanceFigures>();
    const slot = (currency: unknown) => {
      const key = String(currency);
      let entry = byCurrency.get(key);
      if (!entry) {
        entry = {
          currency: key,
          outstandingMinor: 0,
          overdueMinor: 0,
          unusedCreditsMinor: 0,
          unappliedPaymentsMinor: 0,
        };
        byCurrency.set(key, entry);
      }
      return entry;
    };
    for (const row of invoices) {
      slot(row.currency).outstandingMinor = minor(row.outstanding);
      slot(row.currency).overdueMinor = minor(row.overdue);
    }
    for (const row of credits) slot(row.currency).unusedCreditsMinor = minor(row.credits);
    for (const row of payments) slot(row.currency).unappliedPaymentsMinor = minor(row.unapplied);
    return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  }
}
