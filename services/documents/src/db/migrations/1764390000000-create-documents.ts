import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createDirectoryTables, dropDirectoryTables } from '@portico/commerce';
import {
  createEventTables,
  createMigrationTables,
  dropEventTables,
  dropMigrationTables,
  migrationColumn as c,
  type MigrationTable,
} from '@portico/kit';

const TABLES: MigrationTable[] = [
  {
    name: 'documents',
    columns: [
      c.token('id', 36),
      c.token('customerId', 36),
      c.text('title', 200),
      c.text('description', 'text', true),
      c.token('category', 20),
      c.token('visibility', 10),
      c.token('origin', 10),
      c.token('attachedKind', 20, true),
      c.token('attachedId', 36, true),
      c.instant('expiresAt', true),
      c.boolean('acknowledgementRequired'),
      c.integer('currentVersion'),
      c.token('createdBy', 80),
      c.instant('createdAt'),
      c.instant('updatedAt'),
      c.instant('sharedAt', true),
    ],
    indices: [
      new TableIndex({
        name: 'idx_documents_customer_created',
        columnNames: ['customerId', 'createdAt'],
      }),
      new TableIndex({
        name: 'idx_documents_attachment',
        columnNames: ['attachedKind', 'attachedId'],
      }),
    ],
  },
  {
    name: 'document_versions',
    columns: [
      c.token('id', 36),
      c.token('documentId', 36),
      c.token('customerId', 36),
      c.integer('version'),
      c.text('fileName', 255),
      c.token('contentType', 100),
      c.bigint('sizeBytes'),
      c.token('sha256', 64),
      c.token('storageKey', 200),
      c.token('uploadedBy', 80),
      c.instant('uploadedAt'),
    ],
    indices: [
      new TableIndex({
        name: 'uq_document_versions',
        columnNames: ['documentId', 'version'],
        isUnique: true,
      }),
    ],
  },
  {
    name: 'document_uploads',
    columns: [
      c.token('id', 36),
      c.token('documentId', 36),
      c.token('customerId', 36),
      c.text('fileName', 255),
      c.token('contentType', 100),
      c.token('state', 12),
      c.token('requestedBy', 80),
      c.integer('version', true),
      c.instant('expiresAt'),
      c.instant('createdAt'),
      c.instant('claimedAt', true),
    ],
  },
  {
    name: 'document_downloads',
    columns: [
      c.token('id', 36),
      c.token('documentId', 36),
      c.token('customerId', 36),
      c.integer('version'),
      c.token('principal', 80),
      c.token('byteRange', 60, true),
      c.token('clientAddress', 64, true),
      c.instant('downloadedAt'),
    ],
    indices: [
      new TableIndex({
        name: 'idx_document_downloads_document',
        columnNames: ['documentId', 'downloadedAt'],
      }),
    ],
  },
  {
    name: 'document_acknowledgements',
    columns: [
      c.token('id', 36),
      c.token('documentId', 36),
      c.token('customerId', 36),
      c.integer('version'),
      c.token('versionSha256', 64),
      c.token('contactId', 36),
      c.text('name', 200),
      c.token('clientAddress', 64, true),
      c.instant('acknowledgedAt'),
    ],
    indices: [
      new TableIndex({
        name: 'uq_document_acknowledgements',
        columnNames: ['documentId', 'version', 'contactId'],
        isUnique: true,
      }),
    ],
  },
  {
    name: 'customer_document_settings',
    columns: [
      c.token('customerId', 36),
      c.boolean('uploadsAllowed'),
      c.bigint('quotaBytes', true),
      c.bigint('usedBytes'),
      c.instant('updatedAt'),
    ],
  },
  {
    name: 'linked_records',
    columns: [
      c.token('kind', 20),
      c.token('id', 36),
      c.token('customerId', 36),
      c.token('number', 32, true),
      c.token('state', 20),
      c.instant('updatedAt'),
    ],
    primary: ['kind', 'id'],
  },
];

/**
 * Documents: the events kit's tables and the customer directory (from
 * accounts), documents with their versions, pending uploads, downloads and
 * acknowledgements, per-customer settings (uploads, quota), and the records
 * of billing and sales a document can be attached to.
 */
export class CreateDocuments1764390000000 implements MigrationInterface {
  name = 'CreateDocuments1764390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventTables(queryRunner);
    await createDirectoryTables(queryRunner);
    await createMigrationTables(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMigrationTables(queryRunner, TABLES);
    await dropDirectoryTables(queryRunner);
    await dropEventTables(queryRunner);
  }
}
