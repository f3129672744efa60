/** What a payment provider reports for one charge. */
export type ChargeOutcome =
  | { status: 'succeeded'; providerPaymentId: string }
  | { status: 'failed'; providerPaymentId: string | null; failureCode: string; message: string }
  | { status: 'pending'; providerPaymentId: string | null };

export interface ChargeRequest {
  /** Portico's payment id: the provider's idempotency key, so a retried charge never charges twice. */
  paymentId: string;
  amountMinor: number;
  currency: string;
  customerId: string;
  description: string;
  /** A provider payment-method token (e.g. a sandbox test card, a Stripe PaymentMethod id). */
  paymentMethod: string;
}

/**
 * A card/online payment provider. `charge` must be idempotent on the
 * payment id; `lookup` tells the outcome of a charge that may have been
 * started before a restart (null when the provider never saw it).
 */
export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  lookup(paymentId: string): Promise<ChargeOutcome | null>;
}
