import { codedError, ErrorCode, notFoundError, type Database } from '@portico/kit';
import { assertPasswordAcceptable } from '../auth/password-policy';
import type { PasswordHasher } from '../auth/password-hasher';
import { Customer } from '../customer/customer.entity';
import { invitationMail } from '../mail/mail-templates';
import type { MailTransport } from '../mail/mail-transport';
import type { SessionService } from '../session/session.service';
import { invalidToken, type ActionTokenService } from './action-token.service';
import { Contact } from './contact.entity';

export interface PortalLinks {
  /** Base URL of the customer portal's web app, for links in mail. */
  portalUrl: string;
  portalName: string;
  invitationTtlMs: number;
}

function badInput(message: string, field: string) {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field } });
}

/** Staff bring contacts into the portal and take them out again. */
export class ContactAccessService {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly actionTokens: ActionTokenService,
    private readonly mail: MailTransport,
    private readonly links: PortalLinks,
  ) {}

  private async contactOrNotFound(id: string): Promise<Contact> {
    const contact = await this.db.manager.getRepository(Contact).findOneBy({ id });
    if (!contact) throw notFoundError('Contact');
    return contact;
  }

  /** A new invitation; the earlier link stops working. Restores portal access. */
  async reinvite(staffUserId: string, contactId: string): Promise<Contact> {
    const contact = await this.contactOrNotFound(contactId);
    if (contact.disabledAt || contact.removedAt) {
      throw badInput('the contact is disabled', 'contactId');
    }
    const customer = await this.db.manager
      .getRepository(Customer)
      .findOneByOrFail({ id: contact.customerId });
    if (!customer.portalEnabled) throw badInput("the customer's portal is disabled", 'contactId');
    contact.portalAccess = true;
    await this.db.manager.getRepository(Contact).save(contact);
    await this.sendInvitation(contact, customer, staffUserId);
    return contact;
  }

  /** Mails a new single-use invitation; earlier links of the contact stop working. */
  async sendInvitation(contact: Contact, customer: Customer, staffUserId: string) {
    const token = await this.actionTokens.issue(
      'invitation',
      { kind: 'contact', id: contact.id },
      this.links.invitationTtlMs,
      staffUserId,
    );
    const link = `${this.links.portalUrl.replace(/\/$/, '')}/accept-invitation?token=${encodeURIComponent(token)}`;
    await this.mail.send({
      to: contact.email,
      ...invitationMail({
        locale: customer.locale,
        portalName: this.links.portalName,
        contactName: contact.name,
        companyName: customer.companyName,
        link,
        validDays: Math.round(this.links.invitationTtlMs / 86_400_000),
      }),
    });
  }

  /** Sets the password from an invitation link; returns the contact to sign in. */
  async acceptInvitation(token: string, password: string): Promise<Contact> {
    const stored = await this.actionTokens.peek('invitation', token);
    if (stored.subjectKind !== 'contact') throw invalidToken();
    const contact = await this.contactOrNotFound(stored.subjectId);
    assertPasswordAcceptable(password, 'password', contact.email);
    if (contact.disabledAt || contact.removedAt || !contact.portalAccess) throw invalidToken();
    const passwordHash = await this.hasher.hash(password);
    await this.actionTokens.consume(stored);
    await this.db.manager.getRepository(Contact).update({ id: contact.id }, { passwordHash });
    return { ...contact, passwordHash } as Contact;
  }

  /** Ends portal access now: sessions and outstanding links stop working. Re-invite to restore. */
  async revokePortalAccess(contactId: string): Promise<Contact> {
    const contact = await this.contactOrNotFound(contactId);
    contact.portalAccess = false;
    await this.db.manager.getRepository(Contact).save(contact);
    await this.sessions.revokeAll({ kind: 'contact', id: contact.id }, 'access-revoked');
    await this.actionTokens.revokeAll({ kind: 'contact', id: contact.id });
    return contact;
  }

  /** Disables the contact altogether (e.g. they left the company). */
  async disable(contactId: string): Promise<Contact> {
    const contact = await this.revokePortalAccess(contactId);
    contact.disabledAt ??= new Date();
    await this.db.manager.getRepository(Contact).save(contact);
    return contact;
  }
}
