import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RequireScopes } from '@portico/kit';
import { Document } from './document.entity';

export enum DocumentCategory {
  CONTRACT = 'contract',
  PRICE_LIST = 'price_list',
  CERTIFICATE = 'certificate',
  STATEMENT = 'statement',
  OTHER = 'other',
}
registerEnumType(DocumentCategory, { name: 'DocumentCategory' });

export enum DocumentVisibility {
  /** The customer's contacts see it once its file is stored, until it expires. */
  CUSTOMER = 'customer',
  /** Staff only, in every query. */
  INTERNAL = 'internal',
}
registerEnumType(DocumentVisibility, {
  name: 'DocumentVisibility',
  description: 'Who sees a document: the customer too, or staff only.',
});

export enum DocumentOrigin {
  BUSINESS = 'business',
  CUSTOMER = 'customer',
}
registerEnumType(DocumentOrigin, {
  name: 'DocumentOrigin',
  description: 'Who shared it: the business, or the customer sending it back.',
});

export enum DocumentStatus {
  /** Created; its first file has not been stored yet (staff only). */
  AWAITING_FILE = 'AWAITING_FILE',
  AVAILABLE = 'AVAILABLE',
  /** Past its expiry: customers no longer see it (staff only). */
  EXPIRED = 'EXPIRED',
}
registerEnumType(DocumentStatus, { name: 'DocumentStatus' });

export enum AttachmentKind {
  INVOICE = 'invoice',
  QUOTE = 'quote',
  PURCHASE_ORDER = 'purchase_order',
}
registerEnumType(AttachmentKind, {
  name: 'DocumentAttachmentKind',
  description: 'What a document can be attached to.',
});

@InputType({ description: 'The file about to be uploaded.' })
export class DocumentFileInput {
  @Field(() => String, {
    description:
      'Its name as the customer will see it: no path separators, control characters or reserved names; the extension must fit the type.',
  })
  fileName!: string;

  @Field(() => String, {
    description:
      'application/pdf, image/png, image/jpeg, image/gif, image/webp, text/plain, text/csv, or an Office/OpenDocument type. The bytes are checked against it.',
  })
  contentType!: string;
}

@InputType()
export class AttachToInput {
  @Field(() => AttachmentKind)
  kind!: AttachmentKind;

  @Field(() => ID, {
    description: "The invoice's, quote's or purchase order's id (the customer's own).",
  })
  id!: string;
}

@InputType()
export class ShareDocumentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { description: 'At most 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters.' })
  description!: string | null;

  @Field(() => DocumentCategory)
  category!: DocumentCategory;

  @Field(() => DocumentVisibility, { defaultValue: DocumentVisibility.CUSTOMER })
  visibility!: DocumentVisibility;

  @Field(() => AttachToInput, { nullable: true })
  attachTo!: AttachToInput | null;

  @Field(() => Date, {
    nullable: true,
    description: 'After this instant the customer no longer sees it.',
  })
  expiresAt!: Date | null;

  @Field(() => Boolean, { defaultValue: false })
  acknowledgementRequired!: boolean;

  @Field(() => DocumentFileInput)
  file!: DocumentFileInput;
}

@InputType()
export class SendDocumentInput {
  @Field(() => String, { description: 'At most 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'At most 5,000 characters.' })
  description!: string | null;

  @Field(() => DocumentCategory, { defaultValue: DocumentCategory.OTHER })
  category!: DocumentCategory;

  @Field(() => AttachToInput, { nullable: true })
  attachTo!: AttachToInput | null;

  @Field(() => DocumentFileInput)
  file!: DocumentFileInput;
}

@InputType()
export class AddDocumentVersionInput {
  @Field(() => ID)
  documentId!: string;

  @Field(() => DocumentFileInput)
  file!: DocumentFileInput;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateDocumentInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string removes it.' })
  description!: string | null | undefined;

  @Field(() => DocumentCategory, { nullable: true })
  category!: DocumentCategory | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'True removes the expiry.' })
  clearExpiry!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  acknowledgementRequired!: boolean | null;
}

@InputType()
export class AcknowledgeDocumentInput {
  @Field(() => ID)
  documentId!: string;

  @Field(() => Int, { description: 'The version read: it must be the current one.' })
  version!: number;

  @Field(() => String, { description: 'The name you sign with (at most 200 characters).' })
  name!: string;
}

@InputType()
export class SetCustomerDocumentSettingsInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => Boolean)
  uploadsAllowed!: boolean;

  @Field(() => Int, { nullable: true, description: "Megabytes; null: the service's default." })
  quotaMegabytes!: number | null;
}

@ObjectType({ description: 'Where and how to send the file: PUT the raw bytes to `url`.' })
export class DocumentUploadTicket {
  @Field(() => String)
  url!: string;

  @Field(() => String, { description: 'Always "PUT".' })
  method!: string;

  @Field(() => Date, { description: 'The upload must start before this instant.' })
  expiresAt!: Date;

  @Field(() => Int, {
    description: 'The most the file may hold, in bytes (size limit or quota left).',
  })
  maxBytes!: number;
}

@ObjectType()
export class DocumentUploadPayload {
  @Field(() => Document)
  document!: Document;

  @Field(() => DocumentUploadTicket)
  upload!: DocumentUploadTicket;
}

@ObjectType()
export class DocumentPayload {
  @Field(() => Document)
  document!: Document;
}

@RequireScopes('documents:read')
@ObjectType({ description: "A contact's acknowledgement of one version." })
export class DocumentAcknowledgementInfo {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: "SHA-256 of the version's bytes acknowledged." })
  versionSha256!: string;

  @Field(() => ID)
  contactId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Date)
  acknowledgedAt!: Date;

  /** Staff only (resolved in the parts resolver). */
  clientAddress!: string | null;
}

@ObjectType()
export class AcknowledgeDocumentPayload {
  @Field(() => Document)
  document!: Document;

  @Field(() => DocumentAcknowledgementInfo)
  acknowledgement!: DocumentAcknowledgementInfo;
}

@ObjectType({ description: 'One answered download (a whole file or a range of it).' })
export class DocumentDownloadInfo {
  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: '"staff", "contact" or "partner".' })
  principalKind!: string;

  @Field(() => ID, { description: 'The staff member, contact or partner client.' })
  principalId!: string;

  @Field(() => String, { nullable: true, description: 'bytes=a-b when a range was asked for.' })
  byteRange!: string | null;

  @Field(() => Date)
  downloadedAt!: Date;
}

@ObjectType()
export class DocumentPageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType({ description: 'A page of documents, newest first.' })
export class DocumentPage {
  @Field(() => [Document])
  nodes!: Document[];

  @Field(() => DocumentPageInfo)
  pageInfo!: DocumentPageInfo;
}

@ObjectType({ description: 'What a customer may send and store (staff only).' })
export class CustomerDocumentSettingsInfo {
  @Field(() => Boolean)
  uploadsAllowed!: boolean;

  @Field(() => Number, { description: "Bytes all of the customer's document versions may take." })
  quotaBytes!: number;

  @Field(() => Number, { description: 'Bytes they take now.' })
  usedBytes!: number;
}
