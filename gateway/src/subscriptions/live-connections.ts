import { randomUUID } from 'node:crypto';
import { codedError, ErrorCode, type Logger, type Principal } from '@portico/kit';
import type { PrincipalStatusCheck } from '../auth/principal-status';
import { RateLimiter } from '../limits/rate-limiter';

/** Close code for a socket whose principal is not (or no longer) signed in. */
export const CLOSE_UNAUTHENTICATED = 4401;
/** Close code for a socket opened from an origin outside HTTP_CORS_ORIGINS. */
export const CLOSE_FORBIDDEN_ORIGIN = 4403;
/** Close code when the gateway shuts down (WebSocket "going away"). */
export const CLOSE_GOING_AWAY = 1001;
/** Close code for a principal that already holds as many sockets as it may. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/** A graphql-ws socket or a multipart stream, held open for one signed-in principal. */
export interface LiveConnection {
  principal: Principal;
  /** When the access token expires (ms since the epoch), or null when it does not say. */
  expiresAt: number | null;
  /** Ends the connection because its principal may no longer receive events. */
  end(code: number, reason: string): void;
}

interface Entry {
  connection: LiveConnection;
  key: string;
  expiry?: NodeJS.Timeout;
}

/**
 * Every open subscription connection of this gateway instance, by principal:
 * enforces the per-principal limit, closes a connection when its token
 * expires, and checks each principal's session again every `statusCheckMs`
 * (remembered answers cost nothing while the revocation log is followed),
 * so a revoked session is cut off within seconds even when no event flows.
 */
export class LiveConnections {
  private readonly entries = new Map<LiveConnection, Entry>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly options: {
      maxPerPrincipal: number;
      statusCheckMs: number;
      checkStatus: PrincipalStatusCheck;
      logger: Logger;
    },
  ) {
    this.timer = setInterval(() => void this.checkAll(), options.statusCheckMs);
    this.timer.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  /** False (and nothing held) when the principal already holds its limit of connections. */
  add(connection: LiveConnection): boolean {
    const key = RateLimiter.keyFor(connection.principal, '');
    const held = this.perPrincipal.get(key) ?? 0;
    if (held >= this.options.maxPerPrincipal) return false;
    this.perPrincipal.set(key, held + 1);
    const entry: Entry = { connection, key };
    if (connection.expiresAt !== null) {
      // setTimeout holds at most about 24.8 days; tokens live minutes.
      const delay = Math.min(Math.max(0, connection.expiresAt - Date.now()), 2 ** 31 - 1);
      entry.expiry = setTimeout(
        () => connection.end(CLOSE_UNAUTHENTICATED, 'Access token expired'),
        delay,
      );
      entry.expiry.unref();
    }
    this.entries.set(connection, entry);
    return true;
  }

  remove(connection: LiveConnection): void {
    const entry = this.entries.get(connection);
    if (!entry) return;
    this.entries.delete(connection);
    if (entry.expiry) clearTimeout(entry.expiry);
    const held = (this.perPrincipal.get(entry.key) ?? 1) - 1;
    if (held > 0) this.perPrincipal.set(entry.key, held);
    else this.perPrincipal.delete(entry.key);
  }

  /**
   * Before an event is delivered: the token has not expired and its session
   * is still active. Ends the connection (4401) and throws when not.
   */
  async checkBeforeEvent(connection: LiveConnection, requestId: string): Promise<void> {
    if (connection.expiresAt !== null && connection.expiresAt <= Date.now()) {
      connection.end(CLOSE_UNAUTHENTICATED, 'Access token expired');
      throw codedError(ErrorCode.Unauthenticated, 'Access token expired');
    }
    try {
      await this.options.checkStatus(connection.principal, requestId);
    } catch (error) {
      if (
        (error as { extensions?: { code?: unknown } }).extensions?.code ===
        ErrorCode.Unauthenticated
      ) {
        connection.end(CLOSE_UNAUTHENTICATED, 'Session has ended; sign in again');
      }
      throw error;
    }
  }

  /** Shutting down: every connection is told to go (1001) and resume elsewhere. */
  endAll(): void {
    for (const connection of [...this.entries.keys()]) {
      connection.end(CLOSE_GOING_AWAY, 'The gateway is shutting down; subscribe again');
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const connection of [...this.entries.keys()]) this.remove(connection);
  }

  private async checkAll(): Promise<void> {
    if (this.checking || this.entries.size === 0) return;
    this.checking = true;
    try {
      const byKey = new Map<string, LiveConnection[]>();
      for (const { connection, key } of this.entries.values()) {
        const list = byKey.get(key);
        if (list) list.push(connection);
        else byKey.set(key, [connection]);
      }
      for (const connections of byKey.values()) {
        // Tokens of one person may belong to different sessions: each is asked about.
        const bySession = new Map<string, LiveConnection[]>();
        for (const connection of connections) {
          const session = JSON.stringify(connection.principal);
          const list = bySession.get(session);
          if (list) list.push(connection);
          else bySession.set(session, [connection]);
        }
        for (const group of bySession.values()) {
          const first = group[0];
          if (!first) continue;
          try {
            await this.options.checkStatus(first.principal, randomUUID());
          } catch (error) {
            const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
            if (code === ErrorCode.Unauthenticated) {
              for (const connection of group) {
                connection.end(CLOSE_UNAUTHENTICATED, 'Session has ended; sign in again');
              }
            } else {
              // accounts cannot say right now: events are still checked one by one.
              this.options.logger.warn('session check of open subscriptions failed', {
                error: error instanceof Error ? error.message : String(error),
              });
            }
          }
        }
      }
    } finally {
      this.checking = false;
    }
  }
}
