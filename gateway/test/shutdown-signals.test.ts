import { testing } from '@portico/kit';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/server';
import { SUPERGRAPH_PATH } from './stack-harness';

describe('gateway shutdown', () => {
  it('leaves SIGTERM and SIGINT to the process, even outside tests', async () => {
    // Apollo Server adds its own signal handlers unless NODE_ENV is "test";
    // with them, the process's shutdown stopped it twice and never exited.
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
    try {
      gateway = await startGateway(
        loadConfig({
          NODE_ENV: 'production',
          AUTH_CLAIMS_SECRET: testing.TEST_CLAIMS_SECRET,
          HTTP_PORT: '0',
          GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
          LOG_LEVEL: 'error',
        }),
      );
      expect({
        term: process.listenerCount('SIGTERM'),
        int: process.listenerCount('SIGINT'),
      }).toEqual(before);
    } finally {
      process.env.NODE_ENV = nodeEnv;
      await gateway?.close();
    }
  });

  it('serves no /metrics on its public port unless METRICS_TOKEN is set', async () => {
    const gateway = await startGateway(
      loadConfig({
        AUTH_CLAIMS_SECRET: testing.TEST_CLAIMS_SECRET,
        HTTP_PORT: '0',
        GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
        LOG_LEVEL: 'error',
      }),
    );
    try {
      const response = await fetch(gateway.url.replace(/\/graphql$/, '/metrics'));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('portico_');
    } finally {
      await gateway.close();
    }
  });
});
