import { createDataSource, ensureMysqlDatabase, Outbox, testing } from '@portico/kit';
import { ACCOUNTS_MIGRATIONS, openAccountsDatabase } from '../src/db/database';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'accounts migrations on %s',
  (_name, target) => {
    it('publishes customer.created for the customers a database held before events existed', async () => {
      const database = await target.create('accounts');
      try {
        if (database.config.driver === 'mysql') await ensureMysqlDatabase(database.config.url);
        const before = ACCOUNTS_MIGRATIONS.findIndex((m) => m.name.startsWith('CreateEventTables'));
        const old = createDataSource(database.config, {
          entities: [],
          migrations: ACCOUNTS_MIGRATIONS.slice(0, before),
        });
        await old.initialize();
        await old.runMigrations({ transaction: 'each' });
        await old.query(
          'INSERT INTO customers (id, companyName, displayName, email, currency, locale, billingLine1, billingLine2, billingCity, billingRegion, billingPostalCode, billingCountry, portalEnabled, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            'c0000000-0000-4000-8000-000000000001',
            'Older Customer Ltd',
            'Older',
            'old@customer.example',
            'GBP',
            'en',
            '1 Old Road',
            null,
            'York',
            null,
            'YO1 1AA',
            'GB',
            1,
            '2026-01-01 00:00:00',
          ],
        );
        await old.query(
          'INSERT INTO contacts (id, customerId, name, email, portalAccess, createdAt) VALUES (?, ?, ?, ?, ?, ?)',
          [
            'c0000000-0000-4000-8000-0000000000c1',
            'c0000000-0000-4000-8000-000000000001',
            'Olive Older',
            'olive@customer.example',
            1,
            '2026-01-01 00:00:00',
          ],
        );
        await old.destroy();

        const db = await openAccountsDatabase(database.config);
        // Contacts that existed before notifications get them.
        const [contact] = (await db.dataSource.query(
          'SELECT emailNotifications FROM contacts',
        )) as Array<{ emailNotifications: number | boolean }>;
        expect(Number(contact!.emailNotifications)).toBe(1);
        const outbox = new Outbox(db, 'accounts');
        try {
          await outbox.sequence();
          const events = await outbox.read(0);
          expect(events).toHaveLength(1);
          expect(events[0]).toMatchObject({
            producer: 'accounts',
            type: 'customer.created',
            schemaVersion: 1,
            aggregateType: 'customer',
            aggregateId: 'c0000000-0000-4000-8000-000000000001',
            customerId: 'c0000000-0000-4000-8000-000000000001',
            position: 1,
            payload: {
              id: 'c0000000-0000-4000-8000-000000000001',
              companyName: 'Older Customer Ltd',
              displayName: 'Older',
              email: 'old@customer.example',
              billingAddress: {
                line1: '1 Old Road',
                line2: null,
                city: 'York',
                region: null,
                postalCode: 'YO1 1AA',
                country: 'GB',
              },
              taxId: null,
              locale: 'en',
              currency: 'GBP',
              archived: false,
              archivedAt: null,
            },
          });
          // The business-data migrations and the notifications one go down and up again cleanly.
          for (let i = 0; i < 3; i += 1) {
            await db.dataSource.undoLastMigration({ transaction: 'each' });
          }
          await db.dataSource.runMigrations({ transaction: 'each' });
          const pending = await db.dataSource.driver.createSchemaBuilder().log();
          expect(pending.upQueries.map((q) => q.query)).toEqual([]);
        } finally {
          await outbox.close();
          await db.dataSource.destroy();
        }
      } finally {
        await database.drop();
      }
    });
  },
);
