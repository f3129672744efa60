import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { forUpdate, notFoundError, type Database, type Outbox, type Principal } from '@portico/kit';
import { badInput } from '@portico/commerce';
import { recordSalesEvent } from '../events/sales-events';
import {
  Quote,
  QuoteChangeRequest,
  QuoteDecision,
  QuoteLine,
  QuoteRevision,
  UNDECIDED_STATES,
  type QuoteState,
} from './quote.entity';
import type { AcceptQuoteInput, DeclineQuoteInput, RequestQuoteChangesInput } from './quote.inputs';
import {
  customerActor,
  decisionRefusal,
  eventActor,
  isUniqueViolation,
  parseText,
  refused,
  scopeQuotes,
} from './quote.rules';
import { quoteEventPayload } from './quote.service';
import { todayUtc } from './quote.status';

const MAX_COMMENT = 5_000;

interface Attempt {
  id: string;
  revision: number;
}

/**
 * The customer's side of a quote: accept, decline, ask for changes. Exactly
 * one decision wins whatever arrives at once: the quote moves out of its
 * undecided state by a conditional UPDATE (still undecided, still on this
 * revision, not expired) whose affected-row count says who won, and the
 * decision row is inserted in the same transaction (its unique index on the
 * quote is the last guard). A refusal changes nothing.
 */
export class QuoteDecisionService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  private async visibleQuote(principal: Principal, id: string): Promise<Quote> {
    const query = scopeQuotes(
      this.db.manager.getRepository(Quote).createQueryBuilder('q'),
      principal,
    );
    const quote = query ? await query.andWhere('q.id = :id', { id }).getOne() : null;
    if (!quote) throw notFoundError('Quote');
    return quote;
  }

  private requireRevisionNumber(revision: number): void {
    if (!Number.isInteger(revision) || revision < 1) {
      throw badInput('revision must be a positive integer', 'revision');
    }
  }

  /**
   * Moves the quote from undecided to `to` if it still may be; otherwise
   * throws why not, read again inside the transaction.
   */
  private async claim(
    manager: EntityManager,
    attempt: Attempt,
    to: QuoteState,
    today: string,
  ): Promise<Quote> {
    const now = new Date();
    const result = await manager
      .createQueryBuilder()
      .update(Quote)
      .set({ state: to, updatedAt: now })
      .where(
        'id = :id AND state IN (:...open) AND currentRevision = :revision AND expiryDate >= :today',
        { id: attempt.id, open: UNDECIDED_STATES, revision: attempt.revision, today },
      )
      .execute();
    // A locking read sees what committed meanwhile (a plain read on MariaDB
    // would see the transaction's snapshot), so a refusal names the rule met.
    const quote = await manager
      .getRepository(Quote)
      .findOneOrFail({ where: { id: attempt.id }, ...forUpdate(manager) });
    if (!result.affected) {
      throw (
        decisionRefusal(quote, attempt.revision, today) ??
        refused('this quote has already been decided', 'quote-already-decided')
      );
    }
    return quote;
  }

  private async revisionOf(manager: EntityManager, attempt: Attempt): Promise<QuoteRevision> {
    const revision = await manager
      .getRepository(QuoteRevision)
      .findOneBy({ quoteId: attempt.id, revision: attempt.revision });
    if (!revision || !revision.sha256) {
      throw refused(
        `this quote has no revision ${attempt.revision}`,
        'revision-unknown',
        'revision',
      );
    }
    return revision;
  }

  private async decide(
    principal: Principal,
    attempt: Attempt,
    today: string,
    work: (manager: EntityManager, quote: Quote) => Promise<void>,
  ): Promise<Quote> {
    this.requireRevisionNumber(attempt.revision);
    const seen = await this.visibleQuote(principal, attempt.id);
    const early = decisionRefusal(seen, attempt.revision, today);
    if (early) throw early;
    try {
      const quote = await this.db.transaction((manager) =>
        work(manager, seen).then(() =>
          manager.getRepository(Quote).findOneByOrFail({ id: attempt.id }),
        ),
      );
      await this.outbox.notify();
      return quote;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw refused('this quote has already been decided', 'quote-already-decided');
      }
      throw error;
    }
  }

  async accept(
    principal: Principal,
    clientAddress: string | undefined,
    input: AcceptQuoteInput,
    today: string = todayUtc(),
  ): Promise<Quote> {
    const actor = customerActor(principal);
    const signerName = parseText(input.signerName, 'signerName', 200, true);
    if (input.acceptTerms !== true) {
      throw refused('the terms must be accepted', 'terms-not-accepted', 'acceptTerms');
    }
    const comment = parseText(input.comment, 'comment', MAX_COMMENT);
    const customerReference = parseText(input.customerReference, 'customerReference', 100);
    const chosen = [...new Set(input.optionalLineIds ?? [])];
    return this.decide(principal, input, today, async (manager) => {
      const revision = await this.revisionOf(manager, input);
      const optional = new Set(
        (
          await manager.getRepository(QuoteLine).findBy({ revisionId: revision.id, optional: true })
        ).map((l) => l.id),
      );
      const stray = chosen.find((id) => !optional.has(id));
      if (stray !== undefined) {
        throw badInput(
          `${stray} is not an optional line of revision ${input.revision}`,
          'optionalLineIds',
        );
      }
      const quote = await this.claim(manager, input, 'accepted', today);
      await manager.getRepository(QuoteDecision).insert({
        id: randomUUID(),
        quoteId: quote.id,
        kind: 'accepted',
        revision: input.revision,
        actorKind: actor.kind === 'contact' ? 'contact' : 'partner',
        actorId: actor.id,
        decidedAt: new Date(),
        clientAddress: clientAddress?.slice(0, 64) ?? null,
        signerName,
        termsAccepted: true,
        optionalLineIds: JSON.stringify(chosen),
        comment,
        customerReference,
        reasonCode: null,
        reasonText: null,
        revisionSha256: revision.sha256!,
      });
      await recordSalesEvent(
        manager,
        'quote.accepted',
        quoteEventPayload(quote, {
          revision: input.revision,
          actor: eventActor(actor),
          comment,
          signerName,
          optionalLineIds: chosen,
          customerReference,
          revisionSha256: revision.sha256,
        }),
      );
    });
  }

  async decline(
    principal: Principal,
    clientAddress: string | undefined,
    input: DeclineQuoteInput,
    today: string = todayUtc(),
  ): Promise<Quote> {
    const actor = customerActor(principal);
    const reason = parseText(input.reason, 'reason', MAX_COMMENT, true);
    return this.decide(principal, input, today, async (manager) => {
      const revision = await this.revisionOf(manager, input);
      const quote = await this.claim(manager, input, 'declined', today);
      await manager.getRepository(QuoteDecision).insert({
        id: randomUUID(),
        quoteId: quote.id,
        kind: 'declined',
        revision: input.revision,
        actorKind: actor.kind === 'contact' ? 'contact' : 'partner',
        actorId: actor.id,
        decidedAt: new Date(),
        clientAddress: clientAddress?.slice(0, 64) ?? null,
        signerName: null,
        termsAccepted: false,
        optionalLineIds: '[]',
        comment: null,
        customerReference: null,
        reasonCode: input.reasonCode,
        reasonText: reason,
        revisionSha256: revision.sha256!,
      });
      await recordSalesEvent(
        manager,
        'quote.declined',
        quoteEventPayload(quote, {
          revision: input.revision,
          actor: eventActor(actor),
          comment: reason,
          reasonCode: input.reasonCode,
          revisionSha256: revision.sha256,
        }),
      );
    });
  }

  /** Sends the quote back to the business with a comment; it stays undecided. */
  async requestChanges(
    principal: Principal,
    input: RequestQuoteChangesInput,
    today: string = todayUtc(),
  ): Promise<Quote> {
    const actor = customerActor(principal);
    const comment = parseText(input.comment, 'comment', MAX_COMMENT, true)!;
    return this.decide(principal, input, today, async (manager) => {
      await this.revisionOf(manager, input);
      const quote = await this.claim(manager, input, 'changes_requested', today);
      await manager.getRepository(QuoteChangeRequest).insert({
        id: randomUUID(),
        quoteId: quote.id,
        revision: input.revision,
        actorKind: actor.kind === 'contact' ? 'contact' : 'partner',
        actorId: actor.id,
        comment,
        requestedAt: new Date(),
      });
      await recordSalesEvent(
        manager,
        'quote.changes_requested',
        quoteEventPayload(quote, {
          revision: input.revision,
          actor: eventActor(actor),
          comment,
        }),
      );
    });
  }
}
