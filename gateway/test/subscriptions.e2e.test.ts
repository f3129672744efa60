import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRINCIPAL_STATUS_PATH, REVOCATIONS_PATH, TokenIssuer } from '@portico/accounts';
import {
  composeSupergraph,
  principalFromAccessTokenClaims,
  testing,
  type RunningSubgraph,
  type SignedInPrincipal,
} from '@portico/kit';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  startTestAccounts,
  TEST_CLAIMS_SECRET,
  type TestAccounts,
} from '../../services/accounts/test/accounts-harness';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import {
  EXTRA_SDL,
  LIVE_SDL,
  startExtraSubgraph,
  startLiveSubgraph,
  type LiveSubgraph,
} from './subscription-subgraphs';
import {
  connectWs,
  MULTIPART,
  openRaw,
  postMultipart,
  readParts,
  subscribe,
  until,
} from './live-clients';

const ALLOWED_ORIGIN = 'https://portal.example.com';
const NOTE_ADDED =
  'subscription ($topic: String!) { noteAdded(topic: $topic) { cursor note { id text seenBy } } }';

function principalOf(token: string): SignedInPrincipal {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  const principal = principalFromAccessTokenClaims(payload as Record<string, unknown>);
  if (!principal) throw new Error('token names no principal');
  return principal;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'subscriptions through the gateway (accounts on %s)',
  (_name, target) => {
    let accounts: TestAccounts;
    let live: LiveSubgraph;
    let extra: RunningSubgraph;
    let gateway: RunningGateway;
    let supergraphDir: string;
    let supergraphPath: string;
    const startSubscriptionGateway = (env: Record<string, string> = {}) =>
      startGateway(
        loadConfig({
          AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
          HTTP_PORT: '0',
          GATEWAY_SUPERGRAPH_PATH: supergraphPath,
          SUBGRAPH_LIVE_URL: live.url,
          SUBGRAPH_EXTRA_URL: extra.url,
          AUTH_JWKS_URL: accounts.running.jwksUrl,
          AUTH_PRINCIPAL_STATUS_URL: accounts.running.url.replace(
            /\/graphql$/,
            PRINCIPAL_STATUS_PATH,
          ),
          AUTH_REVOCATIONS_URL: accounts.running.url.replace(/\/graphql$/, REVOCATIONS_PATH),
          HTTP_CORS_ORIGINS: ALLOWED_ORIGIN,
          GATEWAY_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
          GATEWAY_WS_MAX_SOCKETS_PER_PRINCIPAL: '3',
          GATEWAY_WS_STATUS_CHECK_MS: '300',
          GATEWAY_MULTIPART_HEARTBEAT_MS: '200',
          GATEWAY_WS_INIT_TIMEOUT_MS: '500',
          GATEWAY_WS_KEEPALIVE_MS: '300',
          GATEWAY_WS_MAX_MESSAGE_BYTES: '4096',
          GATEWAY_SHUTDOWN_GRACE_MS: '1000',
          LOG_LEVEL: 'warn',
          ...env,
        }),
      );
    const clients: Client[] = [];

    beforeAll(async () => {
      accounts = await startTestAccounts(target);
      live = await startLiveSubgraph(TEST_CLAIMS_SECRET);
      extra = await startExtraSubgraph(TEST_CLAIMS_SECRET);
      supergraphDir = mkdtempSync(join(tmpdir(), 'portico-supergraph-'));
      supergraphPath = join(supergraphDir, 'supergraph.graphql');
      writeFileSync(
        supergraphPath,
        composeSupergraph([
          { name: 'live', sdl: LIVE_SDL, routingUrl: 'http://127.0.0.1:9/graphql' },
          { name: 'extra', sdl: EXTRA_SDL, routingUrl: 'http://127.0.0.1:9/graphql' },
        ]),
      );
      gateway = await startSubscriptionGateway();
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      await until(() => gateway.subscriptionStats().upstream === 0, 5_000, 'upstream drained');
    });

    afterAll(async () => {
      await gateway?.close();
      await extra?.close();
      await live?.close();
      await accounts?.stop();
      if (supergraphDir) rmSync(supergraphDir, { recursive: true, force: true });
    });

    const signIn = async (email = 'bob@acme.example', password = 'acme-demo-password') => {
      const response = await accounts.post(
        'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
        { variables: { input: { email, password } } },
      );
      const token = (response.body.data as { signIn?: { accessToken: string } } | null)?.signIn
        ?.accessToken;
      if (!token) throw new Error(`sign-in failed: ${response.text}`);
      return token;
    };

    const mint = async (principal: SignedInPrincipal, ttlSeconds: number) => {
      const issuer = await TokenIssuer.fromPem(accounts.signingKeyPem, {
        issuer: 'portico-accounts',
        audience: 'portico',
        ttlSeconds: 900,
      });
      return (await issuer.issue(principal, ttlSeconds)).accessToken;
    };

    const connect = (token: string, closes: Array<{ code: number }> = [], url = gateway.url) => {
      const client = connectWs(url, token, closes);
      clients.push(client);
      return client;
    };

    const note = (id: string, customerId = accounts.demo.acmeId) => ({
      id,
      text: `note ${id}`,
      customerId,
    });

    it('delivers each event over graphql-ws with the field another subgraph contributes', async () => {
      const token = await signIn();
      const principal = principalOf(token);
      if (principal.kind !== 'contact') throw new Error('expected a contact');
      const subscription = subscribe(connect(token), NOTE_ADDED, { topic: 'ws-nested' });
      await until(() => live.active() === 1, 5_000, 'subscribed upstream');
      // The subgraph saw the client's principal in the subscribe's claims.
      expect(live.subscribers.at(-1)).toMatchObject({
        kind: 'contact',
        contactId: principal.contactId,
      });
      live.publish('ws-nested', note('n-1'));
      live.publish('ws-nested', note('n-2'));
      await until(() => subscription.events.length === 2, 5_000, 'two events');
      expect(subscription.events).toEqual([
        {
          data: {
            noteAdded: {
              cursor: expect.any(String),
              note: { id: 'n-1', text: 'note n-1', seenBy: `contact:${principal.contactId}` },
            },
          },
        },
        {
          data: {
            noteAdded: {
              cursor: expect.any(String),
              note: { id: 'n-2', text: 'note n-2', seenBy: `contact:${principal.contactId}` },
            },
          },
        },
      ]);
      expect(gateway.subscriptionStats()).toMatchObject({ sockets: 1, upstream: 1 });
    });

    it('completes the upstream subscription when the client completes or disconnects', async () => {
      const token = await signIn();
      const client = connect(token);
      const first = subscribe(client, NOTE_ADDED, { topic: 'leak-a' });
      const second = subscribe(client, NOTE_ADDED, { topic: 'leak-b' });
      await until(() => live.active() === 2, 5_000, 'two upstream subscriptions');
      expect(gateway.subscriptionStats().upstream).toBe(2);
      first.dispose();
      await until(() => live.active() === 1, 5_000, 'first completed upstream');
      expect(gateway.subscriptionStats().upstream).toBe(1);
      await client.dispose();
      await until(() => live.active() === 0, 5_000, 'second completed upstream');
      await until(() => gateway.subscriptionStats().upstream === 0, 5_000, 'gateway count');
      expect(gateway.subscriptionStats()).toMatchObject({ sockets: 0, connections: 0 });
      expect(second.events).toEqual([]);
    });

    it('refuses a subscription to another customer before it reaches the subgraph', async () => {
      const token = await signIn();
      const before = live.subscribers.length;
      const refused = subscribe(
        connect(token),
        'subscription ($c: ID!) { customerNotes(customerId: $c) { note { id } } }',
        {
          c: accounts.demo.globexId,
        },
      );
      await until(() => refused.errors.length === 1, 5_000, 'refusal');
      expect(refused.errors[0]).toEqual([
        expect.objectContaining({ message: 'Not found', extensions: { code: 'NOT_FOUND' } }),
      ]);
      expect(live.subscribers.length).toBe(before);
      const own = subscribe(
        connect(token),
        'subscription ($c: ID!) { customerNotes(customerId: $c) { note { id } } }',
        {
          c: accounts.demo.acmeId,
        },
      );
      await until(() => live.active() === 1, 5_000, 'own customer subscribed');
      live.publish(`customer:${accounts.demo.acmeId}`, note('own-1'));
      await until(() => own.events.length === 1, 5_000, 'own event');
      expect(own.events[0]).toEqual({ data: { customerNotes: { note: { id: 'own-1' } } } });
    });

    it('refuses the subscription beyond the per-socket limit, keeping the others', async () => {
      const token = await signIn();
      const client = connect(token);
      const a = subscribe(client, NOTE_ADDED, { topic: 'limit' });
      const b = subscribe(client, NOTE_ADDED, { topic: 'limit' });
      await until(() => live.active() === 2, 5_000, 'two subscribed');
      const c = subscribe(client, NOTE_ADDED, { topic: 'limit' });
      await until(() => c.errors.length === 1, 5_000, 'third refused');
      expect(c.errors[0]).toEqual([
        expect.objectContaining({
          message: 'At most 2 subscriptions per socket',
          extensions: { code: 'RATE_LIMITED', limit: 2 },
        }),
      ]);
      live.publish('limit', note('l-1'));
      await until(
        () => a.events.length === 1 && b.events.length === 1,
        5_000,
        'others still served',
      );
      expect(live.active()).toBe(2);
    });

    it('closes a socket beyond the per-principal limit with 4429', async () => {
      const token = await signIn();
      const held: WebSocket[] = [];
      for (let i = 0; i < 3; i += 1) {
        const raw = await openRaw(gateway.url);
        raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
        await until(() => raw.messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
        held.push(raw.socket);
      }
      const fourth = await openRaw(gateway.url);
      fourth.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      expect(await fourth.closed).toEqual({
        code: 4429,
        reason: 'At most 3 open sockets per principal',
      });
      held[0]!.close();
      await until(() => gateway.subscriptionStats().sockets === 2, 5_000, 'one released');
      const fifth = await openRaw(gateway.url);
      fifth.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await until(
        () => fifth.messages.some((m) => m.type === 'connection_ack'),
        5_000,
        'ack again',
      );
      for (const socket of [...held, fifth.socket]) socket.close();
      await until(() => gateway.subscriptionStats().sockets === 0, 5_000, 'all closed');
    });

    it('closes a socket with 4401 when connection_init carries no valid token', async () => {
      const none = await openRaw(gateway.url);
      none.send({ type: 'connection_init', payload: {} });
      expect((await none.closed).code).toBe(4401);
      const forged = await openRaw(gateway.url);
      forged.send({ type: 'connection_init', payload: { Authorization: 'Bearer not.a.token' } });
      expect(await forged.closed).toEqual({ code: 4401, reason: 'Access token is not valid' });
    });

    it('refuses a page from an origin outside HTTP_CORS_ORIGINS and accepts a listed one', async () => {
      const token = await signIn();
      const evil = await openRaw(gateway.url, { origin: 'https://evil.example' });
      expect((await evil.closed).code).toBe(4403);
      expect(evil.messages).toEqual([]);
      const listed = await openRaw(gateway.url, { origin: ALLOWED_ORIGIN });
      listed.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await until(() => listed.messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
      listed.socket.close();
    });

    it('closes the socket with 4401 when its access token expires', async () => {
      const token = await signIn();
      const short = await mint(principalOf(token), 2);
      const closes: Array<{ code: number }> = [];
      const subscription = subscribe(connect(short, closes), NOTE_ADDED, { topic: 'expiry' });
      await until(() => live.active() === 1, 5_000, 'subscribed');
      await until(() => closes.length === 1, 8_000, 'closed at expiry');
      expect(closes[0]!.code).toBe(4401);
      await until(() => live.active() === 0, 5_000, 'upstream completed');
      expect(subscription.events).toEqual([]);
    });

    it("closes a signed-out session's socket with 4401 within seconds, without any event", async () => {
      const token = await signIn();
      const closes: Array<{ code: number }> = [];
      subscribe(connect(token, closes), NOTE_ADDED, { topic: 'revoked' });
      await until(() => live.active() === 1, 5_000, 'subscribed');
      const out = await accounts.post('mutation { signOut { sessionsEnded } }', {
        principal: principalOf(token),
      });
      expect(out.body.errors).toBeUndefined();
      await until(() => closes.length === 1, 5_000, 'closed after sign-out');
      expect(closes[0]!.code).toBe(4401);
      await until(() => live.active() === 0, 5_000, 'upstream completed');
    });

    it('masks an error from the subgraph resolving a nested field, with the request id', async () => {
      const token = await signIn();
      const subscription = subscribe(connect(token), NOTE_ADDED, { topic: 'masked' });
      await until(() => live.active() === 1, 5_000, 'subscribed');
      live.publish('masked', note('boom'));
      await until(() => subscription.events.length === 1, 5_000, 'the event');
      const [event] = subscription.events;
      expect(JSON.stringify(event)).not.toMatch(/10\.0\.0\.7|refused|extra/);
      expect(event!.errors).toEqual(
        expect.arrayContaining([
          {
            message: 'Internal server error',
            path: expect.any(Array),
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
          },
        ]),
      );
      // The subscription goes on: the next event is whole.
      live.publish('masked', note('fine'));
      await until(() => subscription.events.length === 2, 5_000, 'the next event');
      expect(subscription.events[1]).toEqual({
        data: {
          noteAdded: {
            cursor: expect.any(String),
            note: { id: 'fine', text: 'note fine', seenBy: expect.stringMatching(/^contact:/) },
          },
        },
      });
    });

    it('ends subscriptions with SERVICE_UNAVAILABLE when the subgraph connection is lost', async () => {
      const token = await signIn();
      const subscription = subscribe(connect(token), NOTE_ADDED, { topic: 'lost' });
      await until(() => live.active() === 1, 5_000, 'subscribed');
      live.dropConnections();
      await until(() => subscription.errors.length === 1, 5_000, 'the error');
      expect(subscription.errors[0]).toEqual([
        {
          message: 'The live service is unavailable',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ]);
      await until(() => gateway.subscriptionStats().upstream === 0, 5_000, 'released');
      // A new subscription opens a new connection to the subgraph.
      const again = subscribe(connect(token), NOTE_ADDED, { topic: 'lost' });
      await until(() => live.active() === 1, 5_000, 'subscribed again');
      live.publish('lost', note('back'));
      await until(() => again.events.length === 1, 5_000, 'an event again');
    });

    it('closes a socket that sends no connection_init in time with 4408', async () => {
      const raw = await openRaw(gateway.url);
      expect((await raw.closed).code).toBe(4408);
    });

    it('cuts off a peer that stops answering pings', async () => {
      const token = await signIn();
      const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
        autoPong: false,
      });
      const closed = new Promise<number>((resolve) =>
        socket.once('close', (code) => resolve(code)),
      );
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      );
      let pings = 0;
      socket.on('ping', () => (pings += 1));
      // Terminated, not closed: no close frame reaches the peer.
      expect(await closed).toBe(1006);
      expect(pings).toBeGreaterThanOrEqual(1);
      await until(() => gateway.subscriptionStats().sockets === 0, 5_000, 'released');
    });

    it('closes a socket that sends a message over the size limit', async () => {
      const token = await signIn();
      const raw = await openRaw(gateway.url);
      raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await until(() => raw.messages.some((m) => m.type === 'connection_ack'), 5_000, 'ack');
      raw.send({
        id: '1',
        type: 'subscribe',
        payload: { query: `subscription { noteAdded(topic: "${'x'.repeat(5_000)}") { cursor } }` },
      });
      expect((await raw.closed).code).toBe(1009);
    });

    it('refuses a query or mutation over the socket, pointing at HTTP', async () => {
      const token = await signIn();
      const refused = subscribe(connect(token), '{ note(id: "1") { id } }', {});
      await until(() => refused.errors.length === 1, 5_000, 'refusal');
      expect(refused.errors[0]).toEqual([
        expect.objectContaining({
          message: 'Only subscriptions are served here; send a query over HTTP',
          extensions: { code: 'BAD_REQUEST' },
        }),
      ]);
    });

    const post = (token: string | undefined, body: object, accept: string, url = gateway.url) =>
      postMultipart(url, token, body, accept);

    describe('multipart HTTP', () => {
      it('streams events with nested fields, heartbeats, and completes upstream on hang-up', async () => {
        const token = await signIn();
        const response = await post(
          token,
          { query: NOTE_ADDED, variables: { topic: 'mp' } },
          MULTIPART,
        );
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(
          'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
        );
        const stream = readParts(response);
        await until(() => live.active() === 1, 5_000, 'subscribed');
        live.publish('mp', note('m-1'));
        await until(
          () => stream.parts.some((p) => (p as { payload?: unknown }).payload),
          5_000,
          'an event part',
        );
        const principal = principalOf(token);
        if (principal.kind !== 'contact') throw new Error('expected a contact');
        expect(stream.parts.filter((p) => 'payload' in (p as object))).toEqual([
          {
            payload: {
              data: {
                noteAdded: {
                  cursor: expect.any(String),
                  note: { id: 'm-1', text: 'note m-1', seenBy: `contact:${principal.contactId}` },
                },
              },
            },
          },
        ]);
        const heartbeats = () =>
          stream.parts.filter((p) => Object.keys(p as object).length === 0).length;
        const seen = heartbeats();
        await until(() => heartbeats() >= seen + 2, 5_000, 'heartbeats');
        expect(gateway.subscriptionStats()).toMatchObject({ connections: 1, upstream: 1 });
        await stream.cancel();
        await until(() => live.active() === 0, 5_000, 'upstream completed after hang-up');
        await until(() => gateway.subscriptionStats().connections === 0, 5_000, 'released');
      });

      it('hands each event part over as it is written, not when the next part or heartbeat comes', async () => {
        // A part ends where the next boundary starts: Apollo Client (like this
        // reader) parses a part only once that boundary is in. With heartbeats
        // ten minutes apart, nothing else would end it.
        const slow = await startSubscriptionGateway({ GATEWAY_MULTIPART_HEARTBEAT_MS: '600000' });
        try {
          const token = await signIn();
          const stream = readParts(
            await post(
              token,
              { query: NOTE_ADDED, variables: { topic: 'mp-now' } },
              MULTIPART,
              slow.url,
            ),
          );
          await until(() => stream.parts.length === 1, 5_000, 'the opening heartbeat');
          await until(() => live.active() === 1, 5_000, 'subscribed');
          live.publish('mp-now', note('now-1'));
          await until(() => stream.parts.length === 2, 5_000, 'the event part');
          expect(stream.parts).toEqual([
            {},
            {
              payload: {
                data: {
                  noteAdded: {
                    cursor: expect.any(String),
                    note: expect.objectContaining({ id: 'now-1' }),
                  },
                },
              },
            },
          ]);
          await stream.cancel();
          await until(() => live.active() === 0, 5_000, 'upstream completed');
        } finally {
          await slow.close();
        }
      });

      it('ends the stream with an error part and the closing boundary when the session ends', async () => {
        const token = await signIn();
        const response = await post(
          token,
          { query: NOTE_ADDED, variables: { topic: 'mp-out' } },
          MULTIPART,
        );
        const stream = readParts(response);
        await until(() => live.active() === 1, 5_000, 'subscribed');
        await accounts.post('mutation { signOut { sessionsEnded } }', {
          principal: principalOf(token),
        });
        await stream.pump;
        expect(stream.isClosed()).toBe(true);
        expect(stream.parts.at(-1)).toEqual({
          payload: null,
          errors: [
            {
              message: 'Session has ended; sign in again',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        });
        await until(() => live.active() === 0, 5_000, 'upstream completed');
      });

      it('refuses a subscription over plain POST with a clear error, and anonymous callers', async () => {
        const token = await signIn();
        const plain = await post(
          token,
          { query: NOTE_ADDED, variables: { topic: 'x' } },
          'application/json',
        );
        expect(plain.status).toBe(400);
        expect(await plain.json()).toEqual({
          errors: [
            {
              message:
                'A subscription over HTTP needs POST with accept: multipart/mixed;subscriptionSpec="1.0"; or subscribe over graphql-ws on this path',
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        });
        const anonymous = await post(
          undefined,
          { query: NOTE_ADDED, variables: { topic: 'x' } },
          MULTIPART,
        );
        expect(anonymous.status).toBe(401);
        expect(
          ((await anonymous.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]!
            .extensions,
        ).toEqual({
          code: 'UNAUTHENTICATED',
        });
        const missingVariable = await post(token, { query: NOTE_ADDED }, MULTIPART);
        expect(missingVariable.status).toBe(400);
        expect(await missingVariable.json()).toEqual({
          errors: [
            {
              message: 'Variable "$topic" of required type "String!" was not provided.',
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
        });
        expect(live.active()).toBe(0);
      });
    });
    it('checks the session before each event: a revoked one gets no event and is closed 4401', async () => {
      // No periodic check here: only the check before the event can notice.
      const quiet = await startSubscriptionGateway({ GATEWAY_WS_STATUS_CHECK_MS: '600000' });
      try {
        const token = await signIn();
        const closes: Array<{ code: number }> = [];
        const subscription = subscribe(connect(token, closes, quiet.url), NOTE_ADDED, {
          topic: 'per-event',
        });
        await until(() => live.active() === 1, 5_000, 'subscribed');
        await accounts.post('mutation { signOut { sessionsEnded } }', {
          principal: principalOf(token),
        });
        await new Promise((r) => setTimeout(r, 500));
        expect(closes).toEqual([]);
        live.publish('per-event', note('after-sign-out'));
        await until(() => closes.length === 1, 5_000, 'closed on the event');
        expect(closes[0]!.code).toBe(4401);
        expect(subscription.events).toEqual([]);
        await until(() => quiet.subscriptionStats().upstream === 0, 5_000, 'upstream completed');
      } finally {
        await quiet.close();
      }
    });

    it('tells sockets and multipart streams to go on shutdown, completing upstream', async () => {
      const leaving = await startSubscriptionGateway();
      const token = await signIn();
      const closes: Array<{ code: number }> = [];
      subscribe(connect(token, closes, leaving.url), NOTE_ADDED, { topic: 'shutdown' });
      const stream = readParts(
        await post(
          token,
          { query: NOTE_ADDED, variables: { topic: 'shutdown' } },
          MULTIPART,
          leaving.url,
        ),
      );
      await until(() => live.active() === 2, 5_000, 'both subscribed');
      await leaving.close();
      await stream.pump;
      expect(closes.map((c) => c.code)).toEqual([1001]);
      expect(stream.isClosed()).toBe(true);
      expect(stream.parts.at(-1)).toEqual({
        payload: null,
        errors: [
          {
            message: 'The gateway is shutting down; subscribe again',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      });
      await until(() => live.active() === 0, 5_000, 'upstream completed');
    });

    it("serves Apollo Client's HttpLink, which subscribes over multipart by itself", async () => {
      const token = await signIn();
      const apollo = new ApolloClient({
        link: new HttpLink({ uri: gateway.url, headers: { authorization: `Bearer ${token}` } }),
        cache: new InMemoryCache(),
      });
      const received: unknown[] = [];
      const failures: unknown[] = [];
      const subscription = apollo
        .subscribe({
          query: gql(NOTE_ADDED),
          variables: { topic: 'apollo' },
          fetchPolicy: 'no-cache',
        })
        .subscribe({
          next: (result) => received.push(result.data),
          error: (e) => failures.push(e),
        });
      await until(() => live.active() === 1, 5_000, 'subscribed');
      live.publish('apollo', note('a-1'));
      await until(() => received.length === 1, 5_000, 'the event');
      expect(failures).toEqual([]);
      expect(received[0]).toEqual({
        noteAdded: {
          __typename: 'NoteEvent',
          cursor: expect.any(String),
          note: {
            __typename: 'Note',
            id: 'a-1',
            text: 'note a-1',
            seenBy: expect.stringMatching(/^contact:/),
          },
        },
      });
      subscription.unsubscribe();
      await until(() => live.active() === 0, 5_000, 'upstream completed');
    });
  },
);
