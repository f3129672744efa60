import { forUpdate, notFoundError, type Database, type Principal } from '@portico/kit';
import { actorOf, diff, type AuditService } from '../audit/audit.service';
import { Contact } from '../contact/contact.entity';

/**
 * A contact's email notifications, on or off. A contact may change its own
 * only; staff any contact's. Another contact, a removed one or an unknown id
 * are all NOT_FOUND (no oracle of other customers' contacts).
 */
export class NotificationSettingsService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  async setEmailNotifications(
    principal: Principal,
    contactId: string,
    enabled: boolean,
  ): Promise<Contact> {
    if (principal.kind !== 'staff' && principal.kind !== 'contact') throw notFoundError('Contact');
    if (principal.kind === 'contact' && principal.contactId !== contactId) {
      throw notFoundError('Contact');
    }
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(Contact);
      const current = await repo.findOne({
        where: { id: String(contactId) },
        ...forUpdate(manager),
      });
      if (
        !current ||
        current.removedAt ||
        (principal.kind === 'contact' && current.customerId !== principal.customerId)
      ) {
        throw notFoundError('Contact');
      }
      if (current.emailNotifications === enabled) return current;
      await repo.update({ id: current.id }, { emailNotifications: enabled });
      await this.audit.record(manager, actorOf(principal), {
        action: 'contact.email_notifications',
        entityType: 'contact',
        entityId: current.id,
        changes: diff(
          { emailNotifications: current.emailNotifications },
          { emailNotifications: enabled },
        ),
      });
      return repo.create({ ...current, emailNotifications: enabled });
    });
  }
}
