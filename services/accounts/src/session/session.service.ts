import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import {
  codedError,
  ErrorCode,
  hashOpaqueToken as hashToken,
  newOpaqueToken,
  type Database,
  revocationSubject,
  type Principal,
} from '@portico/kit';
import { ActionToken } from '../contact/action-token.entity';
import { RefreshToken, Session } from './session.entity';
import type { RevocationLog } from './revocation-log';

export interface SessionSubject {
  kind: 'contact' | 'staff';
  id: string;
}

/** The person behind a contact or staff principal, with the session its token names; null for others. */
export function sessionSubjectOf(
  principal: Principal,
): (SessionSubject & { sessionId?: string }) | null {
  if (principal.kind === 'contact') {
    return { kind: 'contact', id: principal.contactId, sessionId: principal.sessionId };
  }
  if (principal.kind === 'staff') {
    return { kind: 'staff', id: principal.staffUserId, sessionId: principal.sessionId };
  }
  return null;
}

export interface SessionOptions {
  /** A session ends this long after sign-in, however often it is refreshed. */
  sessionTtlMs: number;
  /** A refresh token unused this long expires. */
  refreshTokenTtlMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  sessionTtlMs: 30 * 24 * 60 * 60_000,
  refreshTokenTtlMs: 14 * 24 * 60 * 60_000,
};

const REFRESH_PREFIX = 'prt_';

function invalidRefresh() {
  return codedError(ErrorCode.InvalidCredentials, 'Refresh token is not valid');
}

/**
 * Sessions with rotating refresh tokens. Each refresh token works once; a
 * second use means it was copied, and the whole session (the token family)
 * is revoked. Access tokens name their session, so revocation takes effect
 * on the next request through the gateway.
 */
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly revocations: RevocationLog,
    private readonly options: SessionOptions = DEFAULT_SESSION_OPTIONS,
  ) {}

  async start(
    subject: SessionSubject,
    clientAddress: string | undefined,
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const now = new Date();
    const session = this.db.manager.getRepository(Session).create({
      id: randomUUID(),
      subjectKind: subject.kind,
      subjectId: subject.id,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.options.sessionTtlMs),
      revokedAt: null,
      revokedReason: null,
      clientAddress: clientAddress?.slice(0, 64) ?? null,
    });
    await this.db.manager.getRepository(Session).save(session);
    return { sessionId: session.id, refreshToken: await this.newRefreshToken(session.id, now) };
  }

  private async newRefreshToken(sessionId: string, now: Date): Promise<string> {
    const token = newOpaqueToken(REFRESH_PREFIX);
    await this.db.manager.getRepository(RefreshToken).insert({
      id: randomUUID(),
      sessionId,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.refreshTokenTtlMs),
      usedAt: null,
    });
    return token;
  }

  /** Trades a refresh token for a new one in the same session. */
  async rotate(refreshToken: string): Promise<{ session: Session; refreshToken: string }> {
    const tokens = this.db.manager.getRepository(RefreshToken);
    const stored = refreshToken.startsWith(REFRESH_PREFIX)
      ? await tokens.findOneBy({ tokenHash: hashToken(refreshToken) })
      : null;
    if (!stored) throw invalidRefresh();
    const now = new Date();
    // Conditional update: of two concurrent uses of one token, exactly one wins.
    const claimed = await tokens.update({ id: stored.id, usedAt: IsNull() }, { usedAt: now });
    if (!claimed.affected) {
      await this.revoke(stored.sessionId, 'refresh-token-reuse');
      throw invalidRefresh();
    }
    const session = await this.db.manager
      .getRepository(Session)
      .findOneBy({ id: stored.sessionId });
    if (!session || session.revokedAt || session.expiresAt <= now || stored.expiresAt <= now) {
      throw invalidRefresh();
    }
    await this.db.manager.getRepository(Session).update({ id: session.id }, { lastUsedAt: now });
    return { session, refreshToken: await this.newRefreshToken(session.id, now) };
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.revocations.revoke([revocationSubject.session(sessionId)], async (manager) => {
      const result = await manager
        .getRepository(Session)
        .update(
          { id: sessionId, revokedAt: IsNull() },
          { revokedAt: new Date(), revokedReason: reason },
        );
      return result.affected !== 0;
    });
  }

  /** Ends every session of a subject; returns how many were still active. */
  async revokeAll(subject: SessionSubject, reason: string): Promise<number> {
    return this.revocations.revoke(
      [revocationSubject.person(subject.kind, subject.id)],
      async (manager) => {
        const result = await manager
          .getRepository(Session)
          .update(
            { subjectKind: subject.kind, subjectId: subject.id, revokedAt: IsNull() },
            { revokedAt: new Date(), revokedReason: reason },
          );
        return result.affected ?? 0;
      },
    );
  }

  /** Whether a token naming this session is honoured, and until when at most. */
  async status(
    sessionId: string,
    subject: SessionSubject,
  ): Promise<{ active: boolean; until?: Date }> {
    const session = await this.db.manager.getRepository(Session).findOneBy({
      id: sessionId,
      subjectKind: subject.kind,
      subjectId: subject.id,
    });
    if (!session || session.revokedAt || session.expiresAt <= new Date()) return { active: false };
    return { active: true, until: session.expiresAt };
  }

  async isActive(sessionId: string, subject: SessionSubject): Promise<boolean> {
    return (await this.status(sessionId, subject)).active;
  }

  async listActive(subject: SessionSubject): Promise<Session[]> {
    const sessions = await this.db.manager.getRepository(Session).find({
      where: { subjectKind: subject.kind, subjectId: subject.id, revokedAt: IsNull() },
      order: { lastUsedAt: 'DESC', id: 'ASC' },
    });
    const now = new Date();
    return sessions.filter((s) => s.expiresAt > now);
  }
}

/**
 * Inside a revoking transaction (RevocationLog.revoke): ends every session of
 * a person and every link mailed to them that is still unused.
 */
export async function endSessionsAndLinks(
  manager: EntityManager,
  subject: SessionSubject,
  reason: string,
): Promise<number> {
  const now = new Date();
  const result = await manager
    .getRepository(Session)
    .update(
      { subjectKind: subject.kind, subjectId: subject.id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
  await manager
    .getRepository(ActionToken)
    .update(
      { subjectKind: subject.kind, subjectId: subject.id, usedAt: IsNull(), revokedAt: IsNull() },
      { revokedAt: now },
    );
  return result.affected ?? 0;
}
