import { randomUUID } from 'node:crypto';
import { DEMO_CUSTOMER_IDS, type Database } from '@portico/kit';
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

/** Seeds two customers with contacts and a staff admin into an empty database. */
export async function seedDemoData(db: Database, hasher: PasswordHasher): Promise<boolean> {
  if ((await db.manager.getRepository(Customer).count()) > 0) return false;
  const now = new Date();
  const passwords = new Map<string, string>();
  for (const signIn of DEMO_SIGN_INS) {
    passwords.set(signIn.email, await hasher.hash(signIn.password));
  }
  await db.transaction(async (manager) => {
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
      portalEnabled: true,
      createdAt: now,
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
      portalEnabled: true,
      createdAt: now,
    });
    await manager.getRepository(Customer).save([acme, globex]);
    const contact = (customer: Customer, name: string, email: string) =>
      manager.getRepository(Contact).create({
        id: randomUUID(),
        customerId: customer.id,
        name,
        email,
        passwordHash: passwords.get(email) ?? null,
        portalAccess: true,
        lastSignInAt: null,
        createdAt: now,
        disabledAt: null,
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
        id: randomUUID(),
        name: 'Portico Admin',
        email: 'admin@portico.example',
        passwordHash: passwords.get('admin@portico.example') ?? '',
        roleList: 'admin',
        lastSignInAt: null,
        createdAt: now,
      }),
    );
  });
  return true;
}
