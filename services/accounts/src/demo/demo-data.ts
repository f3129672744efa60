import { randomUUID } from 'node:crypto';
import { DEMO_CUSTOMER_IDS, DEMO_STAFF_USER_ID, type Database, type Outbox } from '@portico/kit';
import { customerEvent, organisationEvent } from '../events/accounts-events';
import { ORGANISATION_ROW_ID, OrganisationProfile } from '../organisation/organisation.entity';
import type { PasswordHasher } from '../auth/password-hasher';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { StaffUser } from '../staff/staff-user.entity';

/** Printed by `npm start`; demo data only, never seeded unless SEED_DEMO is set. */
export const DEMO_SIGN_INS = [
  {
    who: 'Contact of Acme Supplies Ltd',
    mutation: 'signIn',
    email: 'alice@acme.example',
    password: 'acme-demo-password',
  },
  {
    who: 'Contact of Acme Supplies Ltd',
    mutation: 'signIn',
    email: 'bob@acme.example',
    password: 'acme-demo-password',
  },
  {
    who: 'Contact of Globex Ibérica S.L.',
    mutation: 'signIn',
    email: 'lucia@globex.example',
    password: 'globex-demo-password',
  },
  {
    who: 'Staff admin',
    mutation: 'signInStaff',
    email: 'admin@portico.example',
    password: 'admin-demo-password',
  },
] as const;

/**
 * Seeds the organisation profile, two customers with contacts and a staff
 * admin into an empty database, with the events a consumer starting on a
 * fresh database learns them from (customer.created, organisation.updated).
 */
export async function seedDemoData(
  db: Database,
  hasher: PasswordHasher,
  outbox: Outbox,
  options: { portalUrl?: string } = {},
): Promise<boolean> {
  if ((await db.manager.getRepository(Customer).count()) > 0) return false;
  const now = new Date();
  const passwords = new Map<string, string>();
  for (const signIn of DEMO_SIGN_INS) {
    passwords.set(signIn.email, await hasher.hash(signIn.password));
  }
  await db.transaction(async (manager) => {
    const profile = manager.getRepository(OrganisationProfile).create({
      id: ORGANISATION_ROW_ID,
      legalName: 'Northwind Components Ltd',
      tradingName: 'Northwind',
      addressLine1: '1 Market Square',
      addressLine2: null,
      addressCity: 'Cambridge',
      addressRegion: null,
      addressPostalCode: 'CB2 3QJ',
      addressCountry: 'GB',
      taxId: 'GB123456789',
      supportEmail: 'support@northwind.example',
      defaultCurrency: 'GBP',
      defaultLocale: 'en',
      portalUrl: options.portalUrl ?? 'http://127.0.0.1:3000',
      logo: null,
      logoType: null,
      logoSha256: null,
      updatedAt: now,
      updatedByKind: 'system',
      updatedById: null,
    });
    await manager.getRepository(OrganisationProfile).insert(profile);
    const acme = manager.getRepository(Customer).create({
      id: DEMO_CUSTOMER_IDS.acme,
      companyName: 'Acme Supplies Ltd',
      displayName: 'Acme',
      email: 'accounts@acme.example',
      currency: 'GBP',
      locale: 'en',
      billingLine1: '12 Harbour Street',
      billingLine2: null,
      billingCity: 'Bristol',
      billingRegion: null,
      billingPostalCode: 'BS1 4RN',
      billingCountry: 'GB',
      taxId: 'GB987654321',
      notes: 'Prefers invoices at the start of the month.',
      archivedAt: null,
      portalEnabled: true,
      createdAt: now,
      updatedAt: null,
    });
    const globex = manager.getRepository(Customer).create({
      id: DEMO_CUSTOMER_IDS.globex,
      companyName: 'Globex Ibérica S.L.',
      displayName: 'Globex',
      email: 'facturas@globex.example',
      currency: 'EUR',
      locale: 'es',
      billingLine1: 'Calle de Alcalá 45',
      billingLine2: '3º B',
      billingCity: 'Madrid',
      billingRegion: 'Madrid',
      billingPostalCode: '28014',
      billingCountry: 'ES',
      taxId: 'ESB12345678',
      notes: null,
      archivedAt: null,
      portalEnabled: true,
      createdAt: now,
      updatedAt: null,
    });
    await manager.getRepository(Customer).save([acme, globex]);
    await outbox.record(manager, [
      organisationEvent(profile),
      customerEvent('customer.created', acme),
      customerEvent('customer.created', globex),
    ]);
    const contact = (customer: Customer, name: string, email: string) =>
      manager.getRepository(Contact).create({
        id: randomUUID(),
        customerId: customer.id,
        name,
        email,
        passwordHash: passwords.get(email) ?? null,
        portalAccess: true,
        emailNotifications: true,
        lastSignInAt: null,
        createdAt: now,
        disabledAt: null,
        removedAt: null,
      });
    await manager
      .getRepository(Contact)
      .save([
        contact(acme, 'Alice Archer', 'alice@acme.example'),
        contact(acme, 'Bob Brennan', 'bob@acme.example'),
        contact(globex, 'Lucía Gómez', 'lucia@globex.example'),
      ]);
    await manager.getRepository(StaffUser).save(
      manager.getRepository(StaffUser).create({
        id: DEMO_STAFF_USER_ID,
        name: 'Portico Admin',
        email: 'admin@portico.example',
        passwordHash: passwords.get('admin@portico.example') ?? '',
        roleList: 'admin',
        lastSignInAt: null,
        createdAt: now,
        disabledAt: null,
        invitedBy: null,
      }),
    );
  });
  await outbox.notify();
  return true;
}
