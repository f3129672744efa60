import { randomUUID } from 'node:crypto';
import { forUpdate, notFoundError, revocationSubject, type Database } from '@portico/kit';
import { diff, type AuditActor, type AuditService } from '../audit/audit.service';
import { Customer } from '../customer/customer.entity';
import type { RevocationLog } from '../session/revocation-log';
import { endSessionsAndLinks } from '../session/session.service';
import * as rules from '../validation/input-rules';
import { isUniqueViolation, lockedByEmail } from '../validation/unique-violation';
import { auditedContact, type ContactAccessService } from './contact-access.service';
import { Contact } from './contact.entity';

export interface NewContact {
  customerId: string;
  name: string;
  email: string;
  /** Mail a portal invitation at once. */
  invite?: boolean | null;
}

function emailTaken() {
  return rules.badInput(
    'a contact with this email exists; re-invite that contact instead',
    'email',
  );
}

/**
 * Staff add, change and remove the contacts of a customer. Removal is soft:
 * the row stays (what the contact did keeps its author), its sessions and
 * links end in the same transaction, through the revocation log.
 */
export class ContactAdminService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly revocations: RevocationLog,
    private readonly access: ContactAccessService,
  ) {}

  /**
   * Adds a contact, with no password and no portal access until invited
   * (`invite`, or `reinviteContact` later). Re-adding the email of a contact
   * removed from the same customer brings that contact back.
   */
  async add(actor: AuditActor, input: NewContact): Promise<Contact> {
    const name = rules.requiredText(input.name, 'name', 200);
    const email = rules.email(input.email, 'email');
    let result: { contact: Contact; customer: Customer };
    try {
      result = await this.db.transaction(async (manager) => {
        const customer = await manager
          .getRepository(Customer)
          .findOneBy({ id: String(input.customerId) });
        if (!customer) throw rules.badInput('unknown customer', 'customerId');
        if (input.invite && !customer.portalEnabled) {
          throw rules.badInput("the customer's portal is disabled", 'customerId');
        }
        const repo = manager.getRepository(Contact);
        const existing = await lockedByEmail(manager, Contact, email);
        if (existing && !(existing.removedAt && existing.customerId === customer.id)) {
          throw emailTaken();
        }
        const contact = repo.create({
          ...(existing ?? {
            id: randomUUID(),
            customerId: customer.id,
            passwordHash: null,
            lastSignInAt: null,
            emailNotifications: true,
            createdAt: new Date(),
          }),
          name,
          email,
          portalAccess: !!input.invite,
          disabledAt: null,
          removedAt: null,
        });
        if (existing) await repo.save(contact);
        else await repo.insert(contact);
        await this.audit.record(manager, actor, {
          action: existing ? 'contact.restore' : 'contact.add',
          entityType: 'contact',
          entityId: contact.id,
          changes: diff(existing ? auditedContact(existing) : null, auditedContact(contact)),
        });
        return { contact, customer };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    if (input.invite && actor.kind === 'staff' && actor.id) {
      await this.access.sendInvitation(result.contact, result.customer, actor.id);
    }
    return result.contact;
  }

  async update(
    actor: AuditActor,
    contactId: string,
    input: { name?: string | null; email?: string | null },
  ): Promise<Contact> {
    const set: Partial<Contact> = {};
    if (input.name !== undefined) set.name = rules.requiredText(input.name, 'name', 200);
    if (input.email !== undefined) set.email = rules.email(input.email, 'email');
    try {
      return await this.db.transaction(async (manager) => {
        const repo = manager.getRepository(Contact);
        const current = await repo.findOne({ where: { id: contactId }, ...forUpdate(manager) });
        if (!current || current.removedAt) throw notFoundError('Contact');
        if (
          set.email &&
          set.email !== current.email &&
          (await repo.findOneBy({ email: set.email }))
        ) {
          throw emailTaken();
        }
        const next = repo.create({ ...current, ...set });
        const changes = diff(auditedContact(current), auditedContact(next));
        if (Object.keys(changes).length === 0) return current;
        await repo.save(next);
        await this.audit.record(manager, actor, {
          action: 'contact.update',
          entityType: 'contact',
          entityId: contactId,
          changes,
        });
        return next;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /** Removes the contact from its customer; its sessions and mailed links end now. */
  async remove(actor: AuditActor, contactId: string): Promise<Contact> {
    let removed: Contact | null = null;
    await this.revocations.revoke(
      [revocationSubject.person('contact', contactId)],
      async (manager) => {
        const repo = manager.getRepository(Contact);
        const current = await repo.findOne({ where: { id: contactId }, ...forUpdate(manager) });
        if (!current || current.removedAt) throw notFoundError('Contact');
        const next = repo.create({ ...current, removedAt: new Date(), portalAccess: false });
        await repo.save(next);
        await endSessionsAndLinks(manager, { kind: 'contact', id: contactId }, 'contact-removed');
        await this.audit.record(manager, actor, {
          action: 'contact.remove',
          entityType: 'contact',
          entityId: contactId,
          changes: diff(auditedContact(current), auditedContact(next)),
        });
        removed = next;
        return true;
      },
    );
    return removed!;
  }
}
