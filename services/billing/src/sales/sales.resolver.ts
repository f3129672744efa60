import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequireScopes, SignedIn } from '@portico/kit';
import type { BillingContext } from '../context';
import { Invoice } from '../invoice/invoice.entity';
import { PurchaseOrder, Quote } from './sales.types';

@Resolver(() => Quote)
export class QuoteBillingResolver {
  @FieldResolver(() => [Invoice], {
    description:
      'Invoices raised from this quote, in your scope (drafts for staff only), newest first.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  invoices(@Root() quote: Quote, @Ctx() ctx: BillingContext): Promise<Invoice[]> {
    return ctx.loaders.invoicesByQuote.load(quote.id);
  }
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderBillingResolver {
  @FieldResolver(() => [Invoice], {
    description:
      'Invoices raised against this order, in your scope (drafts for staff only), newest first.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  invoices(@Root() order: PurchaseOrder, @Ctx() ctx: BillingContext): Promise<Invoice[]> {
    return ctx.loaders.invoicesByPurchaseOrder.load(order.id);
  }
}

/**
 * `_entities` for the sales stubs: billing cannot tell whose a quote or an
 * order is, so the reference resolves to the bare key and everything billing
 * adds to it goes through the principal's scope (another customer's quote
 * has no invoices for you).
 */
export function resolveSalesReference(reference: { id: string }): { id: string } {
  return { id: reference.id };
}
