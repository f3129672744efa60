import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { BooleanColumn, ExactTokenColumn, MinorUnitsColumn, RequireScopes } from '@portico/kit';

/** Kinds of record a document can be attached to (entities of billing and sales). */
export type AttachmentKind = 'invoice' | 'quote' | 'purchase_order';

/** Who shares what: the business shares with its customer, a customer sends back. */
export type DocumentOrigin = 'business' | 'customer';

/** `customer`: the customer's contacts see it once a file is stored; `internal`: staff only. */
export type DocumentVisibilityValue = 'customer' | 'internal';

/**
 * A document shared between the business and one customer. Its file lives
 * in versions: `currentVersion` is 0 until the first file is stored, and a
 * document without a file is never visible to the customer.
 */
@ObjectType({
  description:
    'A file the business shares with a customer (or a customer sends the business), with its versions, downloads and acknowledgements.',
})
@Directive('@key(fields: "id")')
// Partner data of documents:read, however reached.
@RequireScopes('documents:read')
@Entity({ name: 'documents' })
@Index('idx_documents_customer_created', ['customerId', 'createdAt'])
@Index('idx_documents_attachment', ['attachedKind', 'attachedId'])
export class Document {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** contract, price_list, certificate, statement, other. */
  @ExactTokenColumn({ length: 20 })
  category!: string;

  @ExactTokenColumn({ length: 10 })
  visibility!: DocumentVisibilityValue;

  @ExactTokenColumn({ length: 10 })
  origin!: DocumentOrigin;

  @ExactTokenColumn({ length: 20, nullable: true })
  attachedKind!: AttachmentKind | null;

  @ExactTokenColumn({ length: 36, nullable: true })
  attachedId!: string | null;

  /** After this instant customers no longer see it (staff still do). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @BooleanColumn()
  acknowledgementRequired!: boolean;

  /** 0 until the first file is stored. */
  @Column({ type: 'integer' })
  currentVersion!: number;

  /** `staff:<id>` or `contact:<id>`. */
  @ExactTokenColumn({ length: 80 })
  createdBy!: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;

  /** When the first file was stored (the document became visible). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  sharedAt!: Date | null;
}

/** One stored file of a document; a new version supersedes the previous one, which stays readable. */
@ObjectType({ description: 'One file of a document. Versions are never changed or removed.' })
@RequireScopes('documents:read')
@Entity({ name: 'document_versions' })
@Index('uq_document_versions', ['documentId', 'version'], { unique: true })
export class DocumentVersion {
  @Field(() => ID)
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  documentId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Field(() => Int, { description: '1 for the first file, one more for each new one.' })
  @Column({ type: 'integer' })
  version!: number;

  @Field(() => String, {
    description: 'The file name as given when uploaded (checked, normalised).',
  })
  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  @Field(() => String, {
    description: 'The content type, checked against the bytes when uploaded.',
  })
  @ExactTokenColumn({ length: 100 })
  contentType!: string;

  @MinorUnitsColumn()
  sizeBytes!: number;

  @Field(() => String, { description: 'SHA-256 of the bytes, hex.' })
  @ExactTokenColumn({ length: 64 })
  sha256!: string;

  @ExactTokenColumn({ length: 200 })
  storageKey!: string;

  @ExactTokenColumn({ length: 80 })
  uploadedBy!: string;

  @Field(() => Date)
  @Column({ type: 'datetime', precision: 3 })
  uploadedAt!: Date;
}

export type UploadState = 'pending' | 'receiving' | 'stored';

/**
 * A signed upload URL handed out and not yet used: what the file will
 * become (a document's next version) and what it must be. Claimed
 * ('receiving') while a body streams in, so two requests never write one
 * upload; back to 'pending' if that body fails.
 */
@Entity({ name: 'document_uploads' })
export class DocumentUpload {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  documentId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  @ExactTokenColumn({ length: 100 })
  contentType!: string;

  @ExactTokenColumn({ length: 12 })
  state!: UploadState;

  @ExactTokenColumn({ length: 80 })
  requestedBy!: string;

  /** The version made from it, once stored. */
  @Column({ type: 'integer', nullable: true })
  version!: number | null;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  claimedAt!: Date | null;
}

/** One answered download request (a whole file or a range of it). */
@Entity({ name: 'document_downloads' })
@Index('idx_document_downloads_document', ['documentId', 'downloadedAt'])
export class DocumentDownload {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  documentId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** `staff:<id>`, `contact:<id>` or `partner:<id>`. */
  @ExactTokenColumn({ length: 80 })
  principal!: string;

  /** `bytes=a-b` when a range was asked for. */
  @ExactTokenColumn({ length: 60, nullable: true })
  byteRange!: string | null;

  @ExactTokenColumn({ length: 64, nullable: true })
  clientAddress!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  downloadedAt!: Date;
}

/** A contact's acknowledgement of one version: who, when, from where, of which bytes. */
@Entity({ name: 'document_acknowledgements' })
@Index('uq_document_acknowledgements', ['documentId', 'version', 'contactId'], { unique: true })
export class DocumentAcknowledgement {
  @ExactTokenColumn({ length: 36, primary: true })
  id!: string;

  @ExactTokenColumn({ length: 36 })
  documentId!: string;

  @ExactTokenColumn({ length: 36 })
  customerId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @ExactTokenColumn({ length: 64 })
  versionSha256!: string;

  @ExactTokenColumn({ length: 36 })
  contactId!: string;

  /** The name the contact signed with. */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @ExactTokenColumn({ length: 64, nullable: true })
  clientAddress!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  acknowledgedAt!: Date;
}

/**
 * Per customer: may its contacts upload documents, and how many bytes all
 * of its documents' versions may take (null: the service's default quota).
 * `usedBytes` moves only by conditional updates, so two uploads at once
 * never pass the quota together.
 */
@Entity({ name: 'customer_document_settings' })
export class CustomerDocumentSettings {
  @ExactTokenColumn({ length: 36, primary: true })
  customerId!: string;

  @BooleanColumn()
  uploadsAllowed!: boolean;

  @MinorUnitsColumn({ nullable: true })
  quotaBytes!: number | null;

  @MinorUnitsColumn()
  usedBytes!: number;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const DOCUMENT_ENTITIES = [
  Document,
  DocumentVersion,
  DocumentUpload,
  DocumentDownload,
  DocumentAcknowledgement,
  CustomerDocumentSettings,
];
