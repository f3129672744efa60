import { Directive, Field, ObjectType } from 'type-graphql';
import { formatAmount } from '@portico/kit';

// A value type every subgraph that speaks of money returns alike.
@Directive('@shareable')
@ObjectType({ description: 'An amount of money: a decimal string in its currency, never a float.' })
export class Money {
  @Field(() => String, { description: 'Decimal amount, e.g. "1234.50" (JPY "1500", KWD "1.234").' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 currency code.' })
  currency!: string;
}

export function money(minor: number, currency: string): Money {
  return { amount: formatAmount(minor, currency), currency };
}
