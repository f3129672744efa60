import { createClient } from 'graphql-ws';
import { buildSchema } from 'graphql';
import WebSocket from 'ws';
import {
  ANONYMOUS,
  CLAIMS_HEADER,
  ConfigError,
  encodeClaims,
  readClaimsSecrets,
  startSubgraphServer,
  type Principal,
  type RunningSubgraph,
} from '../src';

/**
 * A rotation of the claims secret without downtime: while the gateway (or a
 * service's events follower) still signs with the previous secret, or already
 * with the next, every wall of a subgraph lets the claims through — HTTP
 * requests, internal routes, the WebSocket connection_init proof and each
 * subscription's own claims. A secret outside the list stays refused.
 */

const CURRENT = 'current-claims-secret-0123456789abcdef';
const PREVIOUS = 'previous-claims-secret-0123456789abcdef';
const UNKNOWN = 'unknown-claims-secret-0123456789abcdefgh';
const STAFF: Principal = { kind: 'staff', staffUserId: 's-1', roles: ['admin'] };

describe('claims secret rotation on a subgraph', () => {
  let server: RunningSubgraph;
  const seenByInternal: unknown[] = [];

  beforeAll(async () => {
    const schema = buildSchema(`
      type Query { whoami: String }
      type Subscription { ticks: Int }
    `);
    schema.getQueryType()!.getFields().whoami!.resolve = (_r, _a, ctx: { principal: Principal }) =>
      ctx.principal.kind;
    const ticks = schema.getSubscriptionType()!.getFields().ticks!;
    ticks.subscribe = async function* () {
      yield { ticks: 1 };
    };
    server = await startSubgraphServer({
      name: 'rotation',
      schema,
      claimsSecret: CURRENT,
      acceptedClaimsSecrets: [PREVIOUS],
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      internalRoutes: {
        '/internal/echo': async (body, meta) => {
          seenByInternal.push(meta.principal.kind);
          return { status: 200, body: { got: body } };
        },
      },
      subscriptions: true,
      writeLog: () => {},
    });
  });
  afterAll(() => server?.close());

  const post = async (path: string, secret: string, body: unknown) => {
    const response = await fetch(server.url.replace(/\/graphql$/, path), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CLAIMS_HEADER]: encodeClaims(STAFF, secret),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it.each([
    ['current', CURRENT],
    ['accepted previous', PREVIOUS],
  ])('executes a request whose claims are signed with the %s secret', async (_label, secret) => {
    const answer = await post('/graphql', secret, { query: '{ whoami }' });
    expect(answer).toEqual({ status: 200, body: { data: { whoami: 'staff' } } });
  });

  it('refuses claims signed with a secret it does not accept, with a coded error', async () => {
    const answer = await post('/graphql', UNKNOWN, { query: '{ whoami }' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Gateway claims required',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ],
    });
  });

  it('serves internal routes (the events feed) to callers on the previous secret only if accepted', async () => {
    const before = seenByInternal.length;
    expect(await post('/internal/echo', PREVIOUS, { after: 3 })).toEqual({
      status: 200,
      body: { got: { after: 3 } },
    });
    expect((await post('/internal/echo', UNKNOWN, { after: 3 })).status).toBe(401);
    expect(seenByInternal.slice(before)).toEqual(['staff']);
  });

  /** The first value of one subscription, or how the socket ended. */
  const subscribeOnce = (initSecret: string, subscribeSecret: string) =>
    new Promise<unknown>((resolve) => {
      const client = createClient({
        url: server.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { claims: encodeClaims(ANONYMOUS, initSecret) },
        retryAttempts: 0,
        lazy: true,
        on: {
          closed: (event) => resolve({ closed: (event as { code: number }).code }),
        },
      });
      client.subscribe(
        {
          query: 'subscription { ticks }',
          extensions: { claims: encodeClaims(STAFF, subscribeSecret) },
        },
        {
          next: (value) => {
            resolve(value);
            void client.dispose();
          },
          error: (error) => {
            resolve({ error: Array.isArray(error) ? error : String(error) });
            void client.dispose();
          },
          complete: () => {},
        },
      );
    });

  it('accepts the connection_init proof and subscription claims signed with either secret', async () => {
    expect(await subscribeOnce(PREVIOUS, CURRENT)).toEqual({ data: { ticks: 1 } });
    expect(await subscribeOnce(CURRENT, PREVIOUS)).toEqual({ data: { ticks: 1 } });
  });

  it('closes a socket whose connection_init proof is signed with an unknown secret', async () => {
    // graphql-ws closes with 4403 Forbidden when onConnect refuses.
    expect(await subscribeOnce(UNKNOWN, CURRENT)).toEqual({ closed: 4403 });
  });

  it('refuses a subscription whose own claims are signed with an unknown secret', async () => {
    expect(await subscribeOnce(CURRENT, UNKNOWN)).toEqual({
      error: [
        expect.objectContaining({
          message: 'Gateway claims required',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ],
    });
  });
});

describe('AUTH_CLAIMS_SECRET_ACCEPTED', () => {
  it('reads extra secrets separated by commas, spaces or lines, as a mounted file holds them', () => {
    expect(
      readClaimsSecrets({
        AUTH_CLAIMS_SECRET: CURRENT,
        AUTH_CLAIMS_SECRET_ACCEPTED: ` ${PREVIOUS},\n${UNKNOWN}\n`,
      }),
    ).toEqual({ claimsSecret: CURRENT, acceptedClaimsSecrets: [PREVIOUS, UNKNOWN] });
    expect(readClaimsSecrets({ AUTH_CLAIMS_SECRET: CURRENT })).toEqual({
      claimsSecret: CURRENT,
      acceptedClaimsSecrets: [],
    });
  });

  it.each([
    ['a short secret', `${PREVIOUS},short`, /entry 2 must be at least 32 characters/],
    ['the current secret again', `${PREVIOUS},${CURRENT}`, /repeats AUTH_CLAIMS_SECRET/],
    [
      'more than four secrets',
      [1, 2, 3, 4, 5].map((n) => `${n}`.repeat(40)).join(','),
      /at most 4 secrets/,
    ],
  ])('refuses %s', (_label, accepted, message) => {
    const read = () =>
      readClaimsSecrets({ AUTH_CLAIMS_SECRET: CURRENT, AUTH_CLAIMS_SECRET_ACCEPTED: accepted });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });
});
