import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { RequireScopes, SignedIn } from '@portico/kit';
import type { SalesContext } from '../context';
import { PurchaseOrderPage } from '../order/order.inputs';
import { listPurchaseOrders } from '../order/order.resolver';
import { PurchaseOrderStatus } from '../order/order.status';
import { QuotePage } from '../quote/quote.inputs';
import { listQuotes } from '../quote/quote.resolver';
import { QuoteStatus } from '../quote/quote.status';
import { Customer } from './customer.type';

/** What sales adds to accounts' Customer: its quotes and purchase orders, in the principal's scope. */
@Resolver(() => Customer)
export class CustomerSalesResolver {
  @FieldResolver(() => QuotePage, {
    description: "This customer's quotes, newest first (never drafts, for customers).",
  })
  @SignedIn()
  @RequireScopes('quotes:read')
  quotes(
    @Root() customer: Customer,
    @Ctx() ctx: SalesContext,
    @Arg('status', () => [QuoteStatus], { nullable: true }) status: QuoteStatus[] | null,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<QuotePage> {
    return listQuotes(ctx, { customerId: customer.id, status, first, after });
  }

  @FieldResolver(() => PurchaseOrderPage, {
    description:
      "This customer's purchase orders (sales orders on the business's side), newest order date first.",
  })
  @SignedIn()
  @RequireScopes('orders:read')
  purchaseOrders(
    @Root() customer: Customer,
    @Ctx() ctx: SalesContext,
    @Arg('status', () => [PurchaseOrderStatus], { nullable: true })
    status: PurchaseOrderStatus[] | null,
    @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<PurchaseOrderPage> {
    return listPurchaseOrders(ctx, { customerId: customer.id, status, first, after });
  }
}
