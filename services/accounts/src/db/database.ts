import {
  EVENT_ENTITIES,
  openDatabase,
  type DataSourceParts,
  type Database,
  type DbConfig,
} from '@portico/kit';
import { AuditEntry } from '../audit/audit-entry.entity';
import { OrganisationProfile } from '../organisation/organisation.entity';
import { CreateEventTables1764335000000 } from './migrations/1764335000000-create-event-tables';
import { BusinessData1764340000000 } from './migrations/1764340000000-business-data';
import { BusinessDataCollation1764360000000 } from './migrations/1764360000000-business-data-collation';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { StaffUser } from '../staff/staff-user.entity';
import { CreateAccounts1764250000000 } from './migrations/1764250000000-create-accounts';
import { CreatePartnerClients1764260000000 } from './migrations/1764260000000-create-partner-clients';
import { PartnerClient } from '../partner/partner-client.entity';
import { RefreshToken, Session } from '../session/session.entity';
import { ActionToken } from '../contact/action-token.entity';
import { PortalAccess1764280000000 } from './migrations/1764280000000-portal-access';
import { Revocation } from '../session/revocation.entity';
import { CreateRevocations1764290000000 } from './migrations/1764290000000-create-revocations';
import { CreateSessions1764270000000 } from './migrations/1764270000000-create-sessions';
import { PartnerSecretGenerations1764291000000 } from './migrations/1764291000000-partner-secret-generations';
import { ExactTokenCollation1764330000000 } from './migrations/1764330000000-exact-token-collation';
import { Notifications1764410000000 } from './migrations/1764410000000-notifications';
import { NotificationDelivery } from '../notification/notification-delivery.entity';

export const ACCOUNTS_ENTITIES = [
  Customer,
  Contact,
  StaffUser,
  PartnerClient,
  Session,
  RefreshToken,
  ActionToken,
  Revocation,
  OrganisationProfile,
  AuditEntry,
  NotificationDelivery,
  ...EVENT_ENTITIES,
];
export const ACCOUNTS_MIGRATIONS = [
  CreateAccounts1764250000000,
  CreatePartnerClients1764260000000,
  CreateSessions1764270000000,
  PortalAccess1764280000000,
  CreateRevocations1764290000000,
  PartnerSecretGenerations1764291000000,
  ExactTokenCollation1764330000000,
  CreateEventTables1764335000000,
  BusinessData1764340000000,
  BusinessDataCollation1764360000000,
  Notifications1764410000000,
];

/** Opens the accounts database and applies pending migrations. */
export function openAccountsDatabase(
  config: DbConfig,
  options: Pick<DataSourceParts, 'onQuery' | 'tracing'> = {},
): Promise<Database> {
  return openDatabase(config, {
    entities: ACCOUNTS_ENTITIES,
    migrations: ACCOUNTS_MIGRATIONS,
    ...options,
  });
}
