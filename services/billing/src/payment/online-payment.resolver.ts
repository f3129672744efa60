import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequireScopes, SignedIn } from '@portico/kit';
import type { BillingContext } from '../context';
import { Payment } from './payment.entity';

@InputType()
export class InvoiceToPayInput {
  @Field(() => ID)
  invoiceId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Part of the balance, where the invoice allows it; the whole payable balance when omitted.',
  })
  amount?: string | null;
}

@InputType()
export class PayInvoicesInput {
  @Field(() => [InvoiceToPayInput], {
    description: 'One or more invoices of one customer, in one currency.',
  })
  invoices!: InvoiceToPayInput[];

  @Field(() => String, {
    description: 'Payment-method token from the provider (sandbox: test card numbers or tok_visa).',
  })
  paymentMethod!: string;

  @Field(() => String, {
    description:
      'Your unique key for this payment (8–100 of A–Z a–z 0–9 _ . : -). Retrying with it returns the same payment.',
  })
  idempotencyKey!: string;
}

@ObjectType()
export class PaymentFailure {
  @Field(() => String, {
    description: 'card_declined, insufficient_funds, invalid_payment_method, …',
  })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType({ description: 'A declined card is an answer, not an error: see `failure`.' })
export class PayInvoicesPayload {
  @Field(() => Payment)
  payment!: Payment;

  @Field(() => Boolean)
  succeeded!: boolean;

  @Field(() => PaymentFailure, { nullable: true })
  failure!: PaymentFailure | null;
}

@Resolver()
export class OnlinePaymentResolver {
  @Mutation(() => PayInvoicesPayload, {
    description:
      'Pay invoices online. Never more than the balance, never charged twice for one idempotency key.',
  })
  @SignedIn()
  @RequireScopes('payments:write')
  async payInvoices(
    @Arg('input', () => PayInvoicesInput) input: PayInvoicesInput,
    @Ctx() ctx: BillingContext,
  ): Promise<PayInvoicesPayload> {
    const payment = await ctx.services.onlinePayments.pay(ctx.principal, input);
    return {
      payment,
      succeeded: payment.state === 'succeeded',
      failure:
        payment.state === 'failed'
          ? {
              code: payment.failureCode ?? 'failed',
              message: payment.failureMessage ?? 'The payment failed.',
            }
          : null,
    };
  }
}
