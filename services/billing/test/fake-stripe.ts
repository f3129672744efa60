import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of the slice of Stripe's API that Portico uses, on a loopback
 * port, so the real `stripe` SDK runs unchanged: creating (and confirming) a
 * PaymentIntent with idempotency keys, and searching PaymentIntents by
 * metadata. Test payment methods, as Stripe documents them:
 *   pm_card_visa                              succeeds
 *   pm_card_chargeDeclined                    card_declined (generic_decline)
 *   pm_card_chargeDeclinedInsufficientFunds   card_declined (insufficient_funds)
 *   pm_card_processing (fake only)            stays processing until a webhook
 *   pm_card_answerLost (fake only)            charged, but answered 500 (outcome unknown to the caller)
 *   pm_card_unreachable (fake only)           the connection drops before Stripe sees the charge
 * Any other payment method is refused as Stripe refuses an unknown one: 400,
 * invalid_request_error, code resource_missing, param payment_method.
 */
export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  metadata: Record<string, string>;
  last_payment_error: null | { code: string; decline_code: string; message: string };
  created: number;
}

export interface FakeStripe {
  url: string;
  /** One URL per listener (`listeners` option): the same Stripe, told apart by who calls where. */
  urls: string[];
  /** PaymentIntent creations answered by none yet, by listener. */
  inFlight(listener?: number): number;
  intents: FakeIntent[];
  /** Requests that carried an Idempotency-Key already seen (answered from the first response). */
  replays: number;
  /** Requests whose connection was dropped unanswered (pm_card_unreachable). */
  dropped: number;
  close(): Promise<void>;
}

/** Parses Stripe's form encoding (a[b]=c) into nested objects. */
function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_${randomBytes(6).toString('hex')}`,
  });
  res.end(JSON.stringify(body));
}

export async function startFakeStripe(
  options: {
    /** Each PaymentIntent creation is answered this much later (a charge in flight). */
    delayMs?: number;
    listeners?: number;
  } = {},
): Promise<FakeStripe> {
  const intents: FakeIntent[] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const state = { replays: 0, dropped: 0 };
  const pending: number[] = [];

  const create = (form: Record<string, unknown>): { status: number; body: unknown } => {
    const method = String(form.payment_method ?? '');
    const intent: FakeIntent = {
      id: `pi_${randomBytes(12).toString('hex')}`,
      object: 'payment_intent',
      amount: Number(form.amount),
      currency: String(form.currency),
      status: 'succeeded',
      metadata: (form.metadata as Record<string, string>) ?? {},
      last_payment_error: null,
      created: Math.floor(Date.now() / 1000),
    };
    intents.push(intent);
    if (method === 'pm_card_processing') intent.status = 'processing';
    if (method.startsWith('pm_card_chargeDeclined')) {
      const decline =
        method === 'pm_card_chargeDeclinedInsufficientFunds'
          ? 'insufficient_funds'
          : 'generic_decline';
      const message =
        decline === 'insufficient_funds'
          ? 'Your card has insufficient funds.'
          : 'Your card was declined.';
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { code: 'card_declined', decline_code: decline, message };
      return {
        status: 402,
        body: {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: decline,
            message,
            payment_intent: intent,
          },
        },
      };
    }
    if (method === 'pm_card_answerLost') {
      return {
        status: 500,
        body: { error: { type: 'api_error', message: 'An unknown error occurred' } },
      };
    }
    if (!['pm_card_visa', 'pm_card_processing'].includes(method)) {
      intents.pop();
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            param: 'payment_method',
            doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
            message: `No such PaymentMethod: '${method}'`,
          },
        },
      };
    }
    return { status: 200, body: intent };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, listener: number) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_test_')) {
      json(res, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/payment_intents') {
      const key = req.headers['idempotency-key'];
      const seen = typeof key === 'string' ? idempotent.get(key) : undefined;
      if (seen) {
        state.replays += 1;
        json(res, seen.status, seen.body);
        return;
      }
      const form = parseForm(Buffer.concat(chunks).toString('utf8'));
      if (form.payment_method === 'pm_card_unreachable') {
        state.dropped += 1;
        req.socket.destroy();
        return;
      }
      const answer = create(form);
      if (typeof key === 'string') idempotent.set(key, answer);
      if (options.delayMs) {
        // Charged already: a caller that dies meanwhile leaves an outcome it never heard.
        pending[listener] = (pending[listener] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, options.delayMs));
        pending[listener] -= 1;
      }
      json(res, answer.status, answer.body);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/payment_intents/search') {
      const match = /metadata\['([^']+)'\]:'([^']*)'/.exec(url.searchParams.get('query') ?? '');
      const data = match ? intents.filter((i) => i.metadata[match[1]!] === match[2]) : [];
      json(res, 200, {
        object: 'search_result',
        data,
        has_more: false,
        next_page: null,
        url: '/v1/payment_intents/search',
      });
      return;
    }
    json(res, 404, {
      error: { type: 'invalid_request_error', message: 'Unrecognized request URL' },
    });
  };

  const servers: Server[] = [];
  const urls: string[] = [];
  for (let listener = 0; listener < (options.listeners ?? 1); listener += 1) {
    const server: Server = createServer((req, res) => {
      handle(req, res, listener).catch(() =>
        json(res, 500, { error: { type: 'api_error', message: 'fake failed' } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return {
    url: urls[0]!,
    urls,
    intents,
    inFlight: (listener?: number) =>
      listener === undefined ? pending.reduce((a, b) => a + (b ?? 0), 0) : (pending[listener] ?? 0),
    get replays() {
      return state.replays;
    },
    get dropped() {
      return state.dropped;
    },
    close: () =>
      Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      ).then(() => undefined),
  };
}
