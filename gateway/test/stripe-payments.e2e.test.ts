import Stripe from 'stripe';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startFakeStripe, type FakeStripe } from '../../services/billing/test/fake-stripe';
import {
  createStripeClient,
  StripePaymentProvider,
} from '../../services/billing/src/payment/provider/stripe-provider';
import { startTestStack, type TestStack } from './stack-harness';

const WEBHOOK_SECRET = 'whsec_test_portico_0123456789';
/** The endpoint's secret before the roll, still accepted while Stripe signs with both. */
const PREVIOUS_WEBHOOK_SECRET = 'whsec_test_portico_previous_0123456789';
const PAY = `mutation ($input: PayInvoicesInput!) { payInvoices(input: $input) {
  succeeded failure { code } payment { id status } } }`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'Stripe adapter against a local fake of the Stripe API on %s',
  (_name, target) => {
    let fake: FakeStripe;
    let stack: TestStack;
    let alice: string;
    let admin: string;
    let n = 0;
    const key = () => `stripe-key-${Date.now()}-${(n += 1)}`;
    const signer = new Stripe('sk_test_signer');

    beforeAll(async () => {
      fake = await startFakeStripe();
      stack = await startTestStack(target, {
        billingEnv: {
          PAYMENTS_PROVIDER: 'stripe',
          STRIPE_SECRET_KEY: 'sk_test_portico',
          STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
          STRIPE_WEBHOOK_SECRET_ACCEPTED: PREVIOUS_WEBHOOK_SECRET,
          STRIPE_API_BASE: fake.url,
          // Reconcile pending payments often, and early, so a test sees it happen.
          PAYMENTS_RECONCILE_INTERVAL_MS: '250',
          PAYMENTS_RECONCILE_AFTER_MS: '1000',
        },
      });
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(async () => {
      await stack?.stop();
      await fake?.close();
    });

    const newInvoice = (unitPrice: string) =>
      stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice,
        description: 'Stripe test',
      });

    const pay = (invoiceId: string, paymentMethod: string, idempotencyKey = key()) =>
      stack.query(PAY, {
        token: alice,
        variables: { input: { invoices: [{ invoiceId }], paymentMethod, idempotencyKey } },
      });
    const payload = (r: testing.GraphQLResponse) =>
      (
        r.body.data as {
          payInvoices: {
            succeeded: boolean;
            failure: { code: string } | null;
            payment: { id: string; status: string };
          };
        }
      ).payInvoices;
    const status = async (id: string) =>
      (
        (
          await stack.query('query ($id: ID!) { invoice(id: $id) { status } }', {
            token: alice,
            variables: { id },
          })
        ).body.data as {
          invoice: { status: string };
        }
      ).invoice.status;

    const webhook = (body: string, signature: string) =>
      fetch(`${stack.gateway.url.replace(/\/graphql$/, '')}/webhooks/billing/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });

    function event(
      type: string,
      intent: Record<string, unknown>,
      id = `evt_${Date.now()}_${(n += 1)}`,
    ): string {
      return JSON.stringify({
        id,
        object: 'event',
        type,
        api_version: '2025-01-01',
        created: Math.floor(Date.now() / 1000),
        data: { object: intent },
      });
    }

    it('charges once through a confirmed PaymentIntent carrying the payment id', async () => {
      const invoiceId = await newInvoice('64.00');
      const k = key();
      const first = payload(await pay(invoiceId, 'pm_card_visa', k));
      expect(first).toMatchObject({ succeeded: true, payment: { status: 'SUCCEEDED' } });
      const intent = fake.intents.find((i) => i.metadata.portico_payment_id === first.payment.id)!;
      expect(intent).toMatchObject({ amount: 6400, currency: 'gbp', status: 'succeeded' });
      const again = payload(await pay(invoiceId, 'pm_card_visa', k));
      expect(again.payment.id).toBe(first.payment.id);
      expect(
        fake.intents.filter((i) => i.metadata.portico_payment_id === first.payment.id),
      ).toHaveLength(1);
      expect(await status(invoiceId)).toBe('PAID');
    });

    it('reports declines from Stripe card errors as typed failures', async () => {
      const invoiceId = await newInvoice('10.00');
      expect(payload(await pay(invoiceId, 'pm_card_chargeDeclined'))).toMatchObject({
        succeeded: false,
        failure: { code: 'generic_decline' },
      });
      expect(
        payload(await pay(invoiceId, 'pm_card_chargeDeclinedInsufficientFunds')).failure?.code,
      ).toBe('insufficient_funds');
      expect(await status(invoiceId)).toBe('SENT');
    });

    it('settles a processing payment from a signed webhook, once, and refuses forged and stale ones', async () => {
      const invoiceId = await newInvoice('25.00');
      const pending = payload(await pay(invoiceId, 'pm_card_processing'));
      expect(pending.payment.status).toBe('PENDING');
      const intent = fake.intents.find(
        (i) => i.metadata.portico_payment_id === pending.payment.id,
      )!;
      const succeeded = { ...intent, status: 'succeeded' };

      const forged = event('payment_intent.succeeded', succeeded);
      const forgedResponse = await webhook(
        forged,
        signer.webhooks.generateTestHeaderString({ payload: forged, secret: 'whsec_wrong' }),
      );
      expect(forgedResponse.status).toBe(400);
      const stale = event('payment_intent.succeeded', succeeded);
      const staleResponse = await webhook(
        stale,
        signer.webhooks.generateTestHeaderString({
          payload: stale,
          secret: WEBHOOK_SECRET,
          timestamp: Math.floor(Date.now() / 1000) - 3600,
        }),
      );
      expect(staleResponse.status).toBe(400);
      expect(await status(invoiceId)).toBe('SENT');

      const real = event('payment_intent.succeeded', succeeded, 'evt_once_1');
      const header = signer.webhooks.generateTestHeaderString({
        payload: real,
        secret: WEBHOOK_SECRET,
      });
      const firstDelivery = await webhook(real, header);
      expect(firstDelivery.status).toBe(200);
      expect(await firstDelivery.json()).toEqual({ received: true });
      const redelivery = await webhook(real, header);
      expect(await redelivery.json()).toEqual({ received: true, duplicate: true });
      expect(await status(invoiceId)).toBe('PAID');
      const paid = (await stack.billing.db.dataSource.query(
        'SELECT paidMinor, pendingMinor FROM invoices WHERE id = ?',
        [invoiceId],
      )) as Array<{
        paidMinor: number | string;
        pendingMinor: number | string;
      }>;
      expect([Number(paid[0]!.paidMinor), Number(paid[0]!.pendingMinor)]).toEqual([2500, 0]);
    });

    it('settles from a webhook signed with the previous secret while it is rolled, and only with known secrets', async () => {
      const invoiceId = await newInvoice('12.00');
      const pending = payload(await pay(invoiceId, 'pm_card_processing'));
      expect(pending.payment.status).toBe('PENDING');
      const intent = fake.intents.find(
        (i) => i.metadata.portico_payment_id === pending.payment.id,
      )!;
      const body = event('payment_intent.succeeded', { ...intent, status: 'succeeded' });
      const unknown = await webhook(
        body,
        signer.webhooks.generateTestHeaderString({
          payload: body,
          secret: 'whsec_test_portico_never_configured',
        }),
      );
      expect(unknown.status).toBe(400);
      expect(await status(invoiceId)).toBe('SENT');
      const previous = await webhook(
        body,
        signer.webhooks.generateTestHeaderString({
          payload: body,
          secret: PREVIOUS_WEBHOOK_SECRET,
        }),
      );
      expect(previous.status).toBe(200);
      expect(await previous.json()).toEqual({ received: true });
      expect(await status(invoiceId)).toBe('PAID');
    });

    const paymentRow = async (id: string) => {
      const rows = (await stack.billing.db.dataSource.query(
        'SELECT state, failureCode FROM payments WHERE id = ?',
        [id],
      )) as Array<{ state: string; failureCode: string | null }>;
      return rows[0];
    };
    const invoiceMoney = async (id: string) => {
      const rows = (await stack.billing.db.dataSource.query(
        'SELECT state, paidMinor, pendingMinor FROM invoices WHERE id = ?',
        [id],
      )) as Array<{ state: string; paidMinor: number | string; pendingMinor: number | string }>;
      return [rows[0]!.state, Number(rows[0]!.paidMinor), Number(rows[0]!.pendingMinor)];
    };
    const signed = (body: string) =>
      webhook(
        body,
        signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }),
      );
    const voidInvoice = (id: string) =>
      stack.query(
        'mutation ($id: ID!) { voidInvoice(input: { id: $id, reason: "Issued in error" }) { invoice { status } } }',
        { token: admin, variables: { id } },
      );
    async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`not within 30 s: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    it('fails a payment method Stripe does not know at once, so a retry with a good card pays', async () => {
      const invoiceId = await newInvoice('33.00');
      const refused = payload(await pay(invoiceId, 'pm_card_doesNotExist'));
      expect(refused).toMatchObject({
        succeeded: false,
        failure: { code: 'invalid_payment_method' },
        payment: { status: 'FAILED' },
      });
      expect(await invoiceMoney(invoiceId)).toEqual(['sent', 0, 0]);
      const retry = payload(await pay(invoiceId, 'pm_card_visa'));
      expect(retry).toMatchObject({ succeeded: true, payment: { status: 'SUCCEEDED' } });
      expect(await status(invoiceId)).toBe('PAID');
    });

    it('takes a request Stripe refuses outright (a wrong API key) as a failed charge, not an unknown one', async () => {
      const provider = new StripePaymentProvider(
        createStripeClient({
          secretKey: 'sk_live_wrong',
          webhookSecret: WEBHOOK_SECRET,
          apiBase: fake.url,
        }),
      );
      const intents = fake.intents.length;
      await expect(
        provider.charge({
          paymentId: '00000000-0000-4000-8000-00000000a401',
          amountMinor: 500,
          currency: 'GBP',
          customerId: DEMO_CUSTOMER_IDS.acme,
          description: 'refused',
          paymentMethod: 'pm_card_visa',
        }),
      ).resolves.toMatchObject({ status: 'failed', failureCode: 'provider_refused' });
      expect(fake.intents.length).toBe(intents);
    });

    it('keeps an unknown outcome pending and settles it from Stripe while the service runs', async () => {
      const lost = await newInvoice('21.00');
      const unreachable = await newInvoice('22.00');
      const charged = payload(await pay(lost, 'pm_card_answerLost'));
      const dropped = payload(await pay(unreachable, 'pm_card_unreachable'));
      expect([charged.payment.status, dropped.payment.status]).toEqual(['PENDING', 'PENDING']);
      expect(fake.dropped).toBeGreaterThan(0);
      // No restart: the periodic reconciliation asks Stripe. The charge it
      // finds succeeded; the one Stripe never saw fails and frees the invoice.
      await eventually(
        async () =>
          (await paymentRow(charged.payment.id))?.state === 'succeeded' &&
          (await paymentRow(dropped.payment.id))?.state === 'failed',
        'both pending payments settled',
      );
      expect(await invoiceMoney(lost)).toEqual(['sent', 2100, 0]);
      expect(await invoiceMoney(unreachable)).toEqual(['sent', 0, 0]);
      expect((await paymentRow(dropped.payment.id))?.failureCode).toBe('not_submitted');
      expect(payload(await pay(unreachable, 'pm_card_visa')).succeeded).toBe(true);
    });

    it('refuses to void an invoice while its payment is processing, and voids it once the payment failed', async () => {
      const invoiceId = await newInvoice('18.00');
      const pending = payload(await pay(invoiceId, 'pm_card_processing'));
      expect(pending.payment.status).toBe('PENDING');
      const refused = await voidInvoice(invoiceId);
      expect(refused.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'id',
        reason: 'payment-in-progress',
      });
      expect(await invoiceMoney(invoiceId)).toEqual(['sent', 0, 1800]);
      const intent = fake.intents.find(
        (i) => i.metadata.portico_payment_id === pending.payment.id,
      )!;
      const failed = {
        ...intent,
        status: 'requires_payment_method',
        last_payment_error: {
          code: 'card_declined',
          decline_code: 'generic_decline',
          message: 'Your card was declined.',
        },
      };
      expect((await signed(event('payment_intent.payment_failed', failed))).status).toBe(200);
      const voided = await voidInvoice(invoiceId);
      expect(voided.body.errors).toBeUndefined();
      expect(await invoiceMoney(invoiceId)).toEqual(['void', 0, 0]);
    });

    it('puts money that succeeds for an invoice already void on account, never on the invoice', async () => {
      const invoiceId = await newInvoice('19.00');
      const pending = payload(await pay(invoiceId, 'pm_card_processing'));
      // An invoice voided while its payment was pending (as one could be
      // before voiding waited for payments): the success must not pay it.
      await stack.billing.db.dataSource.query("UPDATE invoices SET state = 'void' WHERE id = ?", [
        invoiceId,
      ]);
      const intent = fake.intents.find(
        (i) => i.metadata.portico_payment_id === pending.payment.id,
      )!;
      expect(
        (await signed(event('payment_intent.succeeded', { ...intent, status: 'succeeded' })))
          .status,
      ).toBe(200);
      expect(await paymentRow(pending.payment.id)).toEqual({
        state: 'succeeded',
        failureCode: null,
      });
      expect(await invoiceMoney(invoiceId)).toEqual(['void', 0, 0]);
      const allocations = (await stack.billing.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM payment_allocations WHERE paymentId = ?',
        [pending.payment.id],
      )) as Array<{ n: number | string }>;
      expect(Number(allocations[0]!.n)).toBe(0);
    });

    it('finds a payment whose answer was lost by searching PaymentIntents by metadata', async () => {
      const invoiceId = await newInvoice('12.00');
      const done = payload(await pay(invoiceId, 'pm_card_visa'));
      const outcome = await stack.billing.services.provider.lookup(done.payment.id);
      expect(outcome).toMatchObject({ status: 'succeeded' });
      expect(
        await stack.billing.services.provider.lookup('00000000-0000-4000-8000-000000000000'),
      ).toBeNull();
    });
  },
);
