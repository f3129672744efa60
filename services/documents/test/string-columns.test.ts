import { testing, type Database } from '@portico/kit';
import { openDocumentsDatabase } from '@portico/documents';

/**
 * Every string column of documents, as reviewed: exact tokens and emails are
 * declared with the kit's column helpers (and found in the entities); what is
 * left is human text, listed here.
 */
const REVIEW: testing.StringColumnReview = {
  humanText: [
    'documents.title',
    'documents.description',
    'document_versions.fileName',
    'document_uploads.fileName',
    'document_acknowledgements.name',
    'directory_customers.companyName',
    'directory_customers.displayName',
  ],
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'documents string columns on %s',
  (_name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const database = await target.create('documents');
      drop = database.drop;
      db = await openDocumentsDatabase(database.config);
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
          'documents.id',
          'documents.customerId',
          'documents.attachedId',
          'document_versions.sha256',
          'document_versions.storageKey',
          'document_uploads.state',
          'document_downloads.principal',
          'document_acknowledgements.versionSha256',
          'document_acknowledgements.contactId',
          'customer_document_settings.customerId',
          'linked_records.id',
          'linked_records.number',
        ]),
      );
    });
  },
);
