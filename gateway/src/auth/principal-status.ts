import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import {
  CLAIMS_HEADER,
  codedError,
  encodeClaims,
  ErrorCode,
  httpStatusFor,
  revocationSubjectsOf,
  type Principal,
} from '@portico/kit';
import { postJson } from '../subgraph-data-source';

export type PrincipalStatusCheck = (principal: Principal, requestId: string) => Promise<void>;

export interface PrincipalStatusOptions {
  /** accounts' status endpoint. */
  url: string;
  /** accounts' revocation log; without it every request asks. */
  revocationsUrl?: string;
  claimsSecret: string;
  timeoutMs: number;
  /** How long a yes is remembered while the revocation log is followed; 0 asks on every request. */
  rememberMs: number;
  /** How long accounts may hold one long poll of the log. */
  pollWaitMs?: number;
  maxEntries?: number;
}

export interface PrincipalStatusStats {
  /** Requests that asked accounts. */
  asked: number;
  /** Requests answered from memory. */
  remembered: number;
  /** Whether the revocation log is being followed right now. */
  following: boolean;
}

export interface PrincipalStatus {
  /**
   * Throws UNAUTHENTICATED when the token is no longer honoured (its session
   * signed out or revoked, its partner client revoked), SERVICE_UNAVAILABLE
   * when accounts cannot say.
   */
  check: PrincipalStatusCheck;
  stats(): PrincipalStatusStats;
  close(): void;
}

function unavailable() {
  return codedError(ErrorCode.ServiceUnavailable, 'Sign-in status is unavailable, try again', {
    httpStatus: httpStatusFor(ErrorCode.ServiceUnavailable),
  });
}

/**
 * Follows accounts' revocation log by long polling. While it follows, a
 * remembered "active" stays true until the log names its session, person or
 * partner client; the moment the follow breaks, everything remembered is
 * forgotten and each request asks again until the follow resumes from the
 * log's head.
 */
class RevocationFollower {
  /** Changes whenever remembered answers may have gone stale. */
  epoch = 0;
  following = false;
  private cursor: number | null = null;
  private stopped = false;
  /** Lets accounts wait briefly for this follower when a revocation lands between two polls. */
  private readonly id = randomUUID();
  private readonly abort = new AbortController();
  /** Its own connection, closed with it: a held long poll must not linger in the shared pool. */
  private readonly connection = new Agent({ connections: 1 });

  constructor(
    private readonly options: Required<Pick<PrincipalStatusOptions, 'pollWaitMs'>> &
      PrincipalStatusOptions & { revocationsUrl: string },
    private readonly onRevoked: (subjects: string[]) => void,
    private readonly onLost: () => void,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    void this.connection.destroy().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const response = await postJson(
          this.options.revocationsUrl,
          { after: this.cursor, waitMs: this.options.pollWaitMs, follower: this.id },
          { [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, this.options.claimsSecret) },
          this.options.pollWaitMs + this.options.timeoutMs,
          { signal: this.abort.signal, dispatcher: this.connection },
        );
        const batch = response.body as { cursor?: unknown; subjects?: unknown } | null;
        if (
          response.status !== 200 ||
          typeof batch?.cursor !== 'number' ||
          !Array.isArray(batch.subjects) ||
          !batch.subjects.every((s) => typeof s === 'string')
        ) {
          throw new Error(`revocation log answered ${response.status}`);
        }
        if (this.cursor === null) {
          this.epoch += 1;
          this.following = true;
        } else if (batch.subjects.length > 0) {
          this.epoch += 1;
          this.onRevoked(batch.subjects as string[]);
        }
        this.cursor = batch.cursor;
        failures = 0;
      } catch {
        if (this.stopped) return;
        this.lose();
        failures += 1;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5_000)).unref());
      }
    }
  }

  private lose(): void {
    this.epoch += 1;
    this.following = false;
    this.cursor = null;
    this.onLost();
  }
}

/**
 * Asks accounts whether a token is still honoured, so a revocation takes
 * effect on the next request rather than at token expiry. Runs after the
 * operation is authorized, so a refused request still reaches no service.
 * A yes is remembered (at most `rememberMs`, never past the session's end)
 * only while the revocation log is followed.
 */
export function createPrincipalStatus(options: PrincipalStatusOptions): PrincipalStatus {
  const maxEntries = options.maxEntries ?? 100_000;
  /** Keyed by the token's revocation subjects joined; each entry keeps them for matching. */
  const remembered = new Map<string, { until: number; subjects: string[] }>();
  const counts = { asked: 0, remembered: 0 };
  const follower =
    options.revocationsUrl && options.rememberMs > 0
      ? new RevocationFollower(
          {
            ...options,
            revocationsUrl: options.revocationsUrl,
            pollWaitMs: options.pollWaitMs ?? 25_000,
          },
          (revokedSubjects) => {
            const revoked = new Set(revokedSubjects);
            for (const [key, { subjects }] of remembered) {
              if (subjects.some((subject) => revoked.has(subject))) remembered.delete(key);
            }
          },
          () => remembered.clear(),
        )
      : null;
  follower?.start();

  const ask = async (principal: Principal, requestId: string) => {
    counts.asked += 1;
    try {
      const response = await postJson(
        options.url,
        { principal },
        {
          [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, options.claimsSecret, { requestId }),
        },
        options.timeoutMs,
      );
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      const body = response.body as { active?: unknown; until?: unknown } | null;
      return {
        active: body?.active === true,
        until: typeof body?.until === 'number' ? body.until : Number.POSITIVE_INFINITY,
      };
    } catch {
      throw unavailable();
    }
  };

  return {
    async check(principal, requestId) {
      if (principal.kind === 'anonymous') return;
      const subjects = revocationSubjectsOf(principal);
      // Tokens of one partner client but different secrets may differ in
      // status (a rotation can end the older ones): each is its own entry.
      const key =
        principal.kind === 'partner' && subjects.length > 0
          ? `${subjects.join('|')}#${principal.secretGeneration ?? 1}`
          : subjects.join('|');
      const now = Date.now();
      if (key && follower?.following) {
        const entry = remembered.get(key);
        if (entry) {
          if (entry.until > now) {
            counts.remembered += 1;
            return;
          }
          remembered.delete(key);
        }
      }
      const epoch = follower?.epoch;
      const status = await ask(principal, requestId);
      if (!status.active) {
        throw codedError(ErrorCode.Unauthenticated, 'Session has ended; sign in again', {
          httpStatus: httpStatusFor(ErrorCode.Unauthenticated),
        });
      }
      // Only when nothing was revoked (and the follow did not break) while asking.
      if (key && follower?.following && follower.epoch === epoch) {
        if (remembered.size >= maxEntries) {
          const oldest = remembered.keys().next().value;
          if (oldest !== undefined) remembered.delete(oldest);
        }
        remembered.set(key, { until: Math.min(status.until, now + options.rememberMs), subjects });
      }
    },
    stats: () => ({ ...counts, following: follower?.following ?? false }),
    close: () => follower?.stop(),
  };
}
