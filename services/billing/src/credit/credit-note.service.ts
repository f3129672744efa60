import { randomUUID } from 'node:crypto';
import { notFoundError, parseAmount, type Database, forUpdate, type Outbox } from '@portico/kit';
import {
  type CustomerDirectory,
  nextDocumentNumber,
  lineAmounts,
  badInput,
  parseCurrency,
  parseLines,
} from '@portico/commerce';
import { recordEvent } from '../events/billing-events';
import { Invoice } from '../invoice/invoice.entity';
import type { InvoiceLineInput } from '../invoice/invoice.inputs';
import { payableMinor, todayUtc } from '../invoice/invoice.status';
import { lockInvoices } from '../payment/payment.service';
import { CreditApplication, CreditNote, CreditNoteLine } from './credit-note.entity';

export class CreditNoteService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly directory: CustomerDirectory,
  ) {}

  async create(input: {
    customerId: string;
    currency: string;
    reason?: string | null;
    lines: InvoiceLineInput[];
  }): Promise<CreditNote> {
    const currency = parseCurrency(input.currency);
    const lines = parseLines(input.lines, currency);
    if (lines.some((l) => l.discountBasisPoints !== 0)) {
      throw badInput('credit note lines take no discount', 'lines');
    }
    const customer = await this.directory.requireActive(input.customerId);
    const today = todayUtc();
    return this.db.transaction(async (manager) => {
      const issuer = await this.directory.issuer(manager);
      const amounts = lines.map((line) => lineAmounts(line));
      const note = manager.getRepository(CreditNote).create({
        id: randomUUID(),
        customerId: input.customerId,
        number: await nextDocumentNumber(manager, 'CN', today.slice(0, 4)),
        currency,
        issueDate: today,
        reason: input.reason?.trim() || null,
        subtotalMinor: amounts.reduce((s, a) => s + a.grossMinor, 0),
        taxMinor: amounts.reduce((s, a) => s + a.taxMinor, 0),
        totalMinor: amounts.reduce((s, a) => s + a.totalMinor, 0),
        appliedMinor: 0,
        issuerParty: issuer ? JSON.stringify(issuer) : null,
        recipientParty: JSON.stringify(this.directory.recipient(customer)),
        createdAt: new Date(),
      });
      if (note.totalMinor <= 0)
        throw badInput('a credit note must be worth more than zero', 'lines');
      await manager.getRepository(CreditNote).insert(note);
      await manager.getRepository(CreditNoteLine).insert(
        lines.map((line, index) => ({
          id: randomUUID(),
          creditNoteId: note.id,
          position: index + 1,
          description: line.description,
          quantityMilli: line.quantityMilli,
          unitPriceMinor: line.unitPriceMinor,
          taxBasisPoints: line.taxBasisPoints,
          taxMinor: amounts[index]!.taxMinor,
          totalMinor: amounts[index]!.totalMinor,
        })),
      );
      return note;
    });
  }

  /** Applies part of a credit note to an open invoice of the same customer and currency. */
  async apply(input: {
    creditNoteId: string;
    invoiceId: string;
    amount: string;
  }): Promise<CreditApplication> {
    const application = await this.db.transaction(async (manager) => {
      const note = await manager.getRepository(CreditNote).findOne({
        where: { id: input.creditNoteId },
        ...forUpdate(manager),
      });
      if (!note) throw notFoundError('Credit note');
      const amountMinor = parseAmount(input.amount, note.currency);
      const invoice = (await lockInvoices(manager, [input.invoiceId])).get(input.invoiceId);
      if (!invoice || invoice.customerId !== note.customerId)
        throw badInput('unknown invoice', 'invoiceId');
      if (invoice.state !== 'sent') throw badInput('the invoice is not open', 'invoiceId');
      if (invoice.currency !== note.currency)
        throw badInput('the invoice is in another currency', 'invoiceId');
      if (amountMinor > note.totalMinor - note.appliedMinor) {
        throw badInput('more than the credit left on the note', 'amount');
      }
      if (amountMinor > payableMinor(invoice))
        throw badInput('more than the invoice balance', 'amount');
      const application = manager.getRepository(CreditApplication).create({
        id: randomUUID(),
        creditNoteId: note.id,
        invoiceId: invoice.id,
        amountMinor,
        appliedOn: todayUtc(),
        createdAt: new Date(),
      });
      await manager.getRepository(CreditApplication).insert(application);
      await manager
        .getRepository(CreditNote)
        .increment({ id: note.id }, 'appliedMinor', amountMinor);
      await manager
        .getRepository(Invoice)
        .increment({ id: invoice.id }, 'creditedMinor', amountMinor);
      await recordEvent(manager, 'credit.applied', {
        creditNoteId: note.id,
        invoiceId: invoice.id,
        customerId: note.customerId,
        amountMinor,
      });
      return application;
    });
    await this.outbox.notify();
    return application;
  }
}
