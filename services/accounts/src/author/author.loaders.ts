import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { Database, Principal } from '@portico/kit';
import type { Contact } from '../contact/contact.entity';
import { StaffUser } from '../staff/staff-user.entity';
import { AuthorKind, type Author } from './author.type';

function split(id: string): { kind: string; ref: string } {
  const at = id.indexOf(':');
  return at < 0 ? { kind: '', ref: '' } : { kind: id.slice(0, at), ref: id.slice(at + 1) };
}

/**
 * Authors by id through the principal's scope: a contact as whoever may
 * see that contact (a partner also needs contacts:read: names are personal
 * data); a staff member's name for anyone signed in. Anything else is null.
 */
export function createAuthorLoader(
  db: Database,
  principal: Principal,
  contacts: DataLoader<string, Contact | null>,
): DataLoader<string, Author | null> {
  return new DataLoader(async (ids: readonly string[]) => {
    if (principal.kind === 'anonymous') return ids.map(() => null);
    const parts = ids.map(split);
    const staffIds = [...new Set(parts.filter((p) => p.kind === 'staff').map((p) => p.ref))];
    const staff = staffIds.length
      ? await db.manager
          .getRepository(StaffUser)
          .find({ select: { id: true, name: true }, where: { id: In(staffIds) } })
      : [];
    const staffName = new Map(staff.map((s) => [s.id, s.name]));
    const contactsAllowed =
      principal.kind !== 'partner' || principal.scopes.includes('contacts:read');
    return Promise.all(
      parts.map(async ({ kind, ref }, i): Promise<Author | null> => {
        const id = ids[i]!;
        if (kind === 'staff') {
          const name = staffName.get(ref);
          return name === undefined ? null : { id, kind: AuthorKind.STAFF, name };
        }
        if (kind === 'contact' && contactsAllowed && ref) {
          const contact = await contacts.load(ref);
          return contact ? { id, kind: AuthorKind.CONTACT, name: contact.name } : null;
        }
        return null;
      }),
    );
  });
}
