import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  forUpdate,
  notFoundError,
  type ContactPrincipal,
  type Database,
  type Outbox,
  type Principal,
} from '@portico/kit';
import type { CustomerDirectory, DocumentSigner } from '@portico/commerce';
import { recordDocumentsEvent, type DocumentEventPayload } from '../events/documents-events';
import type { LinkedRecords } from '../links/linked-records';
import {
  CustomerDocumentSettings,
  Document,
  DocumentAcknowledgement,
  DocumentUpload,
  DocumentVersion,
  type AttachmentKind,
  type DocumentVisibilityValue,
} from './document.entity';
import { parseUploadFile, type UploadFile } from './document.files';
import {
  canSeeDocument,
  MAX_DESCRIPTION,
  MAX_SIGNER_NAME,
  MAX_TITLE,
  parseExpiry,
  parseText,
  principalRef,
  refused,
  type DocumentCategoryValue,
} from './document.rules';

export interface UploadTicket {
  /** The pending upload the link names. */
  uploadId: string;
  url: string;
  expiresAt: Date;
  maxBytes: number;
}

export interface DocumentSpec {
  title: string;
  description?: string | null;
  category: DocumentCategoryValue;
  attachTo?: { kind: AttachmentKind; id: string } | null;
  file: UploadFile;
}

export interface ShareSpec extends DocumentSpec {
  customerId: string;
  visibility: DocumentVisibilityValue;
  expiresAt?: Date | null;
  acknowledgementRequired: boolean;
}

export interface DocumentChanges {
  id: string;
  title?: string | null;
  description?: string | null;
  category?: DocumentCategoryValue | null;
  expiresAt?: Date | null;
  /** True removes the expiry (expiresAt is then ignored). */
  clearExpiry?: boolean | null;
  acknowledgementRequired?: boolean | null;
}

export interface FileLimits {
  maxFileBytes: number;
  defaultQuotaBytes: number;
  uploadTtlSeconds: number;
}

/** The event payload of a document and one of its versions. */
export function documentEventPayload(
  document: Document,
  version: DocumentVersion,
  actor: DocumentEventPayload['actor'],
): DocumentEventPayload {
  return {
    documentId: document.id,
    customerId: document.customerId,
    title: document.title,
    category: document.category,
    version: version.version,
    fileName: version.fileName,
    actor,
    attachedTo:
      document.attachedKind && document.attachedId
        ? { kind: document.attachedKind, id: document.attachedId }
        : null,
    acknowledgementRequired: document.acknowledgementRequired,
  };
}

/**
 * Sharing, sending back, new versions, edits and acknowledgements. A
 * document becomes visible to its customer only when its first file is
 * stored (see DocumentFiles); until then it exists for staff as "awaiting
 * its file".
 */
export class DocumentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
    private readonly linked: LinkedRecords,
    private readonly uploadSigner: DocumentSigner,
    private readonly limits: FileLimits,
  ) {}

  /** Staff share a document with a customer (or keep it internal); the file comes by upload. */
  async share(
    principal: Principal,
    spec: ShareSpec,
  ): Promise<{ document: Document; upload: UploadTicket }> {
    await this.directory.requireActive(spec.customerId);
    return this.create(principal, spec.customerId, {
      ...spec,
      origin: 'business',
      expiresAt: parseExpiry(spec.expiresAt),
    });
  }

  /** A contact sends the business a document, where the business allows it for the customer. */
  async send(
    principal: ContactPrincipal,
    spec: DocumentSpec,
  ): Promise<{ document: Document; upload: UploadTicket }> {
    const settings = await this.settings(principal.customerId);
    if (!settings.uploadsAllowed) {
      throw refused(
        'The business does not accept documents from this customer',
        'uploads-not-allowed',
        'input',
      );
    }
    return this.create(principal, principal.customerId, {
      ...spec,
      origin: 'customer',
      visibility: 'customer',
      expiresAt: null,
      acknowledgementRequired: false,
    });
  }

  private async create(
    principal: Principal,
    customerId: string,
    spec: DocumentSpec & {
      origin: Document['origin'];
      visibility: DocumentVisibilityValue;
      expiresAt: Date | null;
      acknowledgementRequired: boolean;
    },
  ): Promise<{ document: Document; upload: UploadTicket }> {
    const title = parseText(spec.title, 'title', MAX_TITLE, true)!;
    const description = parseText(spec.description, 'description', MAX_DESCRIPTION, false);
    const file = parseUploadFile(spec.file);
    if (spec.attachTo) await this.linked.require(spec.attachTo.kind, spec.attachTo.id, customerId);
    const now = new Date();
    const document: Document = Object.assign(new Document(), {
      id: randomUUID(),
      customerId,
      title,
      description,
      category: spec.category,
      visibility: spec.visibility,
      origin: spec.origin,
      attachedKind: spec.attachTo?.kind ?? null,
      attachedId: spec.attachTo?.id ?? null,
      expiresAt: spec.expiresAt,
      acknowledgementRequired: spec.acknowledgementRequired,
      currentVersion: 0,
      createdBy: principalRef(principal),
      createdAt: now,
      updatedAt: now,
      sharedAt: null,
    });
    const upload = await this.db.transaction(async (manager) => {
      await manager.getRepository(Document).insert(document);
      return this.openUpload(manager, principal, document, file, now);
    });
    return { document, upload: await this.ticket(upload) };
  }

  /** An upload URL for the document's next version (staff; a contact for what its customer sent). */
  async addVersion(
    principal: Principal,
    documentId: string,
    fileSpec: UploadFile,
  ): Promise<{ document: Document; upload: UploadTicket }> {
    const file = parseUploadFile(fileSpec);
    const document = await this.db.manager.getRepository(Document).findOneBy({ id: documentId });
    if (!document || !canSeeDocument(principal, document)) throw notFoundError('Document');
    if (principal.kind !== 'staff' && document.origin !== 'customer') {
      throw refused('Only the business adds versions of documents it shares', 'not-your-document');
    }
    if (principal.kind === 'contact') {
      const settings = await this.settings(document.customerId);
      if (!settings.uploadsAllowed) {
        throw refused(
          'The business does not accept documents from this customer',
          'uploads-not-allowed',
        );
      }
    }
    const upload = await this.db.transaction((manager) =>
      this.openUpload(manager, principal, document, file, new Date()),
    );
    return { document, upload: await this.ticket(upload) };
  }

  private async openUpload(
    manager: EntityManager,
    principal: Principal,
    document: Document,
    file: UploadFile,
    now: Date,
  ): Promise<DocumentUpload> {
    const upload: DocumentUpload = Object.assign(new DocumentUpload(), {
      id: randomUUID(),
      documentId: document.id,
      customerId: document.customerId,
      fileName: file.fileName,
      contentType: file.contentType,
      state: 'pending',
      requestedBy: principalRef(principal),
      version: null,
      expiresAt: new Date(now.getTime() + this.limits.uploadTtlSeconds * 1000),
      createdAt: now,
      claimedAt: null,
    });
    await manager.getRepository(DocumentUpload).insert(upload);
    return upload;
  }

  private async ticket(upload: DocumentUpload): Promise<UploadTicket> {
    const settings = await this.settings(upload.customerId);
    const quota = settings.quotaBytes ?? this.limits.defaultQuotaBytes;
    return {
      uploadId: upload.id,
      url: this.uploadSigner.url({
        kind: 'upload',
        customerId: upload.customerId,
        params: { uploadId: upload.id },
      }),
      expiresAt: upload.expiresAt,
      maxBytes: Math.max(0, Math.min(this.limits.maxFileBytes, quota - settings.usedBytes)),
    };
  }

  /** Staff change what a document says; its files never change (a new version does). */
  async update(changes: DocumentChanges): Promise<Document> {
    const saved = await this.db.transaction(async (manager) => {
      const document = await manager
        .getRepository(Document)
        .findOne({ where: { id: changes.id }, ...forUpdate(manager) });
      if (!document) throw notFoundError('Document');
      if (changes.title !== undefined && changes.title !== null) {
        document.title = parseText(changes.title, 'title', MAX_TITLE, true)!;
      }
      if (changes.description !== undefined) {
        document.description = parseText(
          changes.description,
          'description',
          MAX_DESCRIPTION,
          false,
        );
      }
      if (changes.category) document.category = changes.category;
      if (changes.clearExpiry) document.expiresAt = null;
      else if (changes.expiresAt) document.expiresAt = parseExpiry(changes.expiresAt);
      if (
        changes.acknowledgementRequired !== undefined &&
        changes.acknowledgementRequired !== null
      ) {
        document.acknowledgementRequired = changes.acknowledgementRequired;
      }
      document.updatedAt = new Date();
      await manager.getRepository(Document).save(document);
      return document;
    });
    return saved;
  }

  /**
   * A contact acknowledges a version it can see, of a document that asks for
   * it: once per contact and version (a second time answers the first).
   */
  async acknowledge(
    principal: ContactPrincipal,
    input: { documentId: string; version: number; name: string },
    clientAddress: string | undefined,
  ): Promise<{ document: Document; acknowledgement: DocumentAcknowledgement }> {
    const name = parseText(input.name, 'name', MAX_SIGNER_NAME, true)!;
    const result = await this.db.transaction(async (manager) => {
      const document = await manager
        .getRepository(Document)
        .findOne({ where: { id: input.documentId }, ...forUpdate(manager) });
      if (!document || !canSeeDocument(principal, document)) throw notFoundError('Document');
      if (!document.acknowledgementRequired) {
        throw refused(
          'This document does not ask for an acknowledgement',
          'acknowledgement-not-required',
        );
      }
      if (input.version !== document.currentVersion) {
        throw refused(
          `Only the current version (${document.currentVersion}) can be acknowledged`,
          'version-superseded',
          'version',
        );
      }
      const repo = manager.getRepository(DocumentAcknowledgement);
      const known = await repo.findOneBy({
        documentId: document.id,
        version: input.version,
        contactId: principal.contactId,
      });
      if (known) return { document, acknowledgement: known, created: false };
      const version = await manager
        .getRepository(DocumentVersion)
        .findOneByOrFail({ documentId: document.id, version: input.version });
      const acknowledgement: DocumentAcknowledgement = Object.assign(
        new DocumentAcknowledgement(),
        {
          id: randomUUID(),
          documentId: document.id,
          customerId: document.customerId,
          version: version.version,
          versionSha256: version.sha256,
          contactId: principal.contactId,
          name,
          clientAddress: clientAddress?.slice(0, 64) ?? null,
          acknowledgedAt: new Date(),
        },
      );
      await repo.insert(acknowledgement);
      await recordDocumentsEvent(manager, 'document.acknowledged', {
        ...documentEventPayload(document, version, {
          kind: 'contact',
          contactId: principal.contactId,
        }),
        contactId: principal.contactId,
        name,
        versionSha256: version.sha256,
      });
      return { document, acknowledgement, created: true };
    });
    if (result.created) await this.outbox.notify();
    return result;
  }

  /** The customer's document settings (defaults when never set). */
  async settings(
    customerId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<CustomerDocumentSettings> {
    const row = await manager.getRepository(CustomerDocumentSettings).findOneBy({ customerId });
    return (
      row ??
      Object.assign(new CustomerDocumentSettings(), {
        customerId,
        uploadsAllowed: false,
        quotaBytes: null,
        usedBytes: 0,
        updatedAt: new Date(0),
      })
    );
  }

  /** The settings as staff read them, with the quota that applies. */
  async settingsInfo(
    customerId: string,
  ): Promise<{ uploadsAllowed: boolean; quotaBytes: number; usedBytes: number }> {
    const settings = await this.settings(customerId);
    return {
      uploadsAllowed: settings.uploadsAllowed,
      quotaBytes: settings.quotaBytes ?? this.limits.defaultQuotaBytes,
      usedBytes: settings.usedBytes,
    };
  }

  /** Staff decide whether a customer may send documents, and its quota (null: the default). */
  async setSettings(input: {
    customerId: string;
    uploadsAllowed: boolean;
    quotaBytes: number | null;
  }): Promise<CustomerDocumentSettings> {
    await this.directory.requireActive(input.customerId);
    if (
      input.quotaBytes !== null &&
      (!Number.isSafeInteger(input.quotaBytes) || input.quotaBytes < 0)
    ) {
      throw refused('quotaMegabytes must not be negative', 'invalid', 'quotaMegabytes');
    }
    return this.db.transaction(async (manager) => {
      await ensureSettings(manager, input.customerId);
      await manager.getRepository(CustomerDocumentSettings).update(
        { customerId: input.customerId },
        {
          uploadsAllowed: input.uploadsAllowed,
          quotaBytes: input.quotaBytes,
          updatedAt: new Date(),
        },
      );
      return this.settings(input.customerId, manager);
    });
  }
}

/** The settings row exists from here on (created with the defaults when missing). */
export async function ensureSettings(manager: EntityManager, customerId: string): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(CustomerDocumentSettings)
    .values({
      customerId,
      uploadsAllowed: false,
      quotaBytes: null,
      usedBytes: 0,
      updatedAt: new Date(),
    })
    .orIgnore()
    .execute();
}
