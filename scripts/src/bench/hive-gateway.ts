import { createServer, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CLAIMS_HEADER, readInt, readString } from '@portico/kit';
import { HIVE_DIR } from './hive-install';
import { unverifiedClaims } from './unverified-claims';

/** The little of the runtime's API the benchmark uses. */
interface HiveRuntime {
  createGatewayRuntime(options: {
    supergraph: string;
    logging: boolean;
    transportEntries: Record<string, { location: string }>;
    propagateHeaders: {
      fromClientToSubgraphs: (context: { request: Request }) => Record<string, string>;
    };
  }): RequestListener & { dispose(): unknown };
}

/**
 * Configuration (c) of the benchmark: Hive Gateway's runtime (the engine of
 * `@graphql-hive/gateway`, without its CLI) with its defaults, on the same
 * supergraph. Like the stock gateway it only adds the claims header, decoded
 * from the token without verifying it, because Portico's subgraphs answer
 * nothing without one.
 */
async function main(): Promise<void> {
  const env = process.env;
  const secret = readString(env, 'AUTH_CLAIMS_SECRET');
  const { createGatewayRuntime } = createRequire(join(HIVE_DIR, 'package.json'))(
    '@graphql-hive/gateway-runtime',
  ) as HiveRuntime;
  const gateway = createGatewayRuntime({
    supergraph: readString(env, 'GATEWAY_SUPERGRAPH_PATH'),
    logging: false,
    transportEntries: {
      accounts: { location: readString(env, 'SUBGRAPH_ACCOUNTS_URL') },
      billing: { location: readString(env, 'SUBGRAPH_BILLING_URL') },
      sales: { location: readString(env, 'SUBGRAPH_SALES_URL') },
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        [CLAIMS_HEADER]: unverifiedClaims(request.headers.get('authorization'), secret),
      }),
    },
  });
  const server = createServer(gateway);
  const port = readInt(env, 'HTTP_PORT', 4220);
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`hive gateway listening on http://127.0.0.1:${port}/graphql\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`hive gateway failed: ${String(error)}\n`);
  process.exit(1);
});
