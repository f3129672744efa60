import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { CustomerScoped, notFoundError, RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import type { AccountsContext } from '../context';
import { Customer } from './customer.entity';
import { CustomerPage } from './customer.inputs';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerPage, { description: 'Staff: every customer, ordered by company name.' })
  @StaffOnly()
  async customers(
    @Ctx() ctx: AccountsContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Matches company name, display name or email.',
    })
    search: string | null,
  ): Promise<CustomerPage> {
    const page = await ctx.services.customers.list(ctx.principal, { first, after, search });
    for (const node of page.nodes) ctx.loaders.customer.prime(node.id, node);
    return {
      nodes: page.nodes,
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    };
  }

  @Query(() => Customer, {
    description:
      'One customer. Contacts may read only their own; any other id, existing or not, is NOT_FOUND.',
  })
  @CustomerScoped('id')
  @RequireScopes('customers:read')
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: AccountsContext): Promise<Customer> {
    const customer = await ctx.loaders.customer.load(id);
    if (!customer) throw notFoundError('Customer');
    return customer;
  }

  @FieldResolver(() => [Contact], {
    description: 'People of this customer who may use the portal.',
  })
  @SignedIn()
  contacts(@Root() customer: Customer, @Ctx() ctx: AccountsContext): Promise<Contact[]> {
    return ctx.loaders.contacts.byCustomerId.load(customer.id);
  }
}
