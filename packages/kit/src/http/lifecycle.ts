import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Each open socket of a server and how many of its requests are unanswered. */
const connections = new WeakMap<Server, Map<Socket, number>>();

/**
 * Counts requests per socket from the first connection on, so a close can
 * tell a socket with nothing to answer (never used, or idle between
 * keep-alive requests) from one whose request is in flight. Upgraded sockets
 * (WebSockets) belong to their endpoint and are not counted.
 */
function trackConnections(server: Server): void {
  if (connections.has(server)) return;
  const open = new Map<Socket, number>();
  connections.set(server, open);
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    if (!open.has(socket)) return;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (open.has(socket)) open.set(socket, Math.max(0, (open.get(socket) ?? 1) - 1));
    });
  });
  server.on('upgrade', (req) => open.delete(req.socket));
}

/** Destroys every tracked socket with no request in flight; false when the server is not tracked. */
function closeUnusedConnections(server: Server): boolean {
  const open = connections.get(server);
  if (!open) return false;
  for (const [socket, inFlight] of open) {
    if (inFlight === 0) socket.destroy();
  }
  return true;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  trackConnections(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish, closes
 * keep-alive sockets as soon as they are idle (at once, and each one whose
 * last request ends later), and force-closes what is left after the grace
 * period.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    // A socket whose request was in flight at close stays open for its
    // keep-alive period once answered, and one accepted but not yet used
    // is not idle to Node: close each as soon as it has nothing to answer.
    const closeIdle = () => {
      if (!closeUnusedConnections(server)) server.closeIdleConnections();
    };
    const idle = setInterval(closeIdle, 50);
    idle.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve();
    });
    closeIdle();
  });
}

/**
 * A close that runs once: later calls get the first call's promise. Apollo
 * Server's `stop()` called a second time never settles, so a server that
 * stops it must not be stoppable twice.
 */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

/**
 * The shared body of every `main.ts`: start, print where it listens, and on
 * SIGTERM/SIGINT drain and exit. A failed start exits 1 with the reason only
 * (no stack: it may carry connection strings).
 */
export function runService(
  name: string,
  start: () => Promise<{ url: string; close(): Promise<void> }>,
): void {
  start().then(
    (running) => {
      process.stdout.write(`${name} listening on ${running.url}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${name}: ${signal}, draining\n`);
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    },
    (error: unknown) => {
      process.stderr.write(
        `${name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/**
 * The `migrate` entry point of a service: applies its migrations, prints each
 * one applied (or that there was none), exits 0, or 1 with the error.
 */
export function runMigrations(name: string, migrate: () => Promise<string[]>): void {
  migrate().then(
    (applied) => {
      process.stdout.write(
        applied.length === 0
          ? `${name}: database is up to date\n`
          : applied.map((migration) => `${name}: applied ${migration}\n`).join(''),
      );
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `${name}: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
