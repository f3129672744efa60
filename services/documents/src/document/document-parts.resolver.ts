import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import type { DocumentsContext } from '../context';
import { Customer } from '../customer/customer.type';
import { Invoice, PurchaseOrder, Quote } from '../links/linked.types';
import { Document, DocumentAcknowledgement, DocumentVersion } from './document.entity';
import {
  DocumentAcknowledgementInfo,
  DocumentCategory,
  DocumentDownloadInfo,
  DocumentOrigin,
  DocumentStatus,
  DocumentVisibility,
} from './document.inputs';

/** Who uploaded a version, as customers may see it: the business or a contact (never staff data). */
@RequireScopes('documents:read')
@ObjectType({ description: 'Who uploaded a version.' })
export class DocumentUploader {
  @Field(() => String, { description: '"business" or "contact".' })
  kind!: string;

  @Field(() => ID, { nullable: true, description: 'The contact, when a contact uploaded it.' })
  contactId!: string | null;
}

function uploaderOf(ref: string): DocumentUploader {
  return ref.startsWith('contact:')
    ? { kind: 'contact', contactId: ref.slice('contact:'.length) }
    : { kind: 'business', contactId: null };
}

async function currentVersionOf(
  document: Document,
  ctx: DocumentsContext,
): Promise<DocumentVersion | null> {
  if (document.currentVersion === 0) return null;
  const versions = await ctx.loaders.versionsByDocument.load(document.id);
  return versions.find((v) => v.version === document.currentVersion) ?? null;
}

/** Customer-side principals see the acknowledgements of their own customer's contacts. */
function ackInfo(row: DocumentAcknowledgement): DocumentAcknowledgementInfo {
  return {
    id: row.id,
    version: row.version,
    versionSha256: row.versionSha256,
    contactId: row.contactId,
    name: row.name,
    acknowledgedAt: row.acknowledgedAt,
    clientAddress: row.clientAddress,
  };
}

@Resolver(() => Document)
export class DocumentPartsResolver {
  @FieldResolver(() => DocumentCategory)
  category(@Root() document: Document): DocumentCategory {
    return document.category as DocumentCategory;
  }

  @FieldResolver(() => DocumentVisibility)
  @StaffOnly()
  visibility(@Root() document: Document): DocumentVisibility {
    return document.visibility as DocumentVisibility;
  }

  @FieldResolver(() => DocumentOrigin)
  origin(@Root() document: Document): DocumentOrigin {
    return document.origin as DocumentOrigin;
  }

  @FieldResolver(() => DocumentStatus)
  status(@Root() document: Document): DocumentStatus {
    if (document.currentVersion === 0) return DocumentStatus.AWAITING_FILE;
    if (document.expiresAt && document.expiresAt.getTime() <= Date.now()) {
      return DocumentStatus.EXPIRED;
    }
    return DocumentStatus.AVAILABLE;
  }

  @FieldResolver(() => Customer)
  customer(@Root() document: Document): Customer {
    return { id: document.customerId };
  }

  @FieldResolver(() => Invoice, { nullable: true, description: 'The invoice it is attached to.' })
  invoice(@Root() document: Document): Invoice | null {
    return document.attachedKind === 'invoice' && document.attachedId
      ? { id: document.attachedId }
      : null;
  }

  @FieldResolver(() => Quote, { nullable: true, description: 'The quote it is attached to.' })
  quote(@Root() document: Document): Quote | null {
    return document.attachedKind === 'quote' && document.attachedId
      ? { id: document.attachedId }
      : null;
  }

  @FieldResolver(() => PurchaseOrder, {
    nullable: true,
    description: 'The purchase order it is attached to.',
  })
  purchaseOrder(@Root() document: Document): PurchaseOrder | null {
    return document.attachedKind === 'purchase_order' && document.attachedId
      ? { id: document.attachedId }
      : null;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'After this instant the customer no longer sees it.',
  })
  expiresAt(@Root() document: Document): Date | null {
    return document.expiresAt;
  }

  @FieldResolver(() => Boolean)
  acknowledgementRequired(@Root() document: Document): boolean {
    return document.acknowledgementRequired;
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'When its first file was stored (it became visible).',
  })
  sharedAt(@Root() document: Document): Date | null {
    return document.sharedAt;
  }

  @FieldResolver(() => Date)
  createdAt(@Root() document: Document): Date {
    return document.createdAt;
  }

  @FieldResolver(() => Date)
  updatedAt(@Root() document: Document): Date {
    return document.updatedAt;
  }

  @FieldResolver(() => DocumentVersion, {
    nullable: true,
    description: 'The current file (null while awaiting the first one).',
  })
  currentVersion(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentVersion | null> {
    return currentVersionOf(document, ctx);
  }

  @FieldResolver(() => [DocumentVersion], {
    description: 'Every version, oldest first; the last is the current one.',
  })
  versions(@Root() document: Document, @Ctx() ctx: DocumentsContext): Promise<DocumentVersion[]> {
    return ctx.loaders.versionsByDocument.load(document.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A short-lived link to the current file, for you only (null while awaiting the first file). Every download is recorded.',
  })
  @SignedIn()
  async downloadUrl(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
  ): Promise<string | null> {
    const version = await currentVersionOf(document, ctx);
    return version ? ctx.services.files.downloadUrl(ctx.principal, document, version) : null;
  }

  @FieldResolver(() => [DocumentAcknowledgementInfo], {
    description: "Acknowledgements of any version by the customer's contacts, oldest first.",
  })
  async acknowledgements(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
    @Arg('version', () => Int, { nullable: true, description: 'Only of this version.' })
    version: number | null,
  ): Promise<DocumentAcknowledgementInfo[]> {
    const rows = await ctx.loaders.acknowledgementsByDocument.load(document.id);
    return rows.filter((r) => version == null || r.version === version).map(ackInfo);
  }

  @FieldResolver(() => Boolean, {
    description:
      'Whether the current version still needs your acknowledgement (always false for staff and partners).',
  })
  async acknowledgementPending(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
  ): Promise<boolean> {
    const principal = ctx.principal;
    if (principal.kind !== 'contact' || !document.acknowledgementRequired) return false;
    if (document.currentVersion === 0) return false;
    const rows = await ctx.loaders.acknowledgementsByDocument.load(document.id);
    return !rows.some(
      (r) => r.version === document.currentVersion && r.contactId === principal.contactId,
    );
  }

  @FieldResolver(() => [DocumentDownloadInfo], {
    description: 'Staff: every answered download, oldest first.',
  })
  @StaffOnly()
  async downloads(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentDownloadInfo[]> {
    const rows = await ctx.loaders.downloadsByDocument.load(document.id);
    return rows.map((r) => {
      const [kind, ...id] = r.principal.split(':');
      return {
        version: r.version,
        principalKind: kind ?? '',
        principalId: id.join(':'),
        byteRange: r.byteRange,
        downloadedAt: r.downloadedAt,
      };
    });
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: "Staff: when someone of the customer's side first downloaded it.",
  })
  @StaffOnly()
  async firstOpenedByCustomerAt(
    @Root() document: Document,
    @Ctx() ctx: DocumentsContext,
  ): Promise<Date | null> {
    const rows = await ctx.loaders.downloadsByDocument.load(document.id);
    return rows.find((r) => !r.principal.startsWith('staff:'))?.downloadedAt ?? null;
  }
}

@Resolver(() => DocumentVersion)
export class DocumentVersionResolver {
  @FieldResolver(() => Int, { description: 'Bytes.' })
  size(@Root() version: DocumentVersion): number {
    return version.sizeBytes;
  }

  @FieldResolver(() => DocumentUploader)
  uploadedBy(@Root() version: DocumentVersion): DocumentUploader {
    return uploaderOf(version.uploadedBy);
  }

  @FieldResolver(() => String, {
    description: 'A short-lived link to this version, for you only. Every download is recorded.',
  })
  @SignedIn()
  async downloadUrl(
    @Root() version: DocumentVersion,
    @Ctx() ctx: DocumentsContext,
  ): Promise<string> {
    const document = await ctx.loaders.document.load(version.documentId);
    // Versions are only reached through a document in scope.
    if (!document) throw new Error(`document ${version.documentId} is out of scope`);
    return ctx.services.files.downloadUrl(ctx.principal, document, version);
  }
}

@Resolver(() => DocumentAcknowledgementInfo)
export class DocumentAcknowledgementResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Staff: the address the acknowledgement came from.',
  })
  @StaffOnly()
  clientAddress(@Root() ack: DocumentAcknowledgementInfo): string | null {
    return ack.clientAddress;
  }
}
