import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRINCIPAL_STATUS_PATH, REVOCATIONS_PATH } from '@portico/accounts';
import { composeSupergraph, testing, type RunningSubgraph } from '@portico/kit';
import type { Client } from 'graphql-ws';
import {
  startTestAccounts,
  TEST_CLAIMS_SECRET,
  type TestAccounts,
} from '../../services/accounts/test/accounts-harness';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';
import { connectWs, subscribe, until } from './live-clients';
import {
  EXTRA_SDL,
  LIVE_SDL,
  startExtraSubgraph,
  startLiveSubgraph,
  type LiveSubgraph,
} from './subscription-subgraphs';

const NOTE_ADDED = 'subscription ($topic: String!) { noteAdded(topic: $topic) { note { id } } }';

/**
 * Subscriptions through the gateway's subgraph pool: each new subscription
 * goes to a live instance of the owning subgraph; accounts only signs in (its
 * database plays no part, so SQLite alone).
 */
describe('subscriptions over a subgraph pool', () => {
  let accounts: TestAccounts;
  let first: LiveSubgraph;
  let second: LiveSubgraph;
  let extra: RunningSubgraph;
  let supergraphDir: string;
  let supergraphPath: string;
  let token: string;
  const gateways: RunningGateway[] = [];
  const clients: Client[] = [];

  const startPoolGateway = async (liveUrls: string[]) => {
    const gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: supergraphPath,
        SUBGRAPH_LIVE_URL: liveUrls.join(','),
        SUBGRAPH_EXTRA_URL: extra.url,
        AUTH_JWKS_URL: accounts.running.jwksUrl,
        AUTH_PRINCIPAL_STATUS_URL: accounts.running.url.replace(
          /\/graphql$/,
          PRINCIPAL_STATUS_PATH,
        ),
        AUTH_REVOCATIONS_URL: accounts.running.url.replace(/\/graphql$/, REVOCATIONS_PATH),
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        LOG_LEVEL: 'silent',
      }),
    );
    gateways.push(gateway);
    return gateway;
  };

  const connect = (gateway: RunningGateway) => {
    const client = connectWs(gateway.url, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    accounts = await startTestAccounts(testing.databaseTargets({})[0] as testing.DatabaseTarget);
    first = await startLiveSubgraph(TEST_CLAIMS_SECRET);
    second = await startLiveSubgraph(TEST_CLAIMS_SECRET);
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
    const response = await accounts.post(
      'mutation ($input: SignInInput!) { signIn(input: $input) { accessToken } }',
      { variables: { input: { email: 'bob@acme.example', password: 'acme-demo-password' } } },
    );
    token = (response.body.data as { signIn: { accessToken: string } }).signIn.accessToken;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
    await until(() => first.active() + second.active() === 0, 10_000, 'upstream drained');
  });

  afterAll(async () => {
    await extra?.close();
    await first?.close();
    await second?.close();
    await accounts?.stop();
    if (supergraphDir) rmSync(supergraphDir, { recursive: true, force: true });
  });

  it('spreads new subscriptions over the instances and ends only the lost instance’s', async () => {
    const gateway = await startPoolGateway([first.url, second.url]);
    const client = connect(gateway);
    const subscriptions = ['a', 'b', 'c', 'd'].map((topic) =>
      subscribe(client, NOTE_ADDED, { topic }),
    );
    await until(() => first.active() + second.active() === 4, 10_000, 'four subscribed');
    expect(first.active()).toBe(2);
    expect(second.active()).toBe(2);

    second.dropConnections();
    await until(
      () => subscriptions.filter((s) => s.errors.length > 0).length === 2,
      10_000,
      'the lost instance’s subscriptions to end',
    );
    for (const ended of subscriptions.filter((s) => s.errors.length > 0)) {
      expect(ended.errors[0]).toEqual([
        { message: 'The live service is unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } },
      ]);
    }
    // The others still deliver.
    for (const topic of ['a', 'b', 'c', 'd']) {
      first.publish(topic, { id: `n-${topic}`, text: topic, customerId: accounts.demo.acmeId });
    }
    await until(
      () => subscriptions.filter((s) => s.events.length === 1).length === 2,
      10_000,
      'the kept subscriptions to deliver',
    );
    expect(
      subscriptions.filter((s) => s.errors.length === 0 && s.events.length === 1),
    ).toHaveLength(2);
  });

  it('sends a subscription whose instance refuses the connection to another one', async () => {
    const port = await testing.freePort();
    const gateway = await startPoolGateway([`http://127.0.0.1:${port}/graphql`, first.url]);
    const client = connect(gateway);
    const subscriptions = ['x', 'y'].map((topic) => subscribe(client, NOTE_ADDED, { topic }));
    await until(() => first.active() === 2, 10_000, 'both subscribed on the live instance');
    first.publish('x', { id: 'n-x', text: 'x', customerId: accounts.demo.acmeId });
    first.publish('y', { id: 'n-y', text: 'y', customerId: accounts.demo.acmeId });
    await until(() => subscriptions.every((s) => s.events.length === 1), 10_000, 'both to deliver');
    for (const subscription of subscriptions) expect(subscription.errors).toEqual([]);
  });
});
