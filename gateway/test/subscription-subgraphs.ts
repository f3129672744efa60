import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  ANONYMOUS,
  codedError,
  ErrorCode,
  enforceSchemaRules,
  startSubgraphServer,
  subgraphSchemaHeader,
  verifyClaims,
  type BaseContext,
  type Principal,
  type RunningSubgraph,
} from '@portico/kit';
import { GraphQLError, parse } from 'graphql';
import type * as GraphQLWsForWs from 'graphql-ws/dist/use/ws';
import { WebSocketServer } from 'ws';

// graphql-ws publishes its ws binding only under a package `exports` subpath,
// which this workspace's `moduleResolution: node` does not read for types:
// the types come from the file, the code from the subpath Node resolves.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as typeof GraphQLWsForWs;

/**
 * A subgraph that serves subscriptions over graphql-ws exactly as the
 * gateway's protocol says: `connection_init { claims }` signed with the claims
 * secret (else 4403), the client principal's claims in every subscribe's
 * `extensions.claims` (else an error, nothing subscribed). It owns `Note`.
 */
export const LIVE_SDL = `${subgraphSchemaHeader()}
type Query {
  note(id: ID!): Note @signedIn
}
"A note, owned by the live test subgraph."
type Note @key(fields: "id") {
  id: ID!
  text: String!
  customerId: ID!
}
"One note added."
type NoteEvent {
  cursor: String!
  note: Note!
}
type Subscription {
  "Notes added under a topic."
  noteAdded(topic: String!): NoteEvent! @signedIn
  "Notes of one customer."
  customerNotes(customerId: ID!): NoteEvent! @signedIn @customerScoped(arg: "customerId")
}
`;

/** An HTTP subgraph contributing a field to `Note`, answered from the caller's signed claims. */
export const EXTRA_SDL = `${subgraphSchemaHeader()}
type Query {
  extraPing: String
}
type Note @key(fields: "id") {
  id: ID!
  "Who the gateway said was asking when this field was resolved."
  seenBy: String!
}
`;

export interface NoteInput {
  id: string;
  text: string;
  customerId: string;
}

export interface LiveSubgraph {
  url: string;
  /** Delivers a note to every open subscription of the topic (or customer). */
  publish(topic: string, note: NoteInput): void;
  /** Subscriptions open on the subgraph right now. */
  active(): number;
  /** The principal of each subscription as its claims said, in order. */
  subscribers: Principal[];
  /** connection_init messages that did not prove the claims secret. */
  refusedConnections: number;
  /** Cuts every socket (as a crash or a network loss would). */
  dropConnections(): void;
  close(): Promise<void>;
}

function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'contact':
      return `contact:${principal.contactId}`;
    case 'staff':
      return `staff:${principal.staffUserId}`;
    case 'partner':
      return `partner:${principal.clientId}`;
    default:
      return 'anonymous';
  }
}

export async function startLiveSubgraph(claimsSecret: string): Promise<LiveSubgraph> {
  const listeners = new Map<string, Set<(note: NoteInput) => void>>();
  let open = 0;
  let cursor = 0;
  const subscribers: Principal[] = [];
  let refusedConnections = 0;

  /** A source that ends (and counts down) when its consumer returns. */
  const listen = (topic: string) => {
    const queue: NoteInput[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const push = (note: NoteInput) => {
      queue.push(note);
      wake?.();
    };
    let set = listeners.get(topic);
    if (!set) listeners.set(topic, (set = new Set()));
    set.add(push);
    open += 1;
    const finish = () => {
      if (done) return;
      done = true;
      set?.delete(push);
      open -= 1;
      wake?.();
    };
    const iterator: AsyncIterableIterator<{ noteAdded?: unknown; customerNotes?: unknown }> = {
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
        const note = queue.shift();
        if (!note) return { value: undefined, done: true };
        cursor += 1;
        const event = { cursor: String(cursor), note };
        return { value: { noteAdded: event, customerNotes: event }, done: false };
      },
      async return() {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  };

  const schema = buildSubgraphSchema({
    typeDefs: parse(LIVE_SDL),
    resolvers: {
      Query: { note: () => null },
      Subscription: {
        noteAdded: { subscribe: (_: unknown, args: { topic: string }) => listen(args.topic) },
        customerNotes: {
          subscribe: (_: unknown, args: { customerId: string }) =>
            listen(`customer:${args.customerId}`),
        },
      },
      Note: { __resolveReference: () => null },
    } as never,
  });
  enforceSchemaRules(schema);

  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      onConnect: (ctx) => {
        const claims = (ctx.connectionParams as { claims?: unknown } | undefined)?.claims;
        const verified = verifyClaims(
          typeof claims === 'string' ? claims : undefined,
          claimsSecret,
        );
        if (!verified.ok) refusedConnections += 1;
        return verified.ok;
      },
      onSubscribe: (_ctx, _id, payload) => {
        const claims = payload.extensions?.claims;
        const verified = verifyClaims(
          typeof claims === 'string' ? claims : undefined,
          claimsSecret,
        );
        if (!verified.ok) {
          return [
            new GraphQLError('Gateway claims required', { extensions: { code: 'FORBIDDEN' } }),
          ];
        }
        subscribers.push(verified.claims.principal);
      },
      context: (_ctx, _id, payload): BaseContext => {
        const claims = payload.extensions?.claims;
        const verified = verifyClaims(
          typeof claims === 'string' ? claims : undefined,
          claimsSecret,
        );
        return {
          principal: verified.ok ? verified.claims.principal : ANONYMOUS,
          requestId: verified.ok ? (verified.claims.requestId ?? '') : '',
        };
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    publish(topic, note) {
      for (const push of listeners.get(topic) ?? []) push(note);
    },
    active: () => open,
    subscribers,
    get refusedConnections() {
      return refusedConnections;
    },
    dropConnections: () => {
      for (const client of wss.clients) client.terminate();
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The HTTP subgraph (the kit's own server: it refuses calls without gateway claims). */
export async function startExtraSubgraph(claimsSecret: string): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(EXTRA_SDL),
    resolvers: {
      Query: { extraPing: () => 'pong' },
      Note: {
        __resolveReference: (ref: { id: string }, context: BaseContext) => {
          if (context.principal.kind === 'anonymous') {
            throw codedError(ErrorCode.Unauthenticated, 'Sign-in required');
          }
          if (ref.id === 'boom') throw new Error('extra database at 10.0.0.7:3306 refused');
          return { id: ref.id, seenBy: describePrincipal(context.principal) };
        },
      },
    } as never,
  });
  return startSubgraphServer<BaseContext>({
    name: 'extra',
    schema,
    claimsSecret,
    host: '127.0.0.1',
    port: 0,
    createContext: (meta) => meta,
    logLevel: 'silent',
  });
}
