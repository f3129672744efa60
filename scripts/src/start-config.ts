import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { readInt, readOptionalString, type Env } from '@portico/kit';

/** What `npm start` reads from the environment: ports, data folder, public address. */
export interface StartConfig {
  dataDir: string;
  gatewayPort: number;
  /** Subgraph name → port: `<NAME>_PORT`, else the port of its routing URL in supergraph.yaml. */
  subgraphPorts: Map<string, number>;
  host: string;
  /** Where clients reach the gateway, for the links services put in documents. */
  publicBaseUrl: string;
}

export function loadStartConfig(
  root: string,
  env: Env,
  subgraphs: Array<{ name: string; routingUrl: string }>,
): StartConfig {
  const host = '127.0.0.1';
  const gatewayPort = readInt(env, 'GATEWAY_PORT', 4000, { min: 1, max: 65535 });
  const subgraphPorts = new Map<string, number>();
  for (const subgraph of subgraphs) {
    const fallback = Number(new URL(subgraph.routingUrl).port);
    subgraphPorts.set(
      subgraph.name,
      readInt(env, `${subgraph.name.toUpperCase()}_PORT`, fallback, { min: 1, max: 65535 }),
    );
  }
  return {
    dataDir: resolve(root, env.PORTICO_DATA_DIR || 'data'),
    gatewayPort,
    subgraphPorts,
    host,
    publicBaseUrl: (
      readOptionalString(env, 'PUBLIC_BASE_URL') ?? `http://${host}:${gatewayPort}`
    ).replace(/\/$/, ''),
  };
}

/** Resolves when nothing listens on host:port (this process could bind it), rejects otherwise. */
export function checkPortFree(
  host: string,
  port: number,
  what: string,
  variable: string,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use on ${host}: stop what holds it (another Portico?), or set ${variable}`
            : `port ${port} (${what}) cannot be used: ${error.message}`,
        ),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolvePromise()));
  });
}
