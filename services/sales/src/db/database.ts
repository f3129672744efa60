import {
  EVENT_ENTITIES,
  openDatabase,
  type DataSourceParts,
  type Database,
  type DbConfig,
} from '@portico/kit';
import { DirectoryCustomer, DirectoryOrganisation, NumberSequence } from '@portico/commerce';
import { CreateSales1764370000000 } from './migrations/1764370000000-create-sales';
import { Orders1764372000000 } from './migrations/1764372000000-orders';
import { ORDER_ENTITIES } from '../order/order.entity';
import { Quotes1764371000000 } from './migrations/1764371000000-quotes';
import {
  Quote,
  QuoteChangeRequest,
  QuoteDecision,
  QuoteLine,
  QuoteRevision,
} from '../quote/quote.entity';

export const SALES_ENTITIES = [
  DirectoryCustomer,
  DirectoryOrganisation,
  NumberSequence,
  ...EVENT_ENTITIES,
  ...ORDER_ENTITIES,
  Quote,
  QuoteRevision,
  QuoteLine,
  QuoteDecision,
  QuoteChangeRequest,
];
export const SALES_MIGRATIONS = [
  CreateSales1764370000000,
  Quotes1764371000000,
  Orders1764372000000,
];

export function openSalesDatabase(
  config: DbConfig,
  options: Pick<DataSourceParts, 'onQuery' | 'tracing'> = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: SALES_ENTITIES,
    migrations: SALES_MIGRATIONS,
    ...options,
  });
}
