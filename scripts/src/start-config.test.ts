import { createServer, type Server } from 'node:net';
import { checkPortFree, loadStartConfig } from './start-config';

const SUBGRAPHS = [
  { name: 'accounts', routingUrl: 'http://127.0.0.1:4001/graphql' },
  { name: 'billing', routingUrl: 'http://127.0.0.1:4002/graphql' },
];

describe('npm start configuration', () => {
  it("builds the public links' base from the gateway's own port unless PUBLIC_BASE_URL is set", () => {
    expect(loadStartConfig('/repo', { GATEWAY_PORT: '4100' }, SUBGRAPHS).publicBaseUrl).toBe(
      'http://127.0.0.1:4100',
    );
    expect(loadStartConfig('/repo', {}, SUBGRAPHS).publicBaseUrl).toBe('http://127.0.0.1:4000');
    expect(
      loadStartConfig(
        '/repo',
        { GATEWAY_PORT: '4100', PUBLIC_BASE_URL: 'https://portal.example.com/' },
        SUBGRAPHS,
      ).publicBaseUrl,
    ).toBe('https://portal.example.com');
  });

  it('takes each service port from <NAME>_PORT, else from its routing URL', () => {
    const config = loadStartConfig('/repo', { BILLING_PORT: '4202' }, SUBGRAPHS);
    expect([...config.subgraphPorts]).toEqual([
      ['accounts', 4001],
      ['billing', 4202],
    ]);
    expect(() => loadStartConfig('/repo', { ACCOUNTS_PORT: 'x' }, SUBGRAPHS)).toThrow(
      /ACCOUNTS_PORT must be an integer/,
    );
  });

  describe('port check', () => {
    let holder: Server;
    let busyPort: number;
    beforeAll(async () => {
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      busyPort = (holder.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it('refuses a port another process listens on, naming the service and the variable to set', async () => {
      await expect(checkPortFree('127.0.0.1', busyPort, 'billing', 'BILLING_PORT')).rejects.toThrow(
        `port ${busyPort} (billing) is already in use on 127.0.0.1: stop what holds it (another Portico?), or set BILLING_PORT`,
      );
    });

    it('accepts a free port and leaves it free', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const freePort = (probe.address() as { port: number }).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      await expect(checkPortFree('127.0.0.1', freePort, 'gateway', 'GATEWAY_PORT')).resolves.toBe(
        undefined,
      );
      await expect(checkPortFree('127.0.0.1', freePort, 'gateway', 'GATEWAY_PORT')).resolves.toBe(
        undefined,
      );
    });
  });
});
