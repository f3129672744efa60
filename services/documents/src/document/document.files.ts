import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { forUpdate, type Database, type Outbox, type Principal } from '@portico/kit';
import type { DocumentSigner } from '@portico/commerce';
import { recordDocumentsEvent } from '../events/documents-events';
import { checkFileName } from '../files/file-name';
import { normaliseContentType } from '../files/file-types';
import type { FileStorage } from '../storage/file-storage';
import type { UploadRefusal } from '../files/receive-upload';
import {
  CustomerDocumentSettings,
  Document,
  DocumentDownload,
  DocumentUpload,
  DocumentVersion,
} from './document.entity';
import { documentEventPayload, ensureSettings, type FileLimits } from './document.service';
import { principalRef, visibleToCustomer } from './document.rules';

/** What a client declares of a file before uploading it. */
export interface UploadFile {
  fileName: string;
  contentType: string;
}

/** The declared file, checked: an allowed type, a safe name that fits it. */
export function parseUploadFile(file: UploadFile): UploadFile {
  const contentType = normaliseContentType(file.contentType);
  return { contentType, fileName: checkFileName(file.fileName, contentType) };
}

/** Why an upload was not taken, as the upload route answers it (see receive-upload). */
export class UploadRefused extends Error {
  readonly refusal: UploadRefusal;
  constructor(status: number, code: string, reason: string, message: string) {
    super(message);
    this.refusal = { status, error: message, code, reason };
  }
}

const quotaUsedUp = () =>
  new UploadRefused(
    413,
    'PAYLOAD_TOO_LARGE',
    'QUOTA_EXCEEDED',
    "The customer's storage quota is used up",
  );

/** An upload that may receive its body now. */
export interface ClaimedUpload {
  upload: DocumentUpload;
  storageKey: string;
  /** The file size limit. */
  maxBytes: number;
  /** What is left of the customer's quota. */
  remainingQuota: number;
}

/**
 * The files side of documents: taking an upload's body into storage and
 * making it the document's next version in one transaction (quota, version,
 * visibility, event), minting download links and recording each download.
 */
export class DocumentFiles {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    readonly storage: FileStorage,
    private readonly downloadSigner: DocumentSigner,
    private readonly limits: FileLimits,
  ) {}

  /**
   * Claims a pending upload for one request: a second request with the same
   * link while a body streams in is refused (409), an expired or used link
   * is not found.
   */
  async claim(uploadId: string, customerId: string): Promise<ClaimedUpload> {
    const now = new Date();
    const result = await this.db.manager
      .createQueryBuilder()
      .update(DocumentUpload)
      .set({ state: 'receiving', claimedAt: now })
      .where("id = :id AND customerId = :customerId AND state = 'pending' AND expiresAt > :now", {
        id: uploadId,
        customerId,
        now,
      })
      .execute();
    const upload = await this.db.manager.getRepository(DocumentUpload).findOneBy({ id: uploadId });
    if (!result.affected || !upload) {
      if (upload?.state === 'receiving') {
        throw new UploadRefused(
          409,
          'CONFLICT',
          'UPLOAD_IN_PROGRESS',
          'This upload is already being received',
        );
      }
      throw new UploadRefused(
        404,
        'NOT_FOUND',
        'NOT_FOUND',
        'This link is not valid or has expired',
      );
    }
    const settings = await this.db.manager
      .getRepository(CustomerDocumentSettings)
      .findOneBy({ customerId });
    const quota = settings?.quotaBytes ?? this.limits.defaultQuotaBytes;
    const left = quota - (settings?.usedBytes ?? 0);
    if (left <= 0) {
      await this.release(upload.id);
      throw quotaUsedUp();
    }
    return {
      upload,
      storageKey: `customers/${customerId}/${upload.documentId}/${upload.id}`,
      maxBytes: this.limits.maxFileBytes,
      remainingQuota: left,
    };
  }

  /** A body that failed: the link may be used again while it is valid. */
  async release(uploadId: string): Promise<void> {
    await this.db.manager
      .getRepository(DocumentUpload)
      .update({ id: uploadId, state: 'receiving' }, { state: 'pending', claimedAt: null });
  }

  /**
   * The stored file becomes the document's next version: the quota is taken
   * by a conditional update (two uploads at once never pass it together), the
   * version written, the document made visible, the event recorded — all or
   * nothing. On any refusal the stored object is removed.
   */
  async complete(
    claimed: ClaimedUpload,
    stored: { size: number; sha256: string },
  ): Promise<DocumentVersion> {
    const { upload } = claimed;
    try {
      const { version, shared } = await this.db.transaction(async (manager) => {
        await ensureSettings(manager, upload.customerId);
        const taken = await manager
          .createQueryBuilder()
          .update(CustomerDocumentSettings)
          .set({ usedBytes: () => 'usedBytes + :size', updatedAt: new Date() })
          .where('customerId = :customerId AND usedBytes + :size <= COALESCE(quotaBytes, :quota)', {
            customerId: upload.customerId,
            quota: this.limits.defaultQuotaBytes,
          })
          .setParameter('size', stored.size)
          .execute();
        if (!taken.affected) {
          throw quotaUsedUp();
        }
        const documents = manager.getRepository(Document);
        const document = await documents.findOneOrFail({
          where: { id: upload.documentId },
          ...forUpdate(manager),
        });
        const now = new Date();
        const version: DocumentVersion = Object.assign(new DocumentVersion(), {
          id: randomUUID(),
          documentId: document.id,
          customerId: document.customerId,
          version: document.currentVersion + 1,
          fileName: upload.fileName,
          contentType: upload.contentType,
          sizeBytes: stored.size,
          sha256: stored.sha256,
          storageKey: claimed.storageKey,
          uploadedBy: upload.requestedBy,
          uploadedAt: now,
        });
        await manager.getRepository(DocumentVersion).insert(version);
        const firstFile = document.currentVersion === 0;
        await documents.update(
          { id: document.id },
          {
            currentVersion: version.version,
            updatedAt: now,
            ...(firstFile ? { sharedAt: now } : {}),
          },
        );
        const marked = await manager
          .getRepository(DocumentUpload)
          .update(
            { id: upload.id, state: 'receiving' },
            { state: 'stored', version: version.version },
          );
        if (!marked.affected) {
          throw new UploadRefused(404, 'NOT_FOUND', 'NOT_FOUND', 'This link is not valid');
        }
        document.currentVersion = version.version;
        const shared = document.visibility === 'customer';
        if (shared) {
          const byContact = upload.requestedBy.startsWith('contact:');
          const actor = byContact
            ? { kind: 'contact' as const, contactId: upload.requestedBy.slice('contact:'.length) }
            : { kind: 'business' as const };
          await recordDocumentsEvent(
            manager,
            document.origin === 'customer'
              ? 'document.received'
              : firstFile
                ? 'document.shared'
                : 'document.version_added',
            documentEventPayload(document, version, actor),
          );
        }
        return { version, shared };
      });
      if (shared) await this.outbox.notify();
      return version;
    } catch (error) {
      await this.storage.delete(claimed.storageKey).catch(() => undefined);
      await this.release(upload.id).catch(() => undefined);
      throw error;
    }
  }

  /** A download link for one version, bound to the principal it was minted for. */
  downloadUrl(principal: Principal, document: Document, version: DocumentVersion): string {
    return this.downloadSigner.url({
      kind: 'download',
      customerId: document.customerId,
      params: {
        documentId: document.id,
        version: String(version.version),
        principal: principalRef(principal),
        ...(principal.kind === 'contact' ? { contactId: principal.contactId } : {}),
      },
    });
  }

  /**
   * What a download link may serve now: the version, if the document still
   * belongs to the customer named in the link and the principal it was minted
   * for may still see it (an expired document is gone for customers).
   */
  async servable(grant: {
    customerId: string;
    params: Record<string, string>;
  }): Promise<{ document: Document; version: DocumentVersion } | null> {
    const number = Number(grant.params.version);
    const document = await this.db.manager
      .getRepository(Document)
      .findOneBy({ id: grant.params.documentId ?? '' });
    if (!document || document.customerId !== grant.customerId || !Number.isInteger(number)) {
      return null;
    }
    // Staff links serve any document; a customer-side link (a contact's or a
    // partner's, whose customers were checked when it was minted) only what
    // the customer may see now.
    const ref = grant.params.principal ?? '';
    if (ref.startsWith('staff:')) {
      // staff see every document
    } else if (ref.startsWith('contact:') || ref.startsWith('partner:')) {
      if (!visibleToCustomer(document)) return null;
    } else {
      return null;
    }
    const version = await this.db.manager
      .getRepository(DocumentVersion)
      .findOneBy({ documentId: document.id, version: number });
    return version ? { document, version } : null;
  }

  async recordDownload(
    document: Document,
    version: DocumentVersion,
    principal: string,
    byteRange: string | null,
    clientAddress: string | null,
  ): Promise<void> {
    await this.db.manager.getRepository(DocumentDownload).insert({
      id: randomUUID(),
      documentId: document.id,
      customerId: document.customerId,
      version: version.version,
      principal,
      byteRange: byteRange?.slice(0, 60) ?? null,
      clientAddress: clientAddress?.slice(0, 64) ?? null,
      downloadedAt: new Date(),
    });
  }

  open(version: DocumentVersion, range?: { start: number; end: number }): Promise<Readable | null> {
    return this.storage.get(version.storageKey, range);
  }
}
