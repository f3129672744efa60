import { testing, type Database } from '@portico/kit';
import { openMessagingDatabase } from '@portico/messaging';

/**
 * Every string column of messaging, as reviewed: exact tokens and emails are
 * declared with the kit's column helpers (and found in the entities); what is
 * left is human text, listed here.
 */
const REVIEW: testing.StringColumnReview = {
  humanText: [
    'comments.body',
    'comment_revisions.body',
    'subjects.label',
    'directory_customers.companyName',
    'directory_customers.displayName',
  ],
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging string columns on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await target.create('messaging');
      drop = database.drop;
      db = await openMessagingDatabase(database.config);
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
          'threads.id',
          'threads.customerId',
          'threads.assigneeStaffUserId',
          'comments.id',
          'comments.threadId',
          'comments.authorId',
          'comments.idempotencyKey',
          'comments.contentHash',
          'comment_revisions.commentId',
          'read_states.readerId',
          'subjects.id',
          'subjects.customerId',
        ]),
      );
    });
  },
);
