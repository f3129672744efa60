import { codedError, ErrorCode, type Database, type SignedInPrincipal } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { parseRoles, StaffUser } from '../staff/staff-user.entity';
import type { PasswordHasher } from './password-hasher';
import type { SignInGuard } from './sign-in-guard';
import type { IssuedToken, TokenIssuer } from './token-issuer';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface SignInResult extends IssuedToken {
  principal: SignedInPrincipal;
}

/** One message for every failure: wrong password, unknown email, no portal access. */
function invalidCredentials() {
  return codedError(ErrorCode.InvalidCredentials, 'Email or password is incorrect');
}

export class SignInService {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly guard: SignInGuard,
  ) {}

  /** Portal sign-in for a customer's contact. */
  async signInContact(email: string, password: string, address: string): Promise<SignInResult> {
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
    if (!contact.portalAccess || !customer?.portalEnabled) throw invalidCredentials();
    await this.db.manager
      .getRepository(Contact)
      .update({ id: contact.id }, { lastSignInAt: new Date() });
    const principal: SignedInPrincipal = {
      kind: 'contact',
      contactId: contact.id,
      customerId: contact.customerId,
    };
    return { principal, ...(await this.tokens.issue(principal)) };
  }

  /** Sign-in for the business's own staff (back office). */
  async signInStaff(email: string, password: string, address: string): Promise<SignInResult> {
    const normalized = normalizeEmail(email);
    await this.guard.admit('staff', normalized, address);
    const staff = await this.db.manager.getRepository(StaffUser).findOneBy({ email: normalized });
    if (!staff) {
      await this.hasher.verifyNothing(password);
      throw invalidCredentials();
    }
    if (!(await this.hasher.verify(staff.passwordHash, password))) throw invalidCredentials();
    await this.guard.succeeded('staff', normalized, address);
    const roles = parseRoles(staff.roleList);
    if (roles.length === 0) throw invalidCredentials();
    await this.db.manager
      .getRepository(StaffUser)
      .update({ id: staff.id }, { lastSignInAt: new Date() });
    const principal: SignedInPrincipal = { kind: 'staff', staffUserId: staff.id, roles };
    return { principal, ...(await this.tokens.issue(principal)) };
  }
}
