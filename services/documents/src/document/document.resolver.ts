import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import {
  codedError,
  CustomerScoped,
  ErrorCode,
  notFoundError,
  RequireScopes,
  SignedIn,
  StaffOnly,
  type ContactPrincipal,
  type Principal,
} from '@portico/kit';
import type { DocumentsContext } from '../context';
import { Document, type AttachmentKind } from './document.entity';
import type { DocumentListOptions } from './document-reads';
import {
  AcknowledgeDocumentInput,
  AcknowledgeDocumentPayload,
  AddDocumentVersionInput,
  CustomerDocumentSettingsInfo,
  DocumentCategory,
  DocumentOrigin,
  DocumentPage,
  DocumentPayload,
  DocumentUploadPayload,
  SendDocumentInput,
  SetCustomerDocumentSettingsInput,
  ShareDocumentInput,
  UpdateDocumentInput,
} from './document.inputs';
import type { UploadTicket } from './document.service';

const MIB = 1024 * 1024;

/** A page of documents in the principal's scope, primed into the per-request loader. */
export async function listDocuments(
  ctx: DocumentsContext,
  options: DocumentListOptions,
): Promise<DocumentPage> {
  const page = await ctx.services.reads.list(ctx.principal, options);
  for (const node of page.nodes) ctx.loaders.document.prime(node.id, node);
  return {
    nodes: page.nodes,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

export const PAGE_ARGS = {
  first: { defaultValue: 20, description: '1 to 100.' },
} as const;

function contactOnly(principal: Principal): ContactPrincipal {
  if (principal.kind !== 'contact') {
    throw codedError(ErrorCode.Forbidden, "Only a customer's contacts can do this");
  }
  return principal;
}

function uploadPayload(result: {
  document: Document;
  upload: UploadTicket;
}): DocumentUploadPayload {
  return { document: result.document, upload: { ...result.upload, method: 'PUT' } };
}

function attachment(
  input: { kind: string; id: string } | null | undefined,
): { kind: AttachmentKind; id: string } | null {
  return input ? { kind: input.kind as AttachmentKind, id: input.id } : null;
}

@Resolver(() => Document)
export class DocumentResolver {
  @Query(() => DocumentPage, {
    description:
      "Documents in your scope, newest first. Contacts see their own customer's shared documents (never internal, expired or still without a file); staff may filter by customer and see everything.",
  })
  @SignedIn()
  @RequireScopes('documents:read')
  @CustomerScoped('customerId')
  documents(
    @Ctx() ctx: DocumentsContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | null,
    @Arg('category', () => [DocumentCategory], { nullable: true })
    category: DocumentCategory[] | null,
    @Arg('origin', () => DocumentOrigin, {
      nullable: true,
      description: 'CUSTOMER: what customers sent the business.',
    })
    origin: DocumentOrigin | null,
    @Arg('first', () => Int, PAGE_ARGS.first) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<DocumentPage> {
    return listDocuments(ctx, { customerId, categories: category, origin, first, after });
  }

  @Query(() => Document, {
    description: 'One document. Anything outside your scope, existing or not, is NOT_FOUND.',
  })
  @SignedIn()
  @RequireScopes('documents:read')
  async document(@Arg('id', () => ID) id: string, @Ctx() ctx: DocumentsContext): Promise<Document> {
    const document = await ctx.loaders.document.load(id);
    if (!document) throw notFoundError('Document');
    return document;
  }

  @Query(() => CustomerDocumentSettingsInfo, {
    description: 'Staff: whether a customer may send documents, its quota and what it uses.',
  })
  @StaffOnly()
  async customerDocumentSettings(
    @Arg('customerId', () => ID) customerId: string,
    @Ctx() ctx: DocumentsContext,
  ): Promise<CustomerDocumentSettingsInfo> {
    return ctx.services.documents.settingsInfo(customerId);
  }

  @Mutation(() => DocumentUploadPayload, {
    description:
      'Staff: share a document with a customer (or keep it internal). Returns an upload link; the customer sees the document once its file is stored.',
  })
  @StaffOnly()
  async shareDocument(
    @Arg('input', () => ShareDocumentInput) input: ShareDocumentInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentUploadPayload> {
    return uploadPayload(
      await ctx.services.documents.share(ctx.principal, {
        ...input,
        attachTo: attachment(input.attachTo),
      }),
    );
  }

  @Mutation(() => DocumentUploadPayload, {
    description:
      'Contacts: send the business a document (where the business accepts them from your customer). Returns an upload link.',
  })
  @SignedIn()
  async sendDocument(
    @Arg('input', () => SendDocumentInput) input: SendDocumentInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentUploadPayload> {
    return uploadPayload(
      await ctx.services.documents.send(contactOnly(ctx.principal), {
        ...input,
        attachTo: attachment(input.attachTo),
      }),
    );
  }

  @Mutation(() => DocumentUploadPayload, {
    description:
      'A new version of a document (staff; contacts for documents their customer sent). The previous versions stay readable.',
  })
  @SignedIn()
  async addDocumentVersion(
    @Arg('input', () => AddDocumentVersionInput) input: AddDocumentVersionInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentUploadPayload> {
    if (ctx.principal.kind === 'partner') {
      throw codedError(ErrorCode.Forbidden, 'Partners cannot upload documents');
    }
    return uploadPayload(
      await ctx.services.documents.addVersion(ctx.principal, input.documentId, input.file),
    );
  }

  @Mutation(() => DocumentPayload, { description: 'Staff: change what a document says.' })
  @StaffOnly()
  async updateDocument(
    @Arg('input', () => UpdateDocumentInput) input: UpdateDocumentInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<DocumentPayload> {
    return { document: await ctx.services.documents.update(input) };
  }

  @Mutation(() => AcknowledgeDocumentPayload, {
    description:
      "Contacts: acknowledge the current version of a document that asks for it. Your name, the time, your address and the version's SHA-256 are kept; a second acknowledgement of the same version answers the first.",
  })
  @SignedIn()
  async acknowledgeDocument(
    @Arg('input', () => AcknowledgeDocumentInput) input: AcknowledgeDocumentInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<AcknowledgeDocumentPayload> {
    return ctx.services.documents.acknowledge(contactOnly(ctx.principal), input, ctx.clientAddress);
  }

  @Mutation(() => CustomerDocumentSettingsInfo, {
    description: 'Staff (admin): whether a customer may send documents, and its storage quota.',
  })
  @StaffOnly('admin')
  async setCustomerDocumentSettings(
    @Arg('input', () => SetCustomerDocumentSettingsInput) input: SetCustomerDocumentSettingsInput,
    @Ctx() ctx: DocumentsContext,
  ): Promise<CustomerDocumentSettingsInfo> {
    if (input.quotaMegabytes !== null && input.quotaMegabytes < 0) {
      throw codedError(ErrorCode.BadUserInput, 'quotaMegabytes must not be negative', {
        extensions: { field: 'quotaMegabytes' },
      });
    }
    await ctx.services.documents.setSettings({
      customerId: input.customerId,
      uploadsAllowed: input.uploadsAllowed,
      quotaBytes: input.quotaMegabytes === null ? null : input.quotaMegabytes * MIB,
    });
    return ctx.services.documents.settingsInfo(input.customerId);
  }
}
