import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  closeGracefully,
  ErrorCode,
  handleGraphQLRequest,
  listen,
  sendGraphQLError,
  sendJson,
} from '@portico/kit';
import { GraphQLError } from 'graphql';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import type { GatewayConfig } from './config';
import { createGateway } from './gateway';

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function subgraphsHealthy(urls: Iterable<string>): Promise<boolean> {
  const checks = [...urls].map(async (url) => {
    const health = url.replace(/\/graphql$/, '/healthz');
    const response = await fetch(health, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  });
  const results = await Promise.allSettled(checks);
  return results.every((r) => r.status === 'fulfilled' && r.value);
}

/** The gateway's HTTP server: /graphql, /healthz (alive), /readyz (supergraph loaded, subgraphs up). */
export async function startGateway(
  config: GatewayConfig,
  options: { verifyToken?: TokenVerifier } = {},
): Promise<RunningGateway> {
  const { apollo, subgraphUrls } = createGateway(config);
  await apollo.start();
  const verifyToken = options.verifyToken ?? createTokenVerifier(config.auth);
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = !draining && (await subgraphsHealthy(subgraphUrls.values()));
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      return;
    }
    if (path !== '/graphql') {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    let principal;
    try {
      principal = await verifyToken(req.headers.authorization);
    } catch (error) {
      req.resume();
      if (error instanceof GraphQLError) {
        const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 401;
        sendGraphQLError(res, status, String(error.extensions.code), error.message);
        return;
      }
      throw error;
    }
    await handleGraphQLRequest(apollo, req, res, {
      bodyLimitBytes: config.http.bodyLimitBytes,
      context: async () => ({ principal, requestId }),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.Internal, 'Internal server error');
      else res.destroy();
    });
  });
  const port = await listen(server, config.http.port, config.http.host);
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    close: async () => {
      draining = true;
      await closeGracefully(server, config.shutdownGraceMs);
      await apollo.stop();
    },
  };
}
