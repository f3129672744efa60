import type { IncomingMessage } from 'node:http';
import { CloseCode, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '@portico/kit';

/** What graphql-ws hands the hooks about the socket (its `ctx.extra`). */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/**
 * graphql-ws's protocol server on a `ws` server, instead of graphql-ws's own
 * `use/ws` binding: that one prints socket errors (an oversized message, a
 * reset) with console.error rather than the gateway's JSON log, and its
 * keep-alive only starts a pong timer per ping. Here a socket that has not
 * answered the previous ping when the next one is due is terminated.
 */
export function serveGraphQLWs<P extends Record<string, unknown>>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  settings: { keepAliveMs: number; logger: Logger },
): { dispose(): Promise<void> } {
  const server = makeServer<P, SocketExtra>(options);
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // ws closes the socket itself (1009 for an oversized message, 1002 for a
    // protocol error) and reports why here; without a listener it would throw.
    socket.on('error', (error) => {
      settings.logger.debug('websocket error', { error: error.message });
    });
    let answered = true;
    socket.on('pong', () => {
      answered = true;
    });
    const keepAlive = setInterval(() => {
      if (!answered) {
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, settings.keepAliveMs);
    keepAlive.unref();
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) => {
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              settings.logger.error('graphql-ws message failed', {
                error: error instanceof Error ? (error.stack ?? error.message) : String(error),
              });
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          });
        },
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      closed(code, String(reason)).catch((error: unknown) => {
        settings.logger.error('graphql-ws close failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    });
  });
  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      // A peer that does not answer the close handshake is not waited for.
      const cutOff = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 1_000);
      cutOff.unref();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(cutOff);
    },
  };
}
