import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Not } from 'typeorm';
import { RequireScopes, SignedIn } from '@portico/kit';
import type { BillingContext } from '../context';
import { CreditNote } from '../credit/credit-note.entity';
import { InvoicePage } from '../invoice/invoice.inputs';
import { listInvoices } from '../invoice/invoice.resolver';
import { badInput, money } from '@portico/commerce';
import { statementDocumentParams } from '../documents/document-requests';
import { InvoiceStatus, todayUtc } from '../invoice/invoice.status';
import { Payment } from '../payment/payment.entity';
import {
  CurrencyBalance,
  Statement,
  StatementEntryKindEnum,
  StatementFormat,
} from '../statement/statement.types';
import { Customer } from './customer.type';

const MAX_LIST = 100;

@Resolver(() => Customer)
export class CustomerBillingResolver {
  @FieldResolver(() => InvoicePage, { description: "This customer's invoices, newest first." })
  @SignedIn()
  @RequireScopes('invoices:read')
  invoices(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
    @Arg('status', () => [InvoiceStatus], { nullable: true }) status: InvoiceStatus[] | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<InvoicePage> {
    return listInvoices(ctx, { customerId: customer.id, status, first, after });
  }

  @FieldResolver(() => [CurrencyBalance], {
    description: 'Balance at a glance, one entry per currency used.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  async balance(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
  ): Promise<CurrencyBalance[]> {
    const figures = await ctx.services.balances.forCustomer(customer.id, todayUtc());
    return figures.map((f) => ({
      currency: f.currency,
      outstanding: money(f.outstandingMinor, f.currency),
      overdue: money(f.overdueMinor, f.currency),
      unusedCredits: money(f.unusedCreditsMinor, f.currency),
      unappliedPayments: money(f.unappliedPaymentsMinor, f.currency),
    }));
  }

  @FieldResolver(() => [Payment], { description: 'Payments, newest first (at most 100).' })
  @SignedIn()
  @RequireScopes('payments:read')
  payments(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<Payment[]> {
    if (first < 1 || first > MAX_LIST)
      throw badInput(`first must be between 1 and ${MAX_LIST}`, 'first');
    return ctx.services.db.manager.getRepository(Payment).find({
      where: { customerId: customer.id, state: Not('pending') },
      order: { receivedOn: 'DESC', createdAt: 'DESC', id: 'DESC' },
      take: first,
    });
  }

  @FieldResolver(() => Payment, { nullable: true })
  @SignedIn()
  @RequireScopes('payments:read')
  async lastPayment(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
  ): Promise<Payment | null> {
    return ctx.services.db.manager.getRepository(Payment).findOne({
      where: { customerId: customer.id, state: 'succeeded' },
      order: { receivedOn: 'DESC', createdAt: 'DESC', id: 'DESC' },
    });
  }

  @FieldResolver(() => [CreditNote], { description: 'Credit notes, newest first (at most 100).' })
  @SignedIn()
  @RequireScopes('invoices:read')
  creditNotes(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<CreditNote[]> {
    if (first < 1 || first > MAX_LIST)
      throw badInput(`first must be between 1 and ${MAX_LIST}`, 'first');
    return ctx.services.db.manager.getRepository(CreditNote).find({
      where: { customerId: customer.id },
      order: { issueDate: 'DESC', id: 'DESC' },
      take: first,
    });
  }

  @FieldResolver(() => String, {
    description:
      'A link to the statement as PDF or CSV, valid for a few minutes, for this customer only.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  async statementDocumentUrl(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Arg('currency', () => String) currency: string,
    @Arg('format', () => StatementFormat, { defaultValue: StatementFormat.PDF })
    format: StatementFormat,
    @Arg('locale', () => String, {
      nullable: true,
      description: 'Document language: "en" or "es"; by default the customer\'s language.',
    })
    locale: string | null | undefined,
  ): Promise<string> {
    const language = locale ?? (await ctx.services.directory.find(customer.id))?.locale;
    return ctx.services.documents.url({
      kind: format === StatementFormat.CSV ? 'statement.csv' : 'statement.pdf',
      customerId: customer.id,
      params: statementDocumentParams({ from, to, currency, locale: language ?? undefined }),
    });
  }

  @FieldResolver(() => Statement, {
    description: 'Statement of account for a date range in one currency.',
  })
  @SignedIn()
  @RequireScopes('invoices:read')
  async statement(
    @Root() customer: Customer,
    @Ctx() ctx: BillingContext,
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) to: string,
    @Arg('currency', () => String) currency: string,
  ): Promise<Statement> {
    const data = await ctx.services.statements.build(customer.id, currency, from, to);
    const c = data.currency;
    return {
      currency: c,
      from: data.from,
      to: data.to,
      openingBalance: money(data.openingBalanceMinor, c),
      entries: data.entries.map((e) => ({
        date: e.date,
        kind: e.kind as StatementEntryKindEnum,
        reference: e.reference,
        documentId: e.documentId,
        amount: money(e.amountMinor, c),
        balance: money(e.balanceMinor, c),
      })),
      closingBalance: money(data.closingBalanceMinor, c),
      invoiced: money(data.invoicedMinor, c),
      paid: money(data.paidMinor, c),
      credited: money(data.creditedMinor, c),
      refunded: money(data.refundedMinor, c),
      aging: {
        current: money(data.aging.currentMinor, c),
        days1to30: money(data.aging.days1to30Minor, c),
        days31to60: money(data.aging.days31to60Minor, c),
        days61to90: money(data.aging.days61to90Minor, c),
        over90: money(data.aging.over90Minor, c),
      },
    };
  }
}
