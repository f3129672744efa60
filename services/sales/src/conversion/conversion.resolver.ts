import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { StaffOnly } from '@portico/kit';
import type { SalesContext } from '../context';
import { PurchaseOrder } from '../order/order.entity';
import { actorOf } from '../order/order.resolver';
import { Quote } from '../quote/quote.entity';
import { ConvertQuoteInput, ConvertQuotePayload } from './conversion.inputs';

@Resolver(() => Quote)
export class QuoteConversionResolver {
  @Mutation(() => ConvertQuotePayload, {
    description:
      'Staff: an accepted quote becomes a purchase order with the lines the customer accepted, and, when asked, an invoice in billing. A quote converts once.',
  })
  @StaffOnly('sales')
  async convertQuote(
    @Arg('input', () => ConvertQuoteInput) input: ConvertQuoteInput,
    @Ctx() ctx: SalesContext,
  ): Promise<ConvertQuotePayload> {
    return ctx.services.conversions.convert(ctx.principal, actorOf(ctx.principal), input.id, {
      createInvoice: input.createInvoice,
      invoiceDueDate: input.invoiceDueDate,
      expectedDeliveryDate: input.expectedDeliveryDate,
    });
  }

  @FieldResolver(() => PurchaseOrder, {
    nullable: true,
    description:
      "The purchase order the quote became once converted (a sales order on the business's side).",
  })
  async purchaseOrder(
    @Root() quote: Quote,
    @Ctx() ctx: SalesContext,
  ): Promise<PurchaseOrder | null> {
    return quote.purchaseOrderId ? ctx.loaders.purchaseOrder.load(quote.purchaseOrderId) : null;
  }
}

@Resolver(() => PurchaseOrder)
export class PurchaseOrderQuoteResolver {
  @FieldResolver(() => Quote, {
    nullable: true,
    description: 'The quote the order came from, if it came from one.',
  })
  async quote(@Root() order: PurchaseOrder, @Ctx() ctx: SalesContext): Promise<Quote | null> {
    return order.quoteId ? ctx.loaders.quote.load(order.quoteId) : null;
  }
}
