import { IsNull, Not, type EntityManager } from 'typeorm';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { ORGANISATION_ROW_ID, OrganisationProfile } from '../organisation/organisation.entity';
import { StaffRole, StaffUser } from '../staff/staff-user.entity';

/** Who is mailed, read in the transaction that applies the event. */

export interface CustomerAudience {
  customer: Customer;
  contacts: Contact[];
}

/**
 * The contacts of a customer that are mailed about it: the customer is not
 * archived and its portal is on (the mail's link leads there), and each
 * contact can use the portal (not disabled, not removed, access granted)
 * and has not turned notifications off. Null when the customer is unknown
 * or mails nobody.
 */
export async function customerAudience(
  manager: EntityManager,
  customerId: string,
): Promise<CustomerAudience | null> {
  const customer = await manager.getRepository(Customer).findOneBy({ id: customerId });
  if (!customer || customer.archivedAt || !customer.portalEnabled) return null;
  const contacts = await manager.getRepository(Contact).find({
    where: {
      customerId,
      disabledAt: IsNull(),
      removedAt: IsNull(),
      portalAccess: true,
      emailNotifications: true,
    },
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  return contacts.length ? { customer, contacts } : null;
}

function isActiveStaff(staff: StaffUser): boolean {
  return !staff.disabledAt && staff.passwordHash !== null;
}

/**
 * The staff mailed about a contact's message: the conversation's assignee
 * while it is an active staff user, otherwise every active admin and
 * support member (invited users who have not accepted are not mailed).
 */
export async function staffAudience(
  manager: EntityManager,
  assigneeStaffUserId: string | null,
): Promise<{ staff: StaffUser[]; assigned: boolean }> {
  const repo = manager.getRepository(StaffUser);
  if (assigneeStaffUserId) {
    const assignee = await repo.findOneBy({ id: assigneeStaffUserId });
    if (assignee && isActiveStaff(assignee)) return { staff: [assignee], assigned: true };
  }
  const all = await repo.find({
    where: { disabledAt: IsNull(), passwordHash: Not(IsNull()) },
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  return {
    staff: all.filter(
      (s) =>
        isActiveStaff(s) &&
        s.roles.some((role) => role === StaffRole.ADMIN || role === StaffRole.SUPPORT),
    ),
    assigned: false,
  };
}

export interface Sender {
  /** The business's name as customers know it (trading name, else legal name). */
  name: string;
  /** The portal's base URL, links start here. */
  portalUrl: string;
  /** The language of mails to staff. */
  locale: string;
}

/** The organisation profile as mails need it; `fallback` before a profile exists. */
export async function organisationSender(
  manager: EntityManager,
  fallback: { portalUrl: string; portalName: string },
): Promise<Sender> {
  const profile = await manager
    .getRepository(OrganisationProfile)
    .findOneBy({ id: ORGANISATION_ROW_ID });
  return {
    name: profile?.tradingName ?? profile?.legalName ?? fallback.portalName,
    portalUrl: profile?.portalUrl ?? fallback.portalUrl,
    locale: profile?.defaultLocale ?? 'en',
  };
}
