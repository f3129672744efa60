import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { RequireScopes, SignedIn } from '@portico/kit';
import type { DocumentsContext } from '../context';
import { Customer } from '../customer/customer.type';
import type { AttachmentKind } from '../document/document.entity';
import { DocumentCategory, DocumentOrigin, DocumentPage } from '../document/document.inputs';
import { listDocuments, PAGE_ARGS } from '../document/document.resolver';
import { Invoice, PurchaseOrder, Quote } from './linked.types';

const CATEGORY_ARG = { nullable: true, description: 'Only these categories.' } as const;
const DESCRIPTION = (what: string) =>
  `Documents attached to this ${what}, in your scope, newest first.`;

function attachedPage(
  ctx: DocumentsContext,
  kind: AttachmentKind,
  id: string,
  category: DocumentCategory[] | null,
  first: number,
  after: string | null,
): Promise<DocumentPage> {
  return listDocuments(ctx, { attachedTo: { kind, id }, categories: category, first, after });
}

/** What documents adds to accounts' Customer: its documents, in the principal's scope. */
@Resolver(() => Customer)
export class CustomerDocumentsResolver {
  @FieldResolver(() => DocumentPage, {
    description:
      "This customer's documents, newest first (for its contacts: shared, with a file, not expired).",
  })
  @SignedIn()
  @RequireScopes('documents:read')
  documents(
    @Root() customer: Customer,
    @Ctx() ctx: DocumentsContext,
    @Arg('category', () => [DocumentCategory], CATEGORY_ARG) category: DocumentCategory[] | null,
    @Arg('origin', () => DocumentOrigin, { nullable: true }) origin: DocumentOrigin | null,
    @Arg('first', () => Int, PAGE_ARGS.first) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<DocumentPage> {
    return listDocuments(ctx, {
      customerId: customer.id,
      categories: category,
      origin,
      first,
      after,
    });
  }
}

@Resolver(() => Invoice)
export class InvoiceDocumentsResolver {
  @FieldResolver(() => DocumentPage, { description: DESCRIPTION('invoice') })
  @SignedIn()
  @RequireScopes('documents:read')
  documents(
    @Root() invoice: Invoice,
    @Ctx() ctx: DocumentsContext,
    @Arg('category', () => [DocumentCategory], CATEGORY_ARG) category: DocumentCategory[] | null,
    @Arg('first', () => Int, PAGE_ARGS.first) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<DocumentPage> {
    return attachedPage(ctx, 'invoice', invoice.id, category, first, after);
  }
}

@Resolver(() => Quote)
export class QuoteDocumentsResolver {
  @FieldResolver(() => DocumentPage, { description: DESCRIPTION('quote') })
  @SignedIn()
  @RequireScopes('documents:read')
  documents(
    @Root() quote: Quote,
    @Ctx() ctx: DocumentsContext,
    @Arg('category', () => [DocumentCategory], CATEGORY_ARG) category: DocumentCategory[] | null,
    @Arg('first', () => Int, PAGE_ARGS.first) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<DocumentPage> {
    return attachedPage(ctx, 'quote', quote.id, category, first, after);
  }
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderDocumentsResolver {
  @FieldResolver(() => DocumentPage, { description: DESCRIPTION('purchase order') })
  @SignedIn()
  @RequireScopes('documents:read')
  documents(
    @Root() order: PurchaseOrder,
    @Ctx() ctx: DocumentsContext,
    @Arg('category', () => [DocumentCategory], CATEGORY_ARG) category: DocumentCategory[] | null,
    @Arg('first', () => Int, PAGE_ARGS.first) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<DocumentPage> {
    return attachedPage(ctx, 'purchase_order', order.id, category, first, after);
  }
}
