import {
  Outbox,
  buildFederatedSchema,
  canSeeCustomer,
  type Database,
  type FederatedSchema,
  type RequestMeta,
} from '@portico/kit';
import { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import type { DocumentsConfig } from './config';
import { createDocumentsContext, type DocumentsContext, type DocumentsServices } from './context';
import {
  DocumentAcknowledgementResolver,
  DocumentPartsResolver,
  DocumentVersionResolver,
} from './document/document-parts.resolver';
import type { Document } from './document/document.entity';
import { DocumentFiles } from './document/document.files';
import { DocumentReads } from './document/document-reads';
import { DocumentResolver } from './document/document.resolver';
import { DocumentService } from './document/document.service';
import {
  CustomerDocumentsResolver,
  InvoiceDocumentsResolver,
  PurchaseOrderDocumentsResolver,
  QuoteDocumentsResolver,
} from './links/linked.resolver';
import { LinkedRecords } from './links/linked-records';
import type { FileStorage } from './storage/file-storage';

/** The uniform subgraph export every service has: name, buildSchema, createContext. */
export const name = 'documents';

/**
 * `_entities` for the stubs of other subgraphs' records: documents cannot
 * tell whose an invoice is, so the reference resolves to the bare key and
 * what documents adds to it goes through the principal's scope.
 */
function bareReference(reference: { id: string }): { id: string } {
  return { id: reference.id };
}

export function buildSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [
      DocumentResolver,
      DocumentPartsResolver,
      DocumentVersionResolver,
      DocumentAcknowledgementResolver,
      CustomerDocumentsResolver,
      InvoiceDocumentsResolver,
      QuoteDocumentsResolver,
      PurchaseOrderDocumentsResolver,
    ],
    referenceResolvers: {
      Customer: {
        __resolveReference: (ref: { id: string }, ctx: DocumentsContext) =>
          canSeeCustomer(ctx.principal, ref.id) ? { id: ref.id } : null,
      },
      Invoice: { __resolveReference: bareReference },
      Quote: { __resolveReference: bareReference },
      PurchaseOrder: { __resolveReference: bareReference },
      // Through the principal's row-level scope: out of scope is null.
      Document: {
        __resolveReference: (
          ref: { id: string },
          ctx: DocumentsContext,
        ): Promise<Document | null> => ctx.loaders.document.load(ref.id),
      },
    } as never,
  });
}

export function createServices(
  db: Database,
  storage: FileStorage,
  config: Pick<DocumentsConfig, 'auth' | 'files'>,
): DocumentsServices {
  const outbox = new Outbox(db, name);
  const directory = new CustomerDirectory(db, 'documents.directory');
  const linked = new LinkedRecords(db);
  const { files } = config;
  const signer = (ttlSeconds: number) =>
    new DocumentSigner(
      config.auth.claimsSecret,
      files.publicBaseUrl,
      ttlSeconds,
      name,
      config.auth.acceptedClaimsSecrets,
    );
  const limits = {
    maxFileBytes: files.maxFileBytes,
    defaultQuotaBytes: files.defaultQuotaBytes,
    uploadTtlSeconds: files.uploadTtlSeconds,
  };
  const signers = {
    upload: signer(files.uploadTtlSeconds),
    download: signer(files.downloadTtlSeconds),
  };
  return {
    db,
    outbox,
    directory,
    linked,
    signers,
    reads: new DocumentReads(db),
    documents: new DocumentService(db, outbox, directory, linked, signers.upload, limits),
    files: new DocumentFiles(db, outbox, storage, signers.download, limits),
  };
}

export function createContext(services: DocumentsServices, meta: RequestMeta): DocumentsContext {
  return createDocumentsContext(services, meta);
}

export { loadConfig, type DocumentsConfig } from './config';
export { openDocumentsDatabase } from './db/database';
export { startDocuments, type RunningDocuments } from './server';
export { documentsEvents, type DocumentsEventType } from './events/documents-events';
export type { FileStorage } from './storage/file-storage';
