import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { requireStaffUserId, StaffOnly } from '@portico/kit';
import type { BillingContext } from '../context';
import { Invoice } from '../invoice/invoice.entity';
import { money, Money } from '@portico/commerce';
import { PaymentMethodEnum, PaymentStatusEnum } from './payment.enums';
import { Payment, PaymentAllocation, Refund } from './payment.entity';

@InputType()
export class AllocationInput {
  @Field(() => ID)
  invoiceId!: string;

  @Field(() => String)
  amount!: string;
}

@InputType({ description: 'Money received outside the portal.' })
export class RecordPaymentInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { description: 'Decimal amount received, e.g. "250.00".' })
  amount!: string;

  @Field(() => PaymentMethodEnum)
  method!: PaymentMethodEnum;

  @Field(() => String, { nullable: true })
  reference?: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD the money arrived.' })
  receivedOn!: string;

  @Field(() => [AllocationInput], {
    description: 'How much goes to which invoice; the rest stays on account.',
  })
  allocations!: AllocationInput[];
}

@InputType()
export class RefundPaymentInput {
  @Field(() => ID)
  paymentId!: string;

  @Field(() => String)
  amount!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; today when omitted.' })
  refundedOn?: string | null;
}

@ObjectType()
export class PaymentPayload {
  @Field(() => Payment)
  payment!: Payment;
}

@ObjectType()
export class RefundPayload {
  @Field(() => Refund)
  refund!: Refund;

  @Field(() => Payment)
  payment!: Payment;
}

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => Money)
  amount(@Root() payment: Payment): Money {
    return money(payment.amountMinor, payment.currency);
  }

  @FieldResolver(() => PaymentMethodEnum)
  method(@Root() payment: Payment): PaymentMethodEnum {
    return payment.method as PaymentMethodEnum;
  }

  @FieldResolver(() => PaymentStatusEnum)
  async status(@Root() payment: Payment, @Ctx() ctx: BillingContext): Promise<PaymentStatusEnum> {
    if (payment.state !== 'succeeded') return payment.state as PaymentStatusEnum;
    const refunded = (await ctx.loaders.refundsByPayment.load(payment.id)).reduce(
      (s, r) => s + r.amountMinor,
      0,
    );
    if (refunded === 0) return PaymentStatusEnum.SUCCEEDED;
    return refunded >= payment.amountMinor
      ? PaymentStatusEnum.REFUNDED
      : PaymentStatusEnum.PARTIALLY_REFUNDED;
  }

  @FieldResolver(() => [PaymentAllocation], {
    description: 'Where the money went, refund reversals included.',
  })
  allocations(@Root() payment: Payment, @Ctx() ctx: BillingContext): Promise<PaymentAllocation[]> {
    return ctx.loaders.allocationsByPayment.load(payment.id);
  }

  @FieldResolver(() => Money, {
    description: 'Not allocated to any invoice and not refunded: on account.',
  })
  async unallocated(@Root() payment: Payment, @Ctx() ctx: BillingContext): Promise<Money> {
    const [allocations, refunds] = await Promise.all([
      ctx.loaders.allocationsByPayment.load(payment.id),
      ctx.loaders.refundsByPayment.load(payment.id),
    ]);
    const allocated = allocations.filter((a) => !a.refundId).reduce((s, a) => s + a.amountMinor, 0);
    const refunded = refunds.reduce((s, r) => s + r.amountMinor, 0);
    const reversed = -allocations.filter((a) => a.refundId).reduce((s, a) => s + a.amountMinor, 0);
    return money(payment.amountMinor - allocated - (refunded - reversed), payment.currency);
  }

  @FieldResolver(() => [Refund])
  refunds(@Root() payment: Payment, @Ctx() ctx: BillingContext): Promise<Refund[]> {
    return ctx.loaders.refundsByPayment.load(payment.id);
  }

  @Mutation(() => PaymentPayload, {
    description: 'Staff: record an offline payment and allocate it.',
  })
  @StaffOnly('accountant')
  async recordPayment(
    @Arg('input', () => RecordPaymentInput) input: RecordPaymentInput,
    @Ctx() ctx: BillingContext,
  ): Promise<PaymentPayload> {
    return {
      payment: await ctx.services.payments.recordOffline(requireStaffUserId(ctx), {
        ...input,
        method: input.method as unknown as Payment['method'],
      }),
    };
  }

  @Mutation(() => RefundPayload, { description: 'Staff: refund part or all of a payment.' })
  @StaffOnly('accountant')
  async refundPayment(
    @Arg('input', () => RefundPaymentInput) input: RefundPaymentInput,
    @Ctx() ctx: BillingContext,
  ): Promise<RefundPayload> {
    const refund = await ctx.services.payments.refund(requireStaffUserId(ctx), input);
    const payment = await ctx.loaders.payment.load(refund.paymentId);
    return { refund, payment: payment! };
  }
}

@Resolver(() => PaymentAllocation)
export class PaymentAllocationResolver {
  @FieldResolver(() => Invoice, { nullable: true })
  invoice(
    @Root() allocation: PaymentAllocation,
    @Ctx() ctx: BillingContext,
  ): Promise<Invoice | null> {
    return ctx.loaders.invoice.load(allocation.invoiceId);
  }

  @FieldResolver(() => Payment, { nullable: true })
  payment(
    @Root() allocation: PaymentAllocation,
    @Ctx() ctx: BillingContext,
  ): Promise<Payment | null> {
    return ctx.loaders.payment.load(allocation.paymentId);
  }

  @FieldResolver(() => Money)
  async amount(@Root() allocation: PaymentAllocation, @Ctx() ctx: BillingContext): Promise<Money> {
    const payment = await ctx.loaders.payment.load(allocation.paymentId);
    return money(allocation.amountMinor, payment?.currency ?? 'XXX');
  }

  @FieldResolver(() => Boolean, { description: 'True for the reversal a refund made.' })
  isRefundReversal(@Root() allocation: PaymentAllocation): boolean {
    return allocation.refundId !== null;
  }
}

@Resolver(() => Refund)
export class RefundResolver {
  @FieldResolver(() => Money)
  async amount(@Root() refund: Refund, @Ctx() ctx: BillingContext): Promise<Money> {
    const payment = await ctx.loaders.payment.load(refund.paymentId);
    return money(refund.amountMinor, payment?.currency ?? 'XXX');
  }
}
