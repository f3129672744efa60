import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, type RouteHandler } from '@portico/kit';
import type { BillingServices } from '../../context';
import { isDuplicateKey } from '../online-payment.service';
import { ProviderEvent } from './provider-event.entity';
import { StripePaymentProvider } from './stripe-provider';

/**
 * Stripe's webhook endpoint: the signature and timestamp are verified first
 * (a forged or replayed-late event gets 400 and changes nothing), then the
 * event id is recorded so a redelivery is acknowledged without acting twice.
 */
export function stripeWebhookRoute(
  services: BillingServices,
  provider: StripePaymentProvider,
  /** The current signing secret first, then those accepted during its rotation. */
  webhookSecrets: readonly string[],
): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    let raw: string;
    try {
      raw = await readBody(req, 1024 * 1024);
    } catch {
      sendJson(res, 413, { error: 'payload too large' });
      return;
    }
    const signature = req.headers['stripe-signature'];
    let event;
    try {
      event = provider.verifyWebhook(
        raw,
        typeof signature === 'string' ? signature : '',
        webhookSecrets,
      );
    } catch {
      sendJson(res, 400, { error: 'invalid signature' });
      return;
    }
    try {
      await services.db.manager
        .getRepository(ProviderEvent)
        .insert({ id: event.id, provider: 'stripe', type: event.type, receivedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      sendJson(res, 200, { received: true, duplicate: true });
      return;
    }
    const settlement = StripePaymentProvider.settlementOf(event);
    if (settlement) {
      try {
        await services.onlinePayments.settle(settlement.paymentId, settlement.outcome);
      } catch (error) {
        // Let Stripe retry: forget the event so the redelivery is processed.
        await services.db.manager.getRepository(ProviderEvent).delete({ id: event.id });
        throw error;
      }
    }
    sendJson(res, 200, { received: true });
  };
}
