import { randomBytes } from 'node:crypto';
import { Column, Entity } from 'typeorm';
import { ExactTokenColumn, MinorUnitsColumn, type Database } from '@portico/kit';
import type { ChargeOutcome, ChargeRequest, PaymentProvider } from './payment-provider';

/** The sandbox's own ledger, standing in for a provider's records. */
@Entity({ name: 'sandbox_charges' })
export class SandboxCharge {
  @ExactTokenColumn({ length: 36, primary: true })
  paymentId!: string;

  @ExactTokenColumn({ length: 40 })
  chargeId!: string;

  @ExactTokenColumn({ length: 12 })
  status!: 'succeeded' | 'failed';

  @ExactTokenColumn({ length: 40, nullable: true })
  failureCode!: string | null;

  @MinorUnitsColumn()
  amountMinor!: number;

  @ExactTokenColumn({ length: 3 })
  currency!: string;

  @Column({ type: 'datetime' })
  createdAt!: Date;
}

/**
 * Deterministic test cards, as payment providers document them:
 *   4242424242424242 (or tok_visa)                 succeeds
 *   4000000000000002 (or tok_chargeDeclined)       card_declined
 *   4000000000009995 (or tok_insufficientFunds)    insufficient_funds
 * Anything else is refused as an invalid payment method.
 */
export const SANDBOX_CARDS: Record<
  string,
  { status: 'succeeded' | 'failed'; failureCode?: string; message?: string }
> = {
  '4242424242424242': { status: 'succeeded' },
  tok_visa: { status: 'succeeded' },
  '4000000000000002': {
    status: 'failed',
    failureCode: 'card_declined',
    message: 'Your card was declined.',
  },
  tok_chargeDeclined: {
    status: 'failed',
    failureCode: 'card_declined',
    message: 'Your card was declined.',
  },
  '4000000000009995': {
    status: 'failed',
    failureCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  tok_insufficientFunds: {
    status: 'failed',
    failureCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  /** Charges attempted (including idempotent repeats answered from the ledger). */
  chargesCreated = 0;

  constructor(private readonly db: Database) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const existing = await this.lookup(request.paymentId);
    if (existing) return existing;
    const card = SANDBOX_CARDS[request.paymentMethod.replace(/\s+/g, '')];
    const chargeId = `sbx_${randomBytes(12).toString('hex')}`;
    const status = card?.status ?? 'failed';
    const failureCode = card ? (card.failureCode ?? null) : 'invalid_payment_method';
    await this.db.manager.getRepository(SandboxCharge).insert({
      paymentId: request.paymentId,
      chargeId,
      status,
      failureCode,
      amountMinor: request.amountMinor,
      currency: request.currency,
      createdAt: new Date(),
    });
    if (status === 'succeeded') this.chargesCreated += 1;
    return status === 'succeeded'
      ? { status, providerPaymentId: chargeId }
      : {
          status,
          providerPaymentId: chargeId,
          failureCode: failureCode ?? 'card_declined',
          message: card?.message ?? 'This payment method is not a sandbox test card.',
        };
  }

  async lookup(paymentId: string): Promise<ChargeOutcome | null> {
    const row = await this.db.manager.getRepository(SandboxCharge).findOneBy({ paymentId });
    if (!row) return null;
    return row.status === 'succeeded'
      ? { status: 'succeeded', providerPaymentId: row.chargeId }
      : {
          status: 'failed',
          providerPaymentId: row.chargeId,
          failureCode: row.failureCode ?? 'card_declined',
          message: 'The payment failed.',
        };
  }
}
