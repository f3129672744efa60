import { Agent, createServer, request } from 'node:http';
import { connect } from 'node:net';
import { closeGracefully, closeOnce, listen } from './lifecycle';

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => (arrived = r));
    const server = createServer((_req, res) => {
      arrived();
      setTimeout(() => res.end('finished'), 200);
    });
    const port = await listen(server, 0, '127.0.0.1');
    const inFlight = get(port);
    await requestArrived;
    const closed = closeGracefully(server, 5_000);
    expect(await inFlight).toEqual({ status: 200, body: 'finished' });
    await closed;
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('force-closes a request that outlives the grace period', async () => {
    const server = createServer(() => {
      // never answers
    });
    const port = await listen(server, 0, '127.0.0.1');
    const hung = get(port).catch((error: Error) => error.message);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await closeGracefully(server, 100);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hung).toMatch(/socket hang up|ECONNRESET/);
  });

  it('is not held open by a socket never used, nor by a keep-alive socket answered after the close began', async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => (arrived = r));
    const server = createServer((_req, res) => {
      arrived();
      setTimeout(() => res.end('finished'), 200);
    });
    server.keepAliveTimeout = 60_000;
    const port = await listen(server, 0, '127.0.0.1');
    // Connected, nothing sent: Node does not count it as idle.
    const silent = connect(port, '127.0.0.1');
    const silentClosed = new Promise<void>((r) => silent.once('close', () => r()));
    silent.on('error', () => undefined);
    await new Promise<void>((r) => silent.once('connect', () => r()));
    const agent = new Agent({ keepAlive: true });
    const inFlight = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    await requestArrived;
    const started = Date.now();
    await closeGracefully(server, 20_000);
    expect(await inFlight).toBe('finished');
    // Well before the grace period or the keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
    await silentClosed;
    agent.destroy();
  });
});

describe('closeOnce', () => {
  it('runs the close once however often, and concurrently, it is called', async () => {
    let runs = 0;
    let finish!: () => void;
    const close = closeOnce(async () => {
      runs += 1;
      await new Promise<void>((r) => (finish = r));
    });
    const first = close();
    const second = close();
    finish();
    await Promise.all([first, second, close()]);
    expect(runs).toBe(1);
  });
});
