import {
  codedError,
  ErrorCode,
  normalizeEmail,
  type Database,
  type SignedInPrincipal,
} from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { parseRoles, StaffUser } from '../staff/staff-user.entity';
import type { PasswordHasher } from './password-hasher';
import type { SignInGuard } from './sign-in-guard';
import type { SessionService } from '../session/session.service';
import type { IssuedToken, TokenIssuer } from './token-issuer';

/** One normalization for sign-in, lookups and the email columns. */
export { normalizeEmail };

export interface SignInResult extends IssuedToken {
  principal: SignedInPrincipal;
  refreshToken: string;
}

/** One message for every failure: wrong password, unknown email, no portal access. */
function invalidCredentials() {
  return codedError(ErrorCode.InvalidCredentials, 'Email or password is incorrect');
}

/** Why a sign-in was refused, as counted: a bounded set, never the email or the address. */
export type SignInRefusal = 'invalid_credentials' | 'limited' | 'unavailable' | 'error';

function refusalOf(error: unknown): SignInRefusal {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  if (code === ErrorCode.InvalidCredentials) return 'invalid_credentials';
  if (code === ErrorCode.TooManyAttempts) return 'limited';
  if (code === ErrorCode.ServiceUnavailable) return 'unavailable';
  return 'error';
}

export class SignInService {
  /** Told of every refused sign-in (accounts' metrics count them). */
  onRefused: (principal: 'contact' | 'staff', reason: SignInRefusal) => void = () => {};

  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly guard: SignInGuard,
    private readonly sessions: SessionService,
  ) {}

  private async counted<T>(principal: 'contact' | 'staff', attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      this.onRefused(principal, refusalOf(error));
      throw error;
    }
  }

  /** Portal sign-in for a customer's contact. */
  signInContact(email: string, password: string, address: string): Promise<SignInResult> {
    return this.counted('contact', () => this.attemptContact(email, password, address));
  }

  /** Sign-in for the business's own staff (back office). */
  signInStaff(email: string, password: string, address: string): Promise<SignInResult> {
    return this.counted('staff', () => this.attemptStaff(email, password, address));
  }

  private async attemptContact(
    email: string,
    password: string,
    address: string,
  ): Promise<SignInResult> {
    const normalized = normalizeEmail(email);
    await this.guard.admit('contact', normalized, address);
    const contact = await this.db.manager.getRepository(Contact).findOneBy({ email: normalized });
    if (!contact?.passwordHash) {
      await this.hasher.verifyNothing(password);
      throw invalidCredentials();
    }
    const passwordOk = await this.hasher.verify(contact.passwordHash, password);
    if (!passwordOk) throw invalidCredentials();
    await this.guard.succeeded('contact', normalized, address);
    const customer = await this.db.manager
      .getRepository(Customer)
      .findOneBy({ id: contact.customerId });
    if (!contact.portalAccess || contact.disabledAt || !customer?.portalEnabled) {
      throw invalidCredentials();
    }
    return this.startContactSession(contact, address);
  }

  /** Starts a session for a contact whose credentials were just proven. */
  async startContactSession(contact: Contact, address: string): Promise<SignInResult> {
    await this.db.manager
      .getRepository(Contact)
      .update({ id: contact.id }, { lastSignInAt: new Date() });
    const session = await this.sessions.start({ kind: 'contact', id: contact.id }, address);
    const principal: SignedInPrincipal = {
      kind: 'contact',
      contactId: contact.id,
      customerId: contact.customerId,
      sessionId: session.sessionId,
    };
    return {
      principal,
      refreshToken: session.refreshToken,
      ...(await this.tokens.issue(principal)),
    };
  }

  private async attemptStaff(
    email: string,
    password: string,
    address: string,
  ): Promise<SignInResult> {
    const normalized = normalizeEmail(email);
    await this.guard.admit('staff', normalized, address);
    const staff = await this.db.manager.getRepository(StaffUser).findOneBy({ email: normalized });
    if (!staff?.passwordHash) {
      await this.hasher.verifyNothing(password);
      throw invalidCredentials();
    }
    if (!(await this.hasher.verify(staff.passwordHash, password))) throw invalidCredentials();
    await this.guard.succeeded('staff', normalized, address);
    const roles = parseRoles(staff.roleList);
    if (roles.length === 0 || staff.disabledAt) throw invalidCredentials();
    return this.startStaffSession(staff, address);
  }

  /** Starts a session for a staff user whose credentials were just proven. */
  async startStaffSession(staff: StaffUser, address: string): Promise<SignInResult> {
    const roles = parseRoles(staff.roleList);
    await this.db.manager
      .getRepository(StaffUser)
      .update({ id: staff.id }, { lastSignInAt: new Date() });
    const session = await this.sessions.start({ kind: 'staff', id: staff.id }, address);
    const principal: SignedInPrincipal = {
      kind: 'staff',
      staffUserId: staff.id,
      roles,
      sessionId: session.sessionId,
    };
    return {
      principal,
      refreshToken: session.refreshToken,
      ...(await this.tokens.issue(principal)),
    };
  }

  /**
   * A new access token and refresh token for the same session. The person's
   * access is checked again: a contact whose portal access was removed gets
   * no new token.
   */
  async refresh(refreshToken: string): Promise<SignInResult> {
    const { session, refreshToken: next } = await this.sessions.rotate(refreshToken);
    let principal: SignedInPrincipal | null = null;
    if (session.subjectKind === 'contact') {
      const contact = await this.db.manager
        .getRepository(Contact)
        .findOneBy({ id: session.subjectId });
      const customer = contact
        ? await this.db.manager.getRepository(Customer).findOneBy({ id: contact.customerId })
        : null;
      if (contact?.portalAccess && !contact.disabledAt && customer?.portalEnabled) {
        principal = {
          kind: 'contact',
          contactId: contact.id,
          customerId: contact.customerId,
          sessionId: session.id,
        };
      }
    } else {
      const staff = await this.db.manager
        .getRepository(StaffUser)
        .findOneBy({ id: session.subjectId });
      const roles = staff ? parseRoles(staff.roleList) : [];
      if (staff && roles.length > 0 && !staff.disabledAt) {
        principal = { kind: 'staff', staffUserId: staff.id, roles, sessionId: session.id };
      }
    }
    if (!principal) {
      await this.sessions.revoke(session.id, 'access-revoked');
      throw codedError(ErrorCode.InvalidCredentials, 'Refresh token is not valid');
    }
    return { principal, refreshToken: next, ...(await this.tokens.issue(principal)) };
  }
}
