import {
  codedError,
  ErrorCode,
  forUpdate,
  notFoundError,
  revocationSubject,
  type Database,
} from '@portico/kit';
import { diff, type AuditActor, type AuditService } from '../audit/audit.service';
import { assertPasswordAcceptable } from '../auth/password-policy';
import type { PasswordHasher } from '../auth/password-hasher';
import { Customer } from '../customer/customer.entity';
import { invitationMail } from '../mail/mail-templates';
import type { MailTransport } from '../mail/mail-transport';
import type { RevocationLog } from '../session/revocation-log';
import { endSessionsAndLinks } from '../session/session.service';
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
    private readonly revocations: RevocationLog,
    private readonly audit: AuditService,
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
  async reinvite(actor: AuditActor, staffUserId: string, contactId: string): Promise<Contact> {
    const { contact, customer } = await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(Contact);
      const current = await repo.findOne({ where: { id: contactId }, ...forUpdate(manager) });
      if (!current) throw notFoundError('Contact');
      if (current.disabledAt || current.removedAt) {
        throw badInput('the contact is disabled', 'contactId');
      }
      const customer = await manager
        .getRepository(Customer)
        .findOneByOrFail({ id: current.customerId });
      if (!customer.portalEnabled) {
        throw badInput("the customer's portal is disabled", 'contactId');
      }
      const next = repo.create({ ...current, portalAccess: true });
      await repo.save(next);
      await this.audit.record(manager, actor, {
        action: 'contact.invite',
        entityType: 'contact',
        entityId: contactId,
        changes: diff(auditedContact(current), auditedContact(next)),
      });
      return { contact: next, customer };
    });
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
  revokePortalAccess(actor: AuditActor, contactId: string): Promise<Contact> {
    return this.endAccess(actor, contactId, 'contact.revokePortalAccess', false);
  }

  /** Disables the contact altogether (e.g. they left the company). */
  disable(actor: AuditActor, contactId: string): Promise<Contact> {
    return this.endAccess(actor, contactId, 'contact.disable', true);
  }

  /** One revoking transaction: the contact's row, its sessions and links, and the audit entry. */
  private async endAccess(
    actor: AuditActor,
    contactId: string,
    action: string,
    disable: boolean,
  ): Promise<Contact> {
    let ended: Contact | null = null;
    await this.revocations.revoke(
      [revocationSubject.person('contact', contactId)],
      async (manager) => {
        const repo = manager.getRepository(Contact);
        const current = await repo.findOne({ where: { id: contactId }, ...forUpdate(manager) });
        if (!current) throw notFoundError('Contact');
        const next = repo.create({
          ...current,
          portalAccess: false,
          disabledAt: disable ? (current.disabledAt ?? new Date()) : current.disabledAt,
        });
        await repo.save(next);
        const sessions = await endSessionsAndLinks(
          manager,
          { kind: 'contact', id: contactId },
          'access-revoked',
        );
        const changes = diff(auditedContact(current), auditedContact(next));
        if (Object.keys(changes).length > 0) {
          await this.audit.record(manager, actor, {
            action,
            entityType: 'contact',
            entityId: contactId,
            changes,
          });
        }
        ended = next;
        return sessions;
      },
    );
    return ended!;
  }
}

/** What the audit log compares of a contact. */
export function auditedContact(contact: Contact): Record<string, unknown> {
  return {
    customerId: contact.customerId,
    name: contact.name,
    email: contact.email,
    portalAccess: contact.portalAccess,
    disabledAt: contact.disabledAt ? contact.disabledAt.toISOString() : null,
    removedAt: contact.removedAt ? contact.removedAt.toISOString() : null,
  };
}
