import Stripe from 'stripe';
import type { ChargeOutcome, ChargeRequest, PaymentProvider } from './payment-provider';

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  /** Where the Stripe API is; Stripe's own unless set (a local fake in tests). */
  apiBase?: string;
}

export function createStripeClient(config: StripeConfig): Stripe {
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000 };
  if (config.apiBase) {
    const url = new URL(config.apiBase);
    options.host = url.hostname;
    options.port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    options.protocol = url.protocol.replace(':', '') as 'http' | 'https';
  }
  return new Stripe(config.secretKey, options);
}

function outcomeOf(intent: Stripe.PaymentIntent): ChargeOutcome {
  switch (intent.status) {
    case 'succeeded':
      return { status: 'succeeded', providerPaymentId: intent.id };
    case 'requires_payment_method':
    case 'canceled': {
      const error = intent.last_payment_error;
      return {
        status: 'failed',
        providerPaymentId: intent.id,
        failureCode: error?.decline_code ?? error?.code ?? 'payment_failed',
        message: error?.message ?? 'The payment failed.',
      };
    }
    default:
      return { status: 'pending', providerPaymentId: intent.id };
  }
}

/**
 * A definite refusal: Stripe answered and did not charge. Card errors
 * (declines), invalid requests (an unknown or unusable payment method, an
 * amount Stripe refuses), and requests Stripe refused before doing anything
 * (authentication, permission). Each is a failed payment at once, so its
 * reservation is released and the customer can retry. A rate limit is not one:
 * it may answer a retry of an attempt whose outcome is unknown.
 */
function refusalOf(error: unknown): ChargeOutcome | null {
  if (!(error instanceof Stripe.errors.StripeError)) return null;
  const raw = error.raw as { payment_intent?: { id?: string } } | undefined;
  const providerPaymentId = raw?.payment_intent?.id ?? null;
  if (error instanceof Stripe.errors.StripeCardError) {
    return {
      status: 'failed',
      providerPaymentId,
      failureCode: error.decline_code ?? error.code ?? 'card_declined',
      message: error.message,
    };
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    const unknownMethod =
      error.param === 'payment_method' ||
      error.code === 'payment_method_invalid_parameter' ||
      /paymentmethod/i.test(error.message);
    return {
      status: 'failed',
      providerPaymentId,
      failureCode: unknownMethod ? 'invalid_payment_method' : (error.code ?? 'invalid_request'),
      message: unknownMethod
        ? 'The payment provider does not accept this payment method.'
        : error.message,
    };
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return {
      status: 'failed',
      providerPaymentId,
      failureCode: 'provider_refused',
      message: 'The payment provider refused the request; nothing was charged. Try again later.',
    };
  }
  return null;
}

/**
 * Stripe PaymentIntents, confirmed at once with the payment method the
 * client collected. Portico's payment id is both the idempotency key and a
 * metadata field, so a retried call never charges twice and a payment whose
 * answer was lost can be found again (search by metadata).
 * Amounts: Stripe's smallest currency unit equals ISO 4217 minor units for
 * the currencies Portico bills in (Stripe's few special cases, such as HUF
 * and TWD payouts, are not handled).
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';

  constructor(private readonly stripe: Stripe) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          payment_method: request.paymentMethod,
          confirm: true,
          description: request.description,
          metadata: {
            portico_payment_id: request.paymentId,
            portico_customer_id: request.customerId,
          },
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        },
        { idempotencyKey: `portico-payment-${request.paymentId}` },
      );
      return outcomeOf(intent);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return refusal;
      // Anything else (timeout, network, 5xx, a concurrent request on the same
      // key) is an unknown outcome: the payment stays pending until a webhook
      // or the reconciliation settles it.
      throw error;
    }
  }

  async lookup(paymentId: string): Promise<ChargeOutcome | null> {
    const found = await this.stripe.paymentIntents.search({
      query: `metadata['portico_payment_id']:'${paymentId.replace(/[^0-9a-f-]/gi, '')}'`,
      limit: 1,
    });
    const intent = found.data[0];
    return intent ? outcomeOf(intent) : null;
  }

  /**
   * Verifies a webhook's signature and timestamp (Stripe's 300 s tolerance);
   * throws when forged or stale. `secrets` is the endpoint's current signing
   * secret, then the previous ones still accepted while it is rolled: an event
   * signed with any of them is taken.
   */
  verifyWebhook(rawBody: string, signature: string, secrets: readonly string[]): Stripe.Event {
    let refusal: unknown = new Error('no webhook secret configured');
    for (const secret of secrets) {
      try {
        return this.stripe.webhooks.constructEvent(rawBody, signature, secret, 300);
      } catch (error) {
        refusal = error;
      }
    }
    throw refusal;
  }

  /** The payment and outcome a webhook event reports, if it is one Portico acts on. */
  static settlementOf(event: Stripe.Event): { paymentId: string; outcome: ChargeOutcome } | null {
    if (event.type !== 'payment_intent.succeeded' && event.type !== 'payment_intent.payment_failed')
      return null;
    const intent = event.data.object as Stripe.PaymentIntent;
    const paymentId = intent.metadata?.portico_payment_id;
    if (!paymentId) return null;
    return { paymentId, outcome: outcomeOf(intent) };
  }
}
