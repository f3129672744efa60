import {
  createDataSource,
  ensureMysqlDatabase,
  EXACT_TOKEN_COLLATION,
  testing,
  type Database,
} from '@portico/kit';
import { openAccountsDatabase } from '@portico/accounts';
import { ACCOUNTS_ENTITIES, ACCOUNTS_MIGRATIONS } from '../src/db/database';

/**
 * Every string column of accounts, as reviewed: exact tokens and emails are
 * declared with the kit's column helpers (and found in the entities); what is
 * left is human text, listed here.
 */
const REVIEW: testing.StringColumnReview = {
  humanText: [
    'customers.companyName',
    'customers.displayName',
    'customers.billingLine1',
    'customers.billingLine2',
    'customers.billingCity',
    'customers.billingRegion',
    'customers.billingPostalCode',
    'contacts.name',
    'staff_users.name',
    'partner_clients.name',
    'customers.notes',
    'organisation_profile.legalName',
    'organisation_profile.tradingName',
    'organisation_profile.addressLine1',
    'organisation_profile.addressLine2',
    'organisation_profile.addressCity',
    'organisation_profile.addressRegion',
    'organisation_profile.addressPostalCode',
    // A notification's rendered subject and text, and the transport's last error.
    'notification_deliveries.mailSubject',
    'notification_deliveries.text',
    'notification_deliveries.lastError',
  ],
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'accounts string columns on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await target.create('accounts');
      drop = database.drop;
      db = await openAccountsDatabase(database.config);
    });
    afterAll(async () => {
      await db?.dataSource.destroy();
      await drop?.();
    });

    it('declares every string column as an exact token, an email or reviewed human text', () => {
      expect(testing.stringColumnDeclarationProblems(db.dataSource, REVIEW)).toEqual([]);
    });

    it('has in the database the collation each column declares', async () => {
      expect(await testing.collationProblems(db.dataSource, REVIEW)).toEqual([]);
    });

    it('keeps tokens that differ only in case apart, in every exact-token column', async () => {
      const { checked, problems } = await testing.caseVariantProblems(db.dataSource, REVIEW);
      expect(problems).toEqual([]);
      expect(checked).toEqual(
        expect.arrayContaining([
          'refresh_tokens.tokenHash',
          'action_tokens.tokenHash',
          'partner_clients.secretHash',
          'partner_clients.id',
          'sessions.id',
          'revocations.subject',
          'notification_deliveries.eventId',
          'notification_deliveries.recipient',
          'notification_deliveries.messageId',
        ]),
      );
      // accounts' own 57 (business data and notification deliveries included) and the events kit's 17.
      expect(checked).toHaveLength(74);
    });

    it('stores emails in lower case, finds them by any spelling, and refuses a second spelling where unique', async () => {
      const { checked, problems } = await testing.emailColumnProblems(db.dataSource, REVIEW);
      expect(problems).toEqual([]);
      expect(checked.sort()).toEqual([
        'contacts.email',
        'customers.email',
        'notification_deliveries.email',
        'organisation_profile.supportEmail',
        'staff_users.email',
      ]);
    });

    it('upgrades a database written before: stored emails are lowered, tokens keep their bytes', async () => {
      const database = await target.create('accounts');
      try {
        if (database.config.driver === 'mysql') await ensureMysqlDatabase(database.config.url);
        const before = createDataSource(database.config, {
          entities: ACCOUNTS_ENTITIES,
          // Every migration before the one that gave exact tokens their collation.
          migrations: ACCOUNTS_MIGRATIONS.slice(
            0,
            ACCOUNTS_MIGRATIONS.findIndex((m) => m.name === 'ExactTokenCollation1764330000000'),
          ),
        });
        await before.initialize();
        await before.runMigrations();
        await before.query(
          `INSERT INTO contacts (id, customerId, name, email, portalAccess, createdAt)
           VALUES ('Contact-A', 'Customer-A', 'Ann', ' Ann.Mixed@Example.TEST', 1, '2026-01-01 00:00:00')`,
        );
        await before.destroy();
        const after = await openAccountsDatabase(database.config);
        try {
          const read = () =>
            after.dataSource.query('SELECT id, customerId, email FROM contacts') as Promise<
              Array<Record<string, string>>
            >;
          expect(await read()).toEqual([
            { id: 'Contact-A', customerId: 'Customer-A', email: 'ann.mixed@example.test' },
          ]);
          expect(await testing.collationProblems(after.dataSource, REVIEW)).toEqual([]);
          // The migration can be undone and applied again.
          // Undone back to before the collation migration, then applied again.
          const collationAt = ACCOUNTS_MIGRATIONS.findIndex(
            (m) => m.name === 'ExactTokenCollation1764330000000',
          );
          for (let i = collationAt; i < ACCOUNTS_MIGRATIONS.length; i += 1) {
            await after.dataSource.undoLastMigration();
          }
          if (database.config.driver === 'mysql') {
            const [row] = (await after.dataSource.query(
              `SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS
                WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'contacts' AND COLUMN_NAME = 'id'`,
            )) as Array<{ c: string }>;
            expect(row!.c).not.toBe(EXACT_TOKEN_COLLATION);
          }
          await after.dataSource.runMigrations();
          expect(await testing.collationProblems(after.dataSource, REVIEW)).toEqual([]);
          expect(await read()).toHaveLength(1);
        } finally {
          await after.dataSource.destroy();
        }
      } finally {
        await database.drop();
      }
    });
  },
);
