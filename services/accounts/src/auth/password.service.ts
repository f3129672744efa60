import { type Database } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import { invalidToken, type ActionTokenService } from '../contact/action-token.service';
import { Customer } from '../customer/customer.entity';
import { passwordResetMail } from '../mail/mail-templates';
import type { MailTransport } from '../mail/mail-transport';
import type { SessionService, SessionSubject } from '../session/session.service';
import { StaffUser } from '../staff/staff-user.entity';
import type { PasswordHasher } from './password-hasher';
import { assertPasswordAcceptable } from './password-policy';
import type { SignInGuard } from './sign-in-guard';
import { normalizeEmail } from './sign-in.service';
import { codedError, ErrorCode } from '@portico/kit';

export interface PasswordResetOptions {
  portalUrl: string;
  portalName: string;
  resetTtlMs: number;
}

/** Password reset by mailed token, and change of a known password. */
export class PasswordService {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly actionTokens: ActionTokenService,
    private readonly guard: SignInGuard,
    private readonly mail: MailTransport,
    private readonly options: PasswordResetOptions,
    private readonly onMailError: (error: unknown) => void,
  ) {}

  /**
   * Always answers the same way, known email or not. Requests count against
   * the same per-address limits as sign-in attempts. The mail goes out after
   * the answer, so the response time says nothing either.
   */
  async requestReset(email: string, address: string): Promise<void> {
    const normalized = normalizeEmail(email);
    await this.guard.admit('reset', normalized, address);
    void this.sendReset(normalized).catch(this.onMailError);
  }

  private async sendReset(email: string): Promise<void> {
    const contact = await this.db.manager.getRepository(Contact).findOneBy({ email });
    if (!contact || contact.disabledAt || !contact.portalAccess || !contact.passwordHash) return;
    const customer = await this.db.manager
      .getRepository(Customer)
      .findOneBy({ id: contact.customerId });
    const token = await this.actionTokens.issue(
      'password-reset',
      { kind: 'contact', id: contact.id },
      this.options.resetTtlMs,
      null,
    );
    const link = `${this.options.portalUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
    await this.mail.send({
      to: contact.email,
      ...passwordResetMail({
        locale: customer?.locale,
        portalName: this.options.portalName,
        contactName: contact.name,
        link,
        validMinutes: Math.round(this.options.resetTtlMs / 60_000),
      }),
    });
  }

  /** Sets a new password from a reset link; every session of the contact ends. */
  async reset(token: string, newPassword: string): Promise<void> {
    const stored = await this.actionTokens.peek('password-reset', token);
    const contact = await this.db.manager
      .getRepository(Contact)
      .findOneBy({ id: stored.subjectId });
    if (!contact) throw invalidToken();
    assertPasswordAcceptable(newPassword, 'newPassword', contact.email);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.actionTokens.consume(stored);
    await this.db.manager.getRepository(Contact).update({ id: contact.id }, { passwordHash });
    await this.sessions.revokeAll({ kind: 'contact', id: contact.id }, 'password-reset');
  }

  /**
   * Changes a signed-in person's password. The current password is checked
   * under the sign-in attempt limits; other sessions end, this one stays.
   */
  async change(
    subject: SessionSubject,
    currentSessionId: string | undefined,
    currentPassword: string,
    newPassword: string,
    address: string,
  ): Promise<number> {
    const entity = subject.kind === 'contact' ? Contact : StaffUser;
    const person = (await this.db.manager.getRepository(entity).findOneBy({ id: subject.id })) as
      Contact | StaffUser | null;
    if (!person?.passwordHash) throw codedError(ErrorCode.Forbidden, 'No password to change');
    await this.guard.admit(subject.kind, person.email, address);
    if (!(await this.hasher.verify(person.passwordHash, currentPassword))) {
      throw codedError(ErrorCode.InvalidCredentials, 'Current password is incorrect', {
        extensions: { field: 'currentPassword' },
      });
    }
    await this.guard.succeeded(subject.kind, person.email, address);
    assertPasswordAcceptable(newPassword, 'newPassword', person.email);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.db.manager.getRepository(entity).update({ id: subject.id }, { passwordHash });
    const sessions = await this.sessions.listActive(subject);
    let ended = 0;
    for (const session of sessions) {
      if (session.id === currentSessionId) continue;
      await this.sessions.revoke(session.id, 'password-changed');
      ended += 1;
    }
    return ended;
  }
}
