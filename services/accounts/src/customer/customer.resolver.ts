import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CustomerScoped, notFoundError, RequireScopes, SignedIn, StaffOnly } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import type { AccountsContext } from '../context';
import { Customer } from './customer.entity';
import { actorOf } from '../audit/audit.service';
import {
  CreateCustomerInput,
  CustomerIdInput,
  CustomerPage,
  CustomerPayload,
  CustomerStatusFilter,
  UpdateCustomerInput,
} from './customer.inputs';

/** Who may create, change and archive customers. */
const CUSTOMER_EDITORS = ['admin', 'accountant', 'sales'] as const;

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
      description: 'Matches company name, display name, email or tax id.',
    })
    search: string | null,
    @Arg('status', () => CustomerStatusFilter, { defaultValue: CustomerStatusFilter.ACTIVE })
    status: CustomerStatusFilter,
  ): Promise<CustomerPage> {
    const page = await ctx.services.customers.list(ctx.principal, {
      first,
      after,
      search,
      status,
    });
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

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Staff-only notes; never shown to contacts or partners.',
  })
  @StaffOnly()
  notes(@Root() customer: Customer): string | null {
    return customer.notes;
  }

  @Mutation(() => CustomerPayload, { description: 'Staff: a new customer.' })
  @StaffOnly(...CUSTOMER_EDITORS)
  async createCustomer(
    @Arg('input', () => CreateCustomerInput) input: CreateCustomerInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<CustomerPayload> {
    return { customer: await ctx.services.customerAdmin.create(actorOf(ctx.principal), input) };
  }

  @Mutation(() => CustomerPayload, { description: "Staff: change a customer's details." })
  @StaffOnly(...CUSTOMER_EDITORS)
  async updateCustomer(
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<CustomerPayload> {
    const { id, ...changes } = input;
    return {
      customer: await ctx.services.customerAdmin.update(actorOf(ctx.principal), id, changes),
    };
  }

  @Mutation(() => CustomerPayload, {
    description:
      'Staff: archive a customer. Its history stays and its contacts can still sign in and read; nothing new is issued to it.',
  })
  @StaffOnly(...CUSTOMER_EDITORS)
  async archiveCustomer(
    @Arg('input', () => CustomerIdInput) input: CustomerIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<CustomerPayload> {
    return {
      customer: await ctx.services.customerAdmin.archive(actorOf(ctx.principal), input.id),
    };
  }

  @Mutation(() => CustomerPayload, {
    description: 'Staff: make an archived customer active again.',
  })
  @StaffOnly(...CUSTOMER_EDITORS)
  async unarchiveCustomer(
    @Arg('input', () => CustomerIdInput) input: CustomerIdInput,
    @Ctx() ctx: AccountsContext,
  ): Promise<CustomerPayload> {
    return {
      customer: await ctx.services.customerAdmin.unarchive(actorOf(ctx.principal), input.id),
    };
  }

  @FieldResolver(() => [Contact], {
    description: 'People of this customer who may use the portal (removed contacts are left out).',
  })
  @SignedIn()
  contacts(@Root() customer: Customer, @Ctx() ctx: AccountsContext): Promise<Contact[]> {
    return ctx.loaders.contacts.byCustomerId.load(customer.id);
  }
}
