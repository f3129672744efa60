import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Customer } from '../customer/customer.entity';
import type { AccountsContext } from '../context';
import { Contact } from './contact.entity';

@Resolver(() => Contact)
export class ContactResolver {
  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The customer this contact belongs to.',
  })
  customer(@Root() contact: Contact, @Ctx() ctx: AccountsContext): Promise<Customer | null> {
    return ctx.loaders.customer.load(contact.customerId);
  }
}
