import { LessThanOrEqual } from 'typeorm';
import type { Database } from '@portico/kit';
import type { MailTransport } from '../mail/mail-transport';
import { NotificationDelivery } from './notification-delivery.entity';

export interface NotificationSenderOptions {
  /** How often due mails are looked for when nothing woke the sender. */
  pollMs: number;
  /** The first retry waits this long; each further one twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a mail is given up (status failed). */
  maxAttempts: number;
  /**
   * How long a claimed mail is left to its sender before another may take
   * it (the claimer died mid-send). Longer than the transport's own timeouts.
   */
  leaseMs: number;
  onError?: (error: unknown) => void;
}

export const DEFAULT_SENDER_OPTIONS: NotificationSenderOptions = {
  pollMs: 5_000,
  retryBaseMs: 10_000,
  retryMaxMs: 60 * 60_000,
  maxAttempts: 10,
  leaseMs: 15 * 60_000,
};

const BATCH = 20;

/**
 * Sends the delivery rows the consumers wrote, after their transaction
 * committed: claims a due row (a conditional update, so two instances never
 * both take one), sends it, marks it sent. A transport failure puts it back
 * with a doubling delay; after `maxAttempts` it is left as failed. Every
 * mail carries its deterministic Message-ID, and `Auto-Submitted` so that
 * out-of-office replies do not answer it.
 */
export class NotificationSender {
  private stopped = false;
  private running: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly db: Database,
    private readonly mail: MailTransport,
    private readonly options: NotificationSenderOptions = DEFAULT_SENDER_OPTIONS,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Something was committed: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
  }

  /** Sends every mail due now; resolves with how many were sent. */
  async sendDue(now = new Date()): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.claim(now);
      for (const delivery of claimed) {
        if (await this.send(delivery)) sent += 1;
      }
      if (claimed.length < BATCH || this.stopped) return sent;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      try {
        await this.sendDue();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (this.stopped) return;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  /**
   * Takes up to a batch of due rows. Inside a transaction, so that on SQLite
   * (one shared connection) it never reads a row another transaction has
   * written but not committed yet. A claim counts as an attempt and moves the
   * row's next attempt past the lease.
   */
  private claim(now: Date): Promise<NotificationDelivery[]> {
    return this.db.transaction(async (manager) => {
      const repo = manager.getRepository(NotificationDelivery);
      const due = await repo.find({
        where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
        order: { nextAttemptAt: 'ASC', id: 'ASC' },
        take: BATCH,
      });
      const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
      const claimed: NotificationDelivery[] = [];
      for (const row of due) {
        const result = await repo
          .createQueryBuilder()
          .update()
          .set({ attempts: row.attempts + 1, nextAttemptAt: leaseUntil })
          .where('id = :id AND status = :status AND attempts = :attempts', {
            id: row.id,
            status: 'pending',
            attempts: row.attempts,
          })
          .execute();
        if (result.affected === 1) {
          claimed.push({ ...row, attempts: row.attempts + 1, nextAttemptAt: leaseUntil });
        }
      }
      return claimed;
    });
  }

  private async send(delivery: NotificationDelivery): Promise<boolean> {
    try {
      await this.mail.send({
        to: delivery.email,
        subject: delivery.mailSubject,
        text: delivery.text,
        messageId: delivery.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      await this.failed(delivery, error);
      return false;
    }
    await this.db.transaction((manager) =>
      manager
        .getRepository(NotificationDelivery)
        .update(
          { id: delivery.id, attempts: delivery.attempts },
          { status: 'sent', sentAt: new Date(), lastError: null },
        ),
    );
    return true;
  }

  private async failed(delivery: NotificationDelivery, error: unknown): Promise<void> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
    const giveUp = delivery.attempts >= this.options.maxAttempts;
    const delay = Math.min(
      this.options.retryBaseMs * 2 ** (delivery.attempts - 1),
      this.options.retryMaxMs,
    );
    await this.db.transaction((manager) =>
      manager.getRepository(NotificationDelivery).update(
        { id: delivery.id, attempts: delivery.attempts },
        {
          status: giveUp ? 'failed' : 'pending',
          nextAttemptAt: new Date(Date.now() + delay),
          lastError: message,
        },
      ),
    );
    this.options.onError?.(
      new Error(
        `notification ${delivery.messageId} to ${delivery.recipient} ${giveUp ? 'given up' : 'will be retried'}: ${message}`,
      ),
    );
  }
}
