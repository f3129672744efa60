import { randomUUID } from 'node:crypto';
import { IsNull } from 'typeorm';
import {
  codedError,
  ErrorCode,
  hashOpaqueToken as hashToken,
  newOpaqueToken,
  type Database,
} from '@portico/kit';
import { ActionToken, type ActionPurpose } from './action-token.entity';

const PREFIX: Record<ActionPurpose, string> = { invitation: 'inv_', 'password-reset': 'pwr_' };

export interface ActionSubject {
  kind: 'contact' | 'staff';
  id: string;
}

/** Issues and redeems single-use, expiring, hashed tokens sent by mail. */
export class ActionTokenService {
  constructor(private readonly db: Database) {}

  /** A new token for the purpose; earlier unused ones for the same subject stop working. */
  async issue(
    purpose: ActionPurpose,
    subject: ActionSubject,
    ttlMs: number,
    createdBy: string | null,
  ): Promise<string> {
    const repo = this.db.manager.getRepository(ActionToken);
    const now = new Date();
    await repo.update(
      {
        purpose,
        subjectKind: subject.kind,
        subjectId: subject.id,
        usedAt: IsNull(),
        revokedAt: IsNull(),
      },
      { revokedAt: now },
    );
    const token = newOpaqueToken(PREFIX[purpose]);
    await repo.insert({
      id: randomUUID(),
      purpose,
      subjectKind: subject.kind,
      subjectId: subject.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
      usedAt: null,
      revokedAt: null,
      createdBy,
    });
    return token;
  }

  /** Revokes every unused token of a subject (e.g. when portal access is removed). */
  async revokeAll(subject: ActionSubject): Promise<void> {
    await this.db.manager
      .getRepository(ActionToken)
      .update(
        { subjectKind: subject.kind, subjectId: subject.id, usedAt: IsNull(), revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
  }

  /**
   * Looks a token up without using it: returns its subject, or throws the
   * same INVALID_TOKEN for unknown, used, revoked and expired tokens.
   */
  async peek(purpose: ActionPurpose, token: string): Promise<ActionToken> {
    const stored = token.startsWith(PREFIX[purpose])
      ? await this.db.manager
          .getRepository(ActionToken)
          .findOneBy({ tokenHash: hashToken(token), purpose })
      : null;
    if (!stored || stored.usedAt || stored.revokedAt || stored.expiresAt <= new Date()) {
      throw invalidToken();
    }
    return stored;
  }

  /** Marks the token used; of two concurrent redemptions exactly one succeeds. */
  async consume(stored: ActionToken): Promise<void> {
    const result = await this.db.manager
      .getRepository(ActionToken)
      .update({ id: stored.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    if (!result.affected) throw invalidToken();
  }
}

export function invalidToken() {
  return codedError(ErrorCode.BadUserInput, 'This link is not valid any more; ask for a new one', {
    extensions: { field: 'token', reason: 'invalid-token' },
  });
}
