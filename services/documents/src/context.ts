import type { BaseContext, Database, Outbox, RequestMeta } from '@portico/kit';
import type { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import type { DocumentFiles } from './document/document.files';
import { createDocumentLoaders } from './document/document.loaders';
import type { DocumentReads } from './document/document-reads';
import type { DocumentService } from './document/document.service';
import type { LinkedRecords } from './links/linked-records';

export interface DocumentsServices {
  db: Database;
  /** Documents' outbox: events written with each change, numbered after commit. */
  outbox: Outbox;
  /** Documents' read model of accounts' customers. */
  directory: CustomerDirectory;
  /** Billing's invoices and sales' quotes and orders, to attach documents to. */
  linked: LinkedRecords;
  /** Upload and download links: one signer each, told apart by the link's kind. */
  signers: { upload: DocumentSigner; download: DocumentSigner };
  documents: DocumentService;
  files: DocumentFiles;
  reads: DocumentReads;
}

export type DocumentsLoaders = ReturnType<typeof createDocumentLoaders>;

export interface DocumentsContext extends BaseContext {
  services: DocumentsServices;
  loaders: DocumentsLoaders;
}

export function createDocumentsContext(
  services: DocumentsServices,
  meta: RequestMeta,
): DocumentsContext {
  return { ...meta, services, loaders: createDocumentLoaders(services.reads, meta) };
}
