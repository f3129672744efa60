import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  composeSupergraph,
  startSubgraphServer,
  subgraphSchemaHeader,
  testing,
  type BaseContext,
  type RunningSubgraph,
} from '@portico/kit';
import { parse } from 'graphql';
import { Agent, request } from 'undici';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';

/**
 * One subgraph run as several instances behind the gateway's pool: in-process
 * subgraph servers on ports of their own, each counting what it executed, and
 * every mutation recorded by its key across all instances, so a mutation run
 * twice shows.
 */
const COUNTER_SDL = `${subgraphSchemaHeader()}
type Query {
  "The instance that answered."
  instance: String!
}
type Mutation {
  "Records one tick under a key the caller chooses; answers the instance that ran it."
  recordTick(key: String!): String!
}
`;

const QUERY = 'query WhoAnswers { instance }';
const MUTATION = 'mutation Tick($key: String!) { recordTick(key: $key) }';

interface Instance {
  name: string;
  port: number;
  server: RunningSubgraph;
  queries: number;
  mutations: number;
}

describe('gateway subgraph pool', () => {
  const secret = testing.TEST_CLAIMS_SECRET;
  /** Key → names of the instances that executed a mutation with it, in order. */
  const ticks = new Map<string, string[]>();
  let supergraphDir: string;
  let supergraphPath: string;
  const gateways: RunningGateway[] = [];
  // One client pool per gateway: a later gateway may get an earlier one's port,
  // and a socket kept alive to the closed one must not be reused.
  const agents = new Map<RunningGateway, Agent>();
  const instances: Instance[] = [];
  let sequence = 0;

  async function startInstance(name: string, port = 0): Promise<Instance> {
    const instance = { name, port, queries: 0, mutations: 0 } as Instance;
    const schema = buildSubgraphSchema({
      typeDefs: parse(COUNTER_SDL),
      resolvers: {
        Query: {
          instance: () => {
            instance.queries += 1;
            return name;
          },
        },
        Mutation: {
          recordTick: (_: unknown, args: { key: string }) => {
            instance.mutations += 1;
            ticks.set(args.key, [...(ticks.get(args.key) ?? []), name]);
            return name;
          },
        },
      } as never,
    });
    instance.server = await startSubgraphServer<BaseContext>({
      name: 'counter',
      schema,
      claimsSecret: secret,
      host: '127.0.0.1',
      port,
      createContext: (meta) => meta,
      logLevel: 'silent',
    });
    instance.port = instance.server.port;
    instances.push(instance);
    return instance;
  }

  async function startPoolGateway(urls: string[]): Promise<RunningGateway> {
    const gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: secret,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: supergraphPath,
        SUBGRAPH_COUNTER_URL: urls.join(','),
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
        GATEWAY_SHUTDOWN_GRACE_MS: '500',
        LOG_LEVEL: 'silent',
      }),
    );
    gateways.push(gateway);
    agents.set(gateway, new Agent());
    return gateway;
  }

  async function post(
    gateway: RunningGateway,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{
    data?: Record<string, string> | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  }> {
    const response = await request(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      dispatcher: agents.get(gateway),
    });
    return (await response.body.json()) as never;
  }

  const tick = (gateway: RunningGateway) => {
    sequence += 1;
    const key = `tick-${sequence}`;
    return post(gateway, MUTATION, { key }).then((answer) => ({ key, answer }));
  };

  beforeAll(() => {
    supergraphDir = mkdtempSync(join(tmpdir(), 'portico-pool-'));
    supergraphPath = join(supergraphDir, 'supergraph.graphql');
    writeFileSync(
      supergraphPath,
      composeSupergraph([
        { name: 'counter', sdl: COUNTER_SDL, routingUrl: 'http://127.0.0.1:9/graphql' },
      ]),
    );
  });

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    agents.clear();
    await Promise.all(instances.splice(0).map((i) => i.server.close().catch(() => undefined)));
  });

  afterAll(() => {
    if (supergraphDir) rmSync(supergraphDir, { recursive: true, force: true });
  });

  it('spreads queries and mutations over the instances', async () => {
    const a = await startInstance('a');
    const b = await startInstance('b');
    const gateway = await startPoolGateway([a.server.url, b.server.url]);
    const answeredBy: string[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await post(gateway, QUERY);
      expect(answer.errors).toBeUndefined();
      answeredBy.push(answer.data?.instance as string);
    }
    for (let i = 0; i < 10; i++) {
      const { answer } = await tick(gateway);
      expect(answer.errors).toBeUndefined();
    }
    expect(a.queries + b.queries).toBe(20);
    expect(answeredBy.filter((n) => n === 'a')).toHaveLength(a.queries);
    // One request at a time: the instances take turns.
    expect(a.queries).toBe(10);
    expect(b.queries).toBe(10);
    expect(a.mutations).toBe(5);
    expect(b.mutations).toBe(5);
  });

  it('answers every query and mutation with one instance stopped, and takes it back once ready', async () => {
    const a = await startInstance('a');
    const b = await startInstance('b');
    const gateway = await startPoolGateway([a.server.url, b.server.url]);
    expect((await post(gateway, QUERY)).errors).toBeUndefined();
    expect((await post(gateway, QUERY)).errors).toBeUndefined();
    await b.server.close();
    const bQueries = b.queries;
    const keys: string[] = [];
    for (let i = 0; i < 10; i++) {
      const query = await post(gateway, QUERY);
      expect(query.errors).toBeUndefined();
      expect(query.data?.instance).toBe('a');
      const { key, answer } = await tick(gateway);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.recordTick).toBe('a');
      keys.push(key);
    }
    // Concurrent calls too: none of them lands on the stopped instance.
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => tick(gateway)));
    for (const { key, answer } of concurrent) {
      expect(answer.errors).toBeUndefined();
      keys.push(key);
    }
    for (const key of keys) expect(ticks.get(key)).toEqual(['a']);
    expect(b.queries).toBe(bQueries);

    // Back on its port: the readiness probe returns it to the rotation.
    const b2 = await startInstance('b2', b.port);
    let pending: Promise<unknown> | undefined;
    await testing.waitUntil(
      'the restarted instance to take calls again',
      () => {
        pending ??= post(gateway, QUERY).finally(() => (pending = undefined));
        return b2.queries > 0;
      },
      30_000,
    );
    await pending;
  }, 60_000);

  it('answers SERVICE_UNAVAILABLE without an address when every instance is down', async () => {
    const a = await startInstance('a');
    const b = await startInstance('b');
    const gateway = await startPoolGateway([a.server.url, b.server.url]);
    await a.server.close();
    await b.server.close();
    for (const answer of [await post(gateway, QUERY), (await tick(gateway)).answer]) {
      expect(answer.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const text = JSON.stringify(answer);
      expect(text).toContain('counter service is unavailable');
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(String(a.port));
      expect(text).not.toContain('ECONNREFUSED');
    }
  });

  it('does not send a mutation again once it may have reached an instance; a query it does', async () => {
    const a = await startInstance('a');
    const behind = await startInstance('behind-cut');
    // The instance runs the call, and the connection is reset before its answer arrives.
    const cut = await startCuttingProxy(behind.port);
    try {
      const gateway = await startPoolGateway([cut.url, a.server.url]);
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { key, answer } = await tick(gateway);
        const ranOn = ticks.get(key) ?? [];
        // Never twice, whichever instance took it.
        expect(ranOn).toHaveLength(1);
        if (ranOn[0] === 'behind-cut') {
          expect(answer.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
          outcomes.push('cut');
        } else {
          expect(answer.errors).toBeUndefined();
          outcomes.push('answered');
        }
      }
      // Least in flight, ties in turn: both instances were tried.
      expect(outcomes).toContain('cut');
      expect(outcomes).toContain('answered');
      for (let i = 0; i < 6; i++) {
        const answer = await post(gateway, QUERY);
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.instance).toBe('a');
      }
      // Some of those queries ran behind the cut and were answered again by a.
      expect(behind.queries).toBeGreaterThan(0);
    } finally {
      await cut.close();
    }
  });
});

/**
 * A TCP hop in front of an instance that passes requests on and resets the
 * client's connection as soon as the answer starts to come back: the
 * request was executed, its answer lost.
 */
async function startCuttingProxy(
  targetPort: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', () => {
      client.resetAndDestroy();
      upstream.destroy();
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
