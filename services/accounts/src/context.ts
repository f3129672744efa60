import type DataLoader from 'dataloader';
import type { BaseContext, Database, Outbox, RequestMeta } from '@portico/kit';
import type { AuditService } from './audit/audit.service';
import { createAuthorLoader } from './author/author.loaders';
import type { Author } from './author/author.type';
import type { ContactAdminService } from './contact/contact-admin.service';
import type { CustomerAdminService } from './customer/customer-admin.service';
import type { OrganisationService } from './organisation/organisation.service';
import type { StaffAdminService } from './staff/staff-admin.service';
import type { TokenIssuer } from './auth/token-issuer';
import type { PasswordHasher } from './auth/password-hasher';
import type { SignInService } from './auth/sign-in.service';
import { createContactLoaders, type ContactLoaders } from './contact/contact.loaders';
import type { Customer } from './customer/customer.entity';
import { createCustomerLoader } from './customer/customer.loaders';
import type { CustomerService } from './customer/customer.service';
import type { PartnerClientService } from './partner/partner-client.service';
import type { SessionService } from './session/session.service';
import type { RevocationLog } from './session/revocation-log';
import type { ContactAccessService } from './contact/contact-access.service';
import type { PasswordService } from './auth/password.service';
import type { StaffUser } from './staff/staff-user.entity';
import { createStaffUserLoader } from './staff/staff-user.loaders';
import type { NotificationSettingsService } from './notification/notification-settings.service';

/** Long-lived parts, built once per process. */
export interface AccountsServices {
  db: Database;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  signIn: SignInService;
  customers: CustomerService;
  partners: PartnerClientService;
  sessions: SessionService;
  revocations: RevocationLog;
  contactAccess: ContactAccessService;
  passwords: PasswordService;
  /** accounts' one outbox: customer and organisation events, written with their changes. */
  outbox: Outbox;
  audit: AuditService;
  organisation: OrganisationService;
  customerAdmin: CustomerAdminService;
  contactAdmin: ContactAdminService;
  staffAdmin: StaffAdminService;
  notificationSettings: NotificationSettingsService;
}

export interface AccountsContext extends BaseContext {
  services: AccountsServices;
  loaders: {
    customer: DataLoader<string, Customer | null>;
    contacts: ContactLoaders;
    staffUser: DataLoader<string, StaffUser | null>;
    authors: DataLoader<string, Author | null>;
  };
}

export function createAccountsContext(
  services: AccountsServices,
  meta: RequestMeta,
): AccountsContext {
  const { principal } = meta;
  const contacts = createContactLoaders(services.db, principal);
  return {
    ...meta,
    services,
    loaders: {
      customer: createCustomerLoader(services.db, principal),
      contacts,
      staffUser: createStaffUserLoader(services.db, principal),
      authors: createAuthorLoader(services.db, principal, contacts.byId),
    },
  };
}
