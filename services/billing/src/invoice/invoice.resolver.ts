import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CustomerScoped, notFoundError, RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import type { BillingContext } from '../context';
import { Customer } from '../customer/customer.type';
import { PurchaseOrder, Quote } from '../sales/sales.types';
import { CreditApplication } from '../credit/credit-note.entity';
import { money, Money, documentParty, DocumentParty, parseParty } from '@portico/commerce';
import { PaymentAllocation } from '../payment/payment.entity';
import { Invoice, InvoiceLine } from './invoice.entity';
import {
  CreateInvoiceInput,
  InvoiceIdInput,
  InvoicePage,
  InvoicePayload,
  UpdateDraftInvoiceInput,
  VoidInvoiceInput,
} from './invoice.inputs';
import { balanceDueMinor, invoiceStatus, InvoiceStatus } from './invoice.status';
import { invoicePdfParams } from '../documents/document-requests';

export async function listInvoices(
  ctx: BillingContext,
  args: {
    customerId?: string | null;
    status?: InvoiceStatus[] | null;
    issuedFrom?: string | null;
    issuedTo?: string | null;
    search?: string | null;
    first: number;
    after?: string | null;
  },
): Promise<InvoicePage> {
  const page = await ctx.services.invoices.list(ctx.principal, { ...args, statuses: args.status });
  for (const node of page.nodes) ctx.loaders.invoice.prime(node.id, node);
  return {
    nodes: page.nodes,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Query(() => InvoicePage, {
    description:
      "Invoices in your scope, newest first. Contacts see their own customer's (never drafts); staff may filter by customer.",
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  @CustomerScoped('customerId')
  invoices(
    @Ctx() ctx: BillingContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | null,
    @Arg('status', () => [InvoiceStatus], { nullable: true }) status: InvoiceStatus[] | null,
    @Arg('issuedFrom', () => String, { nullable: true, description: 'YYYY-MM-DD' })
    issuedFrom: string | null,
    @Arg('issuedTo', () => String, { nullable: true, description: 'YYYY-MM-DD' })
    issuedTo: string | null,
    @Arg('search', () => String, { nullable: true, description: 'Part of an invoice number.' })
    search: string | null,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<InvoicePage> {
    return listInvoices(ctx, { customerId, status, issuedFrom, issuedTo, search, first, after });
  }

  @Query(() => Invoice, {
    description: 'One invoice. Anything outside your scope, existing or not, is NOT_FOUND.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  async invoice(@Arg('id', () => ID) id: string, @Ctx() ctx: BillingContext): Promise<Invoice> {
    const invoice = await ctx.loaders.invoice.load(id);
    if (!invoice) throw notFoundError('Invoice');
    await ctx.services.invoices.recordFirstView(ctx.principal, invoice);
    return invoice;
  }

  @FieldResolver(() => InvoiceStatus)
  status(@Root() invoice: Invoice): InvoiceStatus {
    return invoiceStatus(invoice);
  }

  @FieldResolver(() => Customer)
  customer(@Root() invoice: Invoice): Customer {
    return { id: invoice.customerId };
  }

  @FieldResolver(() => Quote, {
    nullable: true,
    description: 'The quote this invoice was raised from (sales), if any.',
  })
  quote(@Root() invoice: Invoice): Quote | null {
    return invoice.quoteId ? { id: invoice.quoteId } : null;
  }

  @FieldResolver(() => PurchaseOrder, {
    nullable: true,
    description:
      "The customer's purchase order (the business's sales order) this invoice bills, if any.",
  })
  purchaseOrder(@Root() invoice: Invoice): PurchaseOrder | null {
    return invoice.purchaseOrderId ? { id: invoice.purchaseOrderId } : null;
  }

  @FieldResolver(() => [InvoiceLine])
  lines(@Root() invoice: Invoice, @Ctx() ctx: BillingContext): Promise<InvoiceLine[]> {
    return ctx.loaders.linesByInvoice.load(invoice.id);
  }

  @FieldResolver(() => Money, { description: 'Sum of line quantities × unit prices.' })
  subtotal(@Root() invoice: Invoice): Money {
    return money(invoice.subtotalMinor, invoice.currency);
  }

  @FieldResolver(() => Money)
  discount(@Root() invoice: Invoice): Money {
    return money(invoice.discountMinor, invoice.currency);
  }

  @FieldResolver(() => Money)
  tax(@Root() invoice: Invoice): Money {
    return money(invoice.taxMinor, invoice.currency);
  }

  @FieldResolver(() => Money, { description: 'subtotal − discount + tax.' })
  total(@Root() invoice: Invoice): Money {
    return money(invoice.totalMinor, invoice.currency);
  }

  @FieldResolver(() => Money, { description: 'Cash paid against this invoice, net of refunds.' })
  amountPaid(@Root() invoice: Invoice): Money {
    return money(invoice.paidMinor, invoice.currency);
  }

  @FieldResolver(() => Money, { description: 'Credit notes applied to this invoice.' })
  creditsApplied(@Root() invoice: Invoice): Money {
    return money(invoice.creditedMinor, invoice.currency);
  }

  @FieldResolver(() => Money, { description: 'total − amountPaid − creditsApplied.' })
  balanceDue(@Root() invoice: Invoice): Money {
    return money(balanceDueMinor(invoice), invoice.currency);
  }

  @FieldResolver(() => [PaymentAllocation], {
    description: 'Payments (and refunds) applied to it.',
  })
  paymentAllocations(
    @Root() invoice: Invoice,
    @Ctx() ctx: BillingContext,
  ): Promise<PaymentAllocation[]> {
    return ctx.loaders.allocationsByInvoice.load(invoice.id);
  }

  @FieldResolver(() => [CreditApplication])
  creditApplications(
    @Root() invoice: Invoice,
    @Ctx() ctx: BillingContext,
  ): Promise<CreditApplication[]> {
    return ctx.loaders.creditApplicationsByInvoice.load(invoice.id);
  }

  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The business that issued it, exactly as printed on it when it was issued (null while a draft, or when the organisation profile was not yet known).',
  })
  @RequireScopes('invoices:read')
  issuer(@Root() document: { issuerParty: string | null }): DocumentParty | null {
    return documentParty(document.issuerParty);
  }

  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The customer it is for, exactly as printed on it when it was issued: a later change of address does not rewrite it (null while a draft).',
  })
  @RequireScopes('invoices:read')
  recipient(@Root() document: { recipientParty: string | null }): DocumentParty | null {
    return documentParty(document.recipientParty);
  }

  @FieldResolver(() => String, {
    description:
      "A link to the invoice as a print-ready PDF, valid for a few minutes, for this invoice's customer only.",
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  pdfUrl(
    @Root() invoice: Invoice,
    @Ctx() ctx: BillingContext,
    @Arg('locale', () => String, {
      nullable: true,
      description: 'Document language: "en" or "es"; by default the customer\'s language.',
    })
    locale: string | null | undefined,
  ): string {
    return ctx.services.documents.url({
      kind: 'invoice.pdf',
      customerId: invoice.customerId,
      params: invoicePdfParams(
        invoice,
        locale ?? parseParty(invoice.recipientParty)?.locale ?? undefined,
      ),
    });
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description: 'Staff: when a contact first opened the invoice in the portal.',
  })
  @StaffOnly()
  viewedAt(@Root() invoice: Invoice): Date | null {
    return invoice.firstViewedAt;
  }

  @Mutation(() => InvoicePayload, { description: 'Staff: a new draft invoice.' })
  @StaffOnly('accountant')
  async createInvoice(
    @Arg('input', () => CreateInvoiceInput) input: CreateInvoiceInput,
    @Ctx() ctx: BillingContext,
  ): Promise<InvoicePayload> {
    return { invoice: await ctx.services.invoices.createDraft(input) };
  }

  @Mutation(() => InvoicePayload, { description: 'Staff: edit a draft.' })
  @StaffOnly('accountant')
  async updateDraftInvoice(
    @Arg('input', () => UpdateDraftInvoiceInput) input: UpdateDraftInvoiceInput,
    @Ctx() ctx: BillingContext,
  ): Promise<InvoicePayload> {
    return { invoice: await ctx.services.invoices.updateDraft(input) };
  }

  @Mutation(() => InvoicePayload, {
    description: 'Staff: send a draft; it gets its number and becomes visible to the customer.',
  })
  @StaffOnly('accountant')
  async issueInvoice(
    @Arg('input', () => InvoiceIdInput) input: InvoiceIdInput,
    @Ctx() ctx: BillingContext,
  ): Promise<InvoicePayload> {
    return { invoice: await ctx.services.invoices.issue(input.id) };
  }

  @Mutation(() => InvoicePayload, {
    description:
      'Staff: void an invoice with nothing paid or credited on it and no online payment in progress.',
  })
  @StaffOnly('accountant')
  async voidInvoice(
    @Arg('input', () => VoidInvoiceInput) input: VoidInvoiceInput,
    @Ctx() ctx: BillingContext,
  ): Promise<InvoicePayload> {
    return { invoice: await ctx.services.invoices.void(input.id, input.reason) };
  }
}

@Resolver(() => InvoiceLine)
export class InvoiceLineResolver {
  private async currency(line: InvoiceLine, ctx: BillingContext): Promise<string> {
    const invoice = await ctx.loaders.invoice.load(line.invoiceId);
    return invoice?.currency ?? 'XXX';
  }

  @FieldResolver(() => String, { description: 'Decimal quantity, e.g. "1.5".' })
  quantity(@Root() line: InvoiceLine): string {
    const whole = Math.trunc(line.quantityMilli / 1000);
    const fraction = (line.quantityMilli % 1000).toString().padStart(3, '0').replace(/0+$/, '');
    return fraction ? `${whole}.${fraction}` : String(whole);
  }

  @FieldResolver(() => Money)
  async unitPrice(@Root() line: InvoiceLine, @Ctx() ctx: BillingContext): Promise<Money> {
    return money(line.unitPriceMinor, await this.currency(line, ctx));
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "10".' })
  discountPercent(@Root() line: InvoiceLine): string {
    return percent(line.discountBasisPoints);
  }

  @FieldResolver(() => Money)
  async discount(@Root() line: InvoiceLine, @Ctx() ctx: BillingContext): Promise<Money> {
    return money(line.discountMinor, await this.currency(line, ctx));
  }

  @FieldResolver(() => String, { description: 'Percent, e.g. "21".' })
  taxPercent(@Root() line: InvoiceLine): string {
    return percent(line.taxBasisPoints);
  }

  @FieldResolver(() => Money)
  async tax(@Root() line: InvoiceLine, @Ctx() ctx: BillingContext): Promise<Money> {
    return money(line.taxMinor, await this.currency(line, ctx));
  }

  @FieldResolver(() => Money, {
    description: 'quantity × unit price − discount + tax, rounded half-up per line.',
  })
  async total(@Root() line: InvoiceLine, @Ctx() ctx: BillingContext): Promise<Money> {
    return money(line.totalMinor, await this.currency(line, ctx));
  }
}

function percent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = (basisPoints % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
