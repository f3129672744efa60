import {
  buildFederatedSchema,
  parsePrincipal,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { PasswordHasher } from './auth/password-hasher';
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
import type { CounterStore, Database } from '@portico/kit';
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
    ],
    orphanedTypes: [StaffUser],
    referenceResolvers: {
      Customer: { __resolveReference: resolveCustomerReference },
      Contact: { __resolveReference: resolveContactReference },
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
  config: Pick<AccountsConfig, 'signInLimits' | 'portal'>;
  onMailError?: (error: unknown) => void;
}

export function createServices(parts: ServiceParts): AccountsServices {
  const { db, tokens, counters, mail, config } = parts;
  const hasher = new PasswordHasher();
  const sessions = new SessionService(db);
  const guard = new SignInGuard(counters, config.signInLimits);
  const actionTokens = new ActionTokenService(db);
  const portal = config.portal;
  return {
    db,
    tokens,
    hasher,
    sessions,
    signIn: new SignInService(db, hasher, tokens, guard, sessions),
    customers: new CustomerService(db),
    partners: new PartnerClientService(db, tokens),
    contactAccess: new ContactAccessService(db, hasher, sessions, actionTokens, mail, {
      portalUrl: portal.url,
      portalName: portal.name,
      invitationTtlMs: portal.invitationTtlMs,
    }),
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
 * people, its client for partners. The gateway asks before executing.
 */
export async function isPrincipalActive(
  services: AccountsServices,
  body: unknown,
): Promise<boolean> {
  const principal = parsePrincipal((body as { principal?: unknown } | null)?.principal);
  if (!principal) return false;
  if (principal.kind === 'anonymous') return true;
  if (principal.kind === 'partner') return services.partners.isActive(principal.clientId);
  const subject = sessionSubjectOf(principal);
  return !!subject?.sessionId && services.sessions.isActive(subject.sessionId, subject);
}

export function createContext(services: AccountsServices, meta: RequestMeta): AccountsContext {
  return createAccountsContext(services, meta);
}

export { loadConfig, type AccountsConfig } from './config';
export { openAccountsDatabase } from './db/database';
export { TokenIssuer } from './auth/token-issuer';
export { PasswordHasher } from './auth/password-hasher';
export { seedDemoData, DEMO_SIGN_INS } from './demo/demo-data';
export { startAccounts, PRINCIPAL_STATUS_PATH, type RunningAccounts } from './server';
