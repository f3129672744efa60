import {
  EVENT_ENTITIES,
  openDatabase,
  type DataSourceParts,
  type Database,
  type DbConfig,
} from '@portico/kit';
import { DirectoryCustomer, DirectoryOrganisation, NumberSequence } from '@portico/commerce';
import { CustomerDirectory1764340000000 } from './migrations/1764340000000-customer-directory';
import { KitOutbox1764350000000 } from './migrations/1764350000000-kit-outbox';
import { CreditApplication, CreditNote, CreditNoteLine } from '../credit/credit-note.entity';
import { Invoice, InvoiceLine } from '../invoice/invoice.entity';
import { Payment, PaymentAllocation, Refund } from '../payment/payment.entity';
import { CreateBilling1764300000000 } from './migrations/1764300000000-create-billing';
import { OnlinePayments1764310000000 } from './migrations/1764310000000-online-payments';
import { SandboxCharge } from '../payment/provider/sandbox-provider';
import { ProviderEvent } from '../payment/provider/provider-event.entity';
import { ProviderEvents1764320000000 } from './migrations/1764320000000-provider-events';
import { ExactTokenCollation1764330000000 } from './migrations/1764330000000-exact-token-collation';
import { SalesLinks1764380000000 } from './migrations/1764380000000-sales-links';
import { SalesInvoiceRequest, SalesOrder } from '../sales/sales-links.entity';

export const BILLING_ENTITIES = [
  Invoice,
  InvoiceLine,
  Payment,
  PaymentAllocation,
  Refund,
  CreditNote,
  CreditNoteLine,
  CreditApplication,
  NumberSequence,
  SandboxCharge,
  ProviderEvent,
  DirectoryCustomer,
  DirectoryOrganisation,
  SalesOrder,
  SalesInvoiceRequest,
  ...EVENT_ENTITIES,
];
export const BILLING_MIGRATIONS = [
  CreateBilling1764300000000,
  OnlinePayments1764310000000,
  ProviderEvents1764320000000,
  ExactTokenCollation1764330000000,
  CustomerDirectory1764340000000,
  KitOutbox1764350000000,
  SalesLinks1764380000000,
];

export function openBillingDatabase(
  config: DbConfig,
  options: Pick<DataSourceParts, 'onQuery' | 'tracing'> = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
    ...options,
  });
}
