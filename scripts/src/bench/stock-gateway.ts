import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CLAIMS_HEADER, readInt, readString } from '@portico/kit';
import { unverifiedClaims } from './unverified-claims';

/**
 * Configuration (b) of the benchmark: a stock @apollo/gateway behind Apollo
 * Server's standalone server, with none of Portico's plugins (no token
 * verification, authorization, limits or session checks) and its default HTTP
 * client. It only adds the claims header, decoded from the token without
 * verifying it, because Portico's subgraphs answer nothing without one.
 */
interface Context {
  claims: string;
}

async function main(): Promise<void> {
  const env = process.env;
  const secret = readString(env, 'AUTH_CLAIMS_SECRET');
  const urls: Record<string, string> = {
    accounts: readString(env, 'SUBGRAPH_ACCOUNTS_URL'),
    billing: readString(env, 'SUBGRAPH_BILLING_URL'),
    sales: readString(env, 'SUBGRAPH_SALES_URL'),
  };
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(readString(env, 'GATEWAY_SUPERGRAPH_PATH'), 'utf8'),
    buildService: ({ name, url }) =>
      new (class extends RemoteGraphQLDataSource<Context> {
        override willSendRequest({
          request,
          context,
        }: Parameters<RemoteGraphQLDataSource<Context>['willSendRequest'] & object>[0]) {
          if (context?.claims) request.http?.headers.set(CLAIMS_HEADER, context.claims);
        }
      })({ url: urls[name] ?? url }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: readInt(env, 'HTTP_PORT', 4100), host: '127.0.0.1' },
    context: async ({ req }) => ({ claims: unverifiedClaims(req.headers.authorization, secret) }),
  });
  process.stdout.write(`stock gateway listening on ${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`stock gateway failed: ${String(error)}\n`);
  process.exit(1);
});
