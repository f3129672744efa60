import { openDatabase, type Database, type DbConfig } from '@portico/kit';
import { CreditApplication, CreditNote, CreditNoteLine } from '../credit/credit-note.entity';
import { NumberSequence, OutboxEvent } from '../events/outbox.entity';
import { Invoice, InvoiceLine } from '../invoice/invoice.entity';
import { Payment, PaymentAllocation, Refund } from '../payment/payment.entity';
import { CreateBilling1764300000000 } from './migrations/1764300000000-create-billing';

export const BILLING_ENTITIES = [
  Invoice,
  InvoiceLine,
  Payment,
  PaymentAllocation,
  Refund,
  CreditNote,
  CreditNoteLine,
  CreditApplication,
  OutboxEvent,
  NumberSequence,
];
export const BILLING_MIGRATIONS = [CreateBilling1764300000000];

export function openBillingDatabase(
  config: DbConfig,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
    ...options,
  });
}
