import {
  buildFederatedSchema,
  parsePrincipal,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { PasswordHasher } from './auth/password-hasher';
import { resolveAuthorReference } from './author/author.reference';
import { Author } from './author/author.type';
import { SignInService } from './auth/sign-in.service';
import type { TokenIssuer } from './auth/token-issuer';
import { ViewerResolver } from './auth/viewer.resolver';
import { resolveContactReference } from './contact/contact.reference';
import { ContactResolver } from './contact/contact.resolver';
import { createAccountsContext, type AccountsContext, type AccountsServices } from './context';
import { resolveCustomerReference } from './customer/customer.reference';
import { CustomerResolver } from './customer/customer.resolver';
import { CustomerService } from './customer/customer.service';
import { PartnerClientService } from './partner/partner-client.service';
import { PartnerClientResolver } from './partner/partner-client.resolver';
import { resolvePartnerClientReference } from './partner/partner-client.reference';
import { StaffUser } from './staff/staff-user.entity';
import { resolveStaffUserReference } from './staff/staff-user.reference';
import type { CounterStore, Database, Outbox } from '@portico/kit';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { ContactAdminService } from './contact/contact-admin.service';
import { CustomerAdminService } from './customer/customer-admin.service';
import { OrganisationResolver } from './organisation/organisation.resolver';
import { OrganisationService } from './organisation/organisation.service';
import { StaffAdminResolver } from './staff/staff-admin.resolver';
import { StaffAdminService } from './staff/staff-admin.service';
import { SignInGuard } from './auth/sign-in-guard';
import { PasswordService } from './auth/password.service';
import { PasswordResolver } from './auth/password.resolver';
import { ActionTokenService } from './contact/action-token.service';
import { ContactAccessService } from './contact/contact-access.service';
import { ContactAccessResolver } from './contact/contact-access.resolver';
import type { MailTransport } from './mail/mail-transport';
import type { AccountsConfig } from './config';
import { SessionService, sessionSubjectOf } from './session/session.service';
import { SessionResolver } from './session/session.resolver';
import { RevocationLog } from './session/revocation-log';
import { NotificationSettingsResolver } from './notification/notification-settings.resolver';
import { NotificationSettingsService } from './notification/notification-settings.service';

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'accounts';

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [
      ViewerResolver,
      SessionResolver,
      PasswordResolver,
      ContactAccessResolver,
      CustomerResolver,
      ContactResolver,
      PartnerClientResolver,
      OrganisationResolver,
      StaffAdminResolver,
      AuditResolver,
      NotificationSettingsResolver,
    ],
    orphanedTypes: [StaffUser, Author],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
      Contact: { __resolveReference: resolveContactReference },
      Author: { __resolveReference: resolveAuthorReference },
      StaffUser: { __resolveReference: resolveStaffUserReference },
      PartnerClient: { __resolveReference: resolvePartnerClientReference },
    } as never,
  });
}

export interface ServiceParts {
  db: Database;
  tokens: TokenIssuer;
  counters: CounterStore;
  mail: MailTransport;
  /** The process's one accounts outbox (started and closed by the server). */
  outbox: Outbox;
  config: Pick<AccountsConfig, 'signInLimits' | 'portal'>;
  onMailError?: (error: unknown) => void;
}

export function createServices(parts: ServiceParts): AccountsServices {
  const { db, tokens, counters, mail, config } = parts;
  const hasher = new PasswordHasher();
  const revocations = new RevocationLog(db);
  const sessions = new SessionService(db, revocations);
  const guard = new SignInGuard(counters, config.signInLimits);
  const actionTokens = new ActionTokenService(db);
  const portal = config.portal;
  const { outbox } = parts;
  const audit = new AuditService(db);
  const contactAccess = new ContactAccessService(
    db,
    hasher,
    revocations,
    audit,
    actionTokens,
    mail,
    {
      portalUrl: portal.url,
      portalName: portal.name,
      invitationTtlMs: portal.invitationTtlMs,
    },
  );
  return {
    outbox,
    audit,
    notificationSettings: new NotificationSettingsService(db, audit),
    organisation: new OrganisationService(db, outbox, audit),
    customerAdmin: new CustomerAdminService(db, outbox, audit),
    contactAdmin: new ContactAdminService(db, audit, revocations, contactAccess),
    staffAdmin: new StaffAdminService(db, hasher, audit, revocations, actionTokens, mail, {
      portalUrl: portal.url,
      portalName: portal.name,
      invitationTtlMs: portal.invitationTtlMs,
    }),
    db,
    tokens,
    hasher,
    sessions,
    signIn: new SignInService(db, hasher, tokens, guard, sessions),
    customers: new CustomerService(db),
    partners: new PartnerClientService(db, tokens, revocations),
    revocations,
    contactAccess,
    passwords: new PasswordService(
      db,
      hasher,
      sessions,
      actionTokens,
      guard,
      mail,
      { portalUrl: portal.url, portalName: portal.name, resetTtlMs: portal.resetTtlMs },
      parts.onMailError ?? (() => undefined),
    ),
  };
}

/**
 * Whether a principal's access token is still honoured: its session for
 * people, its client for partners. The gateway asks before executing, and
 * may remember a yes until `until` (or its own limit) while it follows the
 * revocation log.
 */
export async function principalStatus(
  services: AccountsServices,
  body: unknown,
): Promise<{ active: boolean; until?: number }> {
  const principal = parsePrincipal((body as { principal?: unknown } | null)?.principal);
  if (!principal) return { active: false };
  if (principal.kind === 'anonymous') return { active: true };
  if (principal.kind === 'partner') {
    return {
      active: await services.partners.isActive(principal.clientId, principal.secretGeneration),
    };
  }
  const subject = sessionSubjectOf(principal);
  if (!subject?.sessionId) return { active: false };
  const status = await services.sessions.status(subject.sessionId, subject);
  return status.until
    ? { active: status.active, until: status.until.getTime() }
    : { active: status.active };
}

/** The revocation log, read by gateways: `{ after: number | null, waitMs, follower }`. */
export function readRevocations(services: AccountsServices, body: unknown) {
  const input = (body ?? {}) as { after?: unknown; waitMs?: unknown; follower?: unknown };
  const after =
    typeof input.after === 'number' && Number.isSafeInteger(input.after) && input.after >= 0
      ? input.after
      : null;
  const waitMs = typeof input.waitMs === 'number' && input.waitMs > 0 ? input.waitMs : 0;
  const follower =
    typeof input.follower === 'string' && /^[\w-]{8,64}$/.test(input.follower)
      ? input.follower
      : undefined;
  return services.revocations.read(after, waitMs, follower);
}

export function createContext(services: AccountsServices, meta: RequestMeta): AccountsContext {
  return createAccountsContext(services, meta);
}

export { loadConfig, type AccountsConfig } from './config';
export { openAccountsDatabase } from './db/database';
export { TokenIssuer } from './auth/token-issuer';
export { PasswordHasher } from './auth/password-hasher';
export { seedDemoData, DEMO_SIGN_INS } from './demo/demo-data';
export {
  startAccounts,
  PRINCIPAL_STATUS_PATH,
  REVOCATIONS_PATH,
  type RunningAccounts,
} from './server';
