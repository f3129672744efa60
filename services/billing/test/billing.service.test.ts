import { testing } from '@portico/kit';
import type { EventEnvelope } from '@portico/kit';
import { Invoice } from '../src/invoice/invoice.entity';
import { InvoiceStatus, invoiceStatus } from '../src/invoice/invoice.status';
import { daysFromToday, startTestBilling, type TestBilling } from './billing-harness';

const STAFF = 'staff-1';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'billing services on %s',
  (_name, target) => {
    let billing: TestBilling;
    beforeAll(async () => {
      billing = await startTestBilling(target);
    });
    afterAll(() => billing?.stop());

    const services = () => billing.running.services;
    /** Billing's events as its feed serves them: committed and numbered. */
    async function publishedEvents(): Promise<EventEnvelope[]> {
      const all: EventEnvelope[] = [];
      for (;;) {
        const batch = await services().outbox.read(all.length ? all[all.length - 1].position : 0);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
    }
    const reload = (id: string) =>
      billing.running.db.manager.getRepository(Invoice).findOneByOrFail({ id });

    async function issued(
      customerId: string,
      unitPrice: string,
      options: { currency?: string; dueInDays?: number } = {},
    ) {
      const draft = await services().invoices.createDraft({
        customerId,
        currency: options.currency ?? 'EUR',
        dueDate: daysFromToday(options.dueInDays ?? 30),
        allowPartialPayment: true,
        lines: [{ description: 'Work', quantity: '1', unitPrice, taxPercent: '0' }],
      });
      return services().invoices.issue(draft.id);
    }

    /** paid/credited on the invoice row equal the sums of the rows behind them. */
    async function expectConsistent(invoiceId: string) {
      const ds = billing.running.db.dataSource;
      const [paid] = (await ds.query(
        'SELECT COALESCE(SUM(amountMinor), 0) AS s FROM payment_allocations WHERE invoiceId = ?',
        [invoiceId],
      )) as Array<{ s: string | number }>;
      const [credited] = (await ds.query(
        'SELECT COALESCE(SUM(amountMinor), 0) AS s FROM credit_applications WHERE invoiceId = ?',
        [invoiceId],
      )) as Array<{ s: string | number }>;
      const invoice = await reload(invoiceId);
      expect({ paid: invoice.paidMinor, credited: invoice.creditedMinor }).toEqual({
        paid: Number(paid!.s),
        credited: Number(credited!.s),
      });
      expect(invoice.paidMinor + invoice.creditedMinor).toBeLessThanOrEqual(invoice.totalMinor);
    }

    it('has migrations that match the entities, and an entity for every table', async () => {
      const drift = await testing.schemaDrift(billing.running.db.dataSource);
      expect(drift.pending).toEqual([]);
      expect(drift.tables).toEqual(drift.entities);
    });

    it('numbers issued invoices in one gap-free series and publishes invoice.issued after commit', async () => {
      const customer = await billing.customer();
      const a = await issued(customer, '10.00');
      const b = await issued(customer, '20.00');
      const year = daysFromToday(0).slice(0, 4);
      const [na, nb] = [Number(a.number!.split('-')[2]), Number(b.number!.split('-')[2])];
      expect(a.number).toMatch(new RegExp(`^INV-${year}-\\d{5}$`));
      expect(nb).toBe(na + 1);
      expect(
        (await publishedEvents())
          .filter((e) => e.type === 'invoice.issued')
          .map((e) => (e.payload as { invoiceId: string }).invoiceId),
      ).toEqual(expect.arrayContaining([a.id, b.id]));
      const unpublished = await billing.running.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM event_outbox WHERE position IS NULL',
      );
      expect(Number((unpublished as Array<{ n: number }>)[0]!.n)).toBe(0);
    });

    it('lets 50 concurrent payments whose sum exceeds the balance pay the invoice exactly once', async () => {
      const customer = await billing.customer();
      const invoice = await issued(customer, '100.00');
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          services().payments.recordOffline(STAFF, {
            customerId: customer,
            currency: 'EUR',
            amount: '30.00',
            method: 'bank_transfer',
            reference: `TRX-${i}`,
            receivedOn: daysFromToday(0),
            allocations: [{ invoiceId: invoice.id, amount: '30.00' }],
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(ok).toHaveLength(3);
      expect(
        refused.every(
          (r) =>
            (r.reason as { extensions?: { code?: string } }).extensions?.code === 'BAD_USER_INPUT',
        ),
      ).toBe(true);
      const after = await reload(invoice.id);
      expect(after.paidMinor).toBe(9000);
      await expectConsistent(invoice.id);
      const payments = await billing.running.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM payments WHERE customerId = ?',
        [customer],
      );
      expect(Number((payments as Array<{ n: number }>)[0]!.n)).toBe(3);
    });

    it('refunds from the unallocated part first, then reopens invoices', async () => {
      const customer = await billing.customer();
      const invoice = await issued(customer, '60.00');
      const payment = await services().payments.recordOffline(STAFF, {
        customerId: customer,
        currency: 'EUR',
        amount: '100.00',
        method: 'check',
        reference: 'CHK-1',
        receivedOn: daysFromToday(0),
        allocations: [{ invoiceId: invoice.id, amount: '60.00' }],
      });
      expect(invoiceStatus(await reload(invoice.id))).toBe(InvoiceStatus.PAID);
      await services().payments.refund(STAFF, { paymentId: payment.id, amount: '40.00' });
      expect((await reload(invoice.id)).paidMinor).toBe(6000);
      await services().payments.refund(STAFF, { paymentId: payment.id, amount: '25.00' });
      const reopened = await reload(invoice.id);
      expect(reopened.paidMinor).toBe(3500);
      expect(invoiceStatus(reopened)).toBe(InvoiceStatus.PARTIALLY_PAID);
      await expectConsistent(invoice.id);
      await expect(
        services().payments.refund(STAFF, { paymentId: payment.id, amount: '35.01' }),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'amount' },
      });
    });

    it('applies credit notes within what is left on the note and on the invoice', async () => {
      const customer = await billing.customer();
      const invoice = await issued(customer, '50.00');
      const note = await services().credits.create({
        customerId: customer,
        currency: 'EUR',
        lines: [{ description: 'Goodwill', quantity: '1', unitPrice: '80.00' }],
      });
      await services().credits.apply({
        creditNoteId: note.id,
        invoiceId: invoice.id,
        amount: '30.00',
      });
      await expect(
        services().credits.apply({ creditNoteId: note.id, invoiceId: invoice.id, amount: '30.00' }),
      ).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'amount' },
      });
      await services().credits.apply({
        creditNoteId: note.id,
        invoiceId: invoice.id,
        amount: '20.00',
      });
      const after = await reload(invoice.id);
      expect([after.creditedMinor, invoiceStatus(after)]).toEqual([5000, InvoiceStatus.PAID]);
      await expectConsistent(invoice.id);
      expect(
        (await publishedEvents()).some(
          (e) =>
            e.type === 'credit.applied' &&
            (e.payload as { invoiceId: string }).invoiceId === invoice.id,
        ),
      ).toBe(true);
    });

    it('refuses bad payment input with a coded error and changes nothing', async () => {
      const customer = await billing.customer();
      const other = await billing.customer();
      const invoice = await issued(customer, '40.00');
      const foreign = await issued(other, '40.00');
      const gbp = await issued(customer, '40.00', { currency: 'GBP' });
      const base = {
        customerId: customer,
        currency: 'EUR',
        amount: '10.00',
        method: 'cash' as const,
        receivedOn: daysFromToday(0),
        allocations: [{ invoiceId: invoice.id, amount: '10.00' }],
      };
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['negative amount', { amount: '-10.00' }, 'amount'],
        ['zero amount', { amount: '0.00', allocations: [] }, 'amount'],
        ['too many decimals', { amount: '10.001' }, 'amount'],
        [
          'more than the balance',
          { amount: '50.00', allocations: [{ invoiceId: invoice.id, amount: '40.01' }] },
          'allocations[0].amount',
        ],
        [
          'allocations beyond the payment',
          { allocations: [{ invoiceId: invoice.id, amount: '10.01' }] },
          'allocations',
        ],
        ['wrong currency', { allocations: [{ invoiceId: gbp.id, amount: '10.00' }] }, 'currency'],
        [
          'unknown invoice',
          { allocations: [{ invoiceId: '00000000-0000-4000-8000-000000000000', amount: '10.00' }] },
          'allocations[0].invoiceId',
        ],
        [
          "another customer's invoice",
          { allocations: [{ invoiceId: foreign.id, amount: '10.00' }] },
          'allocations[0].invoiceId',
        ],
        ['unknown currency', { currency: 'XYZ' }, 'currency'],
        ['a future date', { receivedOn: daysFromToday(3) }, 'receivedOn'],
      ];
      for (const [label, change, field] of cases) {
        await expect(
          services().payments.recordOffline(STAFF, { ...base, ...change } as never),
        ).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT', field },
        });
        void label;
      }
      for (const id of [invoice.id, foreign.id, gbp.id])
        expect((await reload(id)).paidMinor).toBe(0);
      const rows = await billing.running.db.dataSource.query(
        'SELECT COUNT(*) AS n FROM payments WHERE customerId IN (?, ?)',
        [customer, other],
      );
      expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(0);
    });

    it('voids only invoices with nothing paid or credited', async () => {
      const customer = await billing.customer();
      const clean = await issued(customer, '10.00');
      const paid = await issued(customer, '10.00');
      await services().payments.recordOffline(STAFF, {
        customerId: customer,
        currency: 'EUR',
        amount: '5.00',
        method: 'cash',
        receivedOn: daysFromToday(0),
        allocations: [{ invoiceId: paid.id, amount: '5.00' }],
      });
      expect(invoiceStatus(await services().invoices.void(clean.id, 'Billed twice'))).toBe(
        InvoiceStatus.VOID,
      );
      await expect(services().invoices.void(paid.id, 'Mistake')).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('sums the balance per currency in SQL: outstanding, overdue, unused credits, unapplied payments', async () => {
      const customer = await billing.customer();
      const late = await issued(customer, '40.00');
      await billing.running.db.manager
        .getRepository(Invoice)
        .update({ id: late.id }, { dueDate: daysFromToday(-3) });
      await issued(customer, '25.00');
      await issued(customer, '9.00', { currency: 'GBP' });
      await services().payments.recordOffline(STAFF, {
        customerId: customer,
        currency: 'EUR',
        amount: '100.00',
        method: 'cash',
        receivedOn: daysFromToday(0),
        allocations: [{ invoiceId: late.id, amount: '30.00' }],
      });
      await services().credits.create({
        customerId: customer,
        currency: 'EUR',
        lines: [{ description: 'Credit', quantity: '1', unitPrice: '20.00' }],
      });
      const figures = await services().balances.forCustomer(customer, daysFromToday(0));
      expect(figures).toEqual([
        {
          currency: 'EUR',
          outstandingMinor: 3500,
          overdueMinor: 1000,
          unusedCreditsMinor: 2000,
          unappliedPaymentsMinor: 7000,
        },
        {
          currency: 'GBP',
          outstandingMinor: 900,
          overdueMinor: 0,
          unusedCreditsMinor: 0,
          unappliedPaymentsMinor: 0,
        },
      ]);
    });

    it('builds a statement whose closing balance is opening + invoiced − paid − credited + refunded', async () => {
      const customer = await billing.customer();
      const first = await issued(customer, '100.00');
      await issued(customer, '40.00', { dueInDays: 5 });
      const payment = await services().payments.recordOffline(STAFF, {
        customerId: customer,
        currency: 'EUR',
        amount: '70.00',
        method: 'bank_transfer',
        reference: 'T-9',
        receivedOn: daysFromToday(0),
        allocations: [{ invoiceId: first.id, amount: '60.00' }],
      });
      const note = await services().credits.create({
        customerId: customer,
        currency: 'EUR',
        lines: [{ description: 'Credit', quantity: '1', unitPrice: '15.00' }],
      });
      await services().credits.apply({
        creditNoteId: note.id,
        invoiceId: first.id,
        amount: '15.00',
      });
      await services().payments.refund(STAFF, { paymentId: payment.id, amount: '5.00' });
      const today = daysFromToday(0);
      const statement = await services().statements.build(
        customer,
        'EUR',
        daysFromToday(-30),
        today,
      );
      expect(statement.openingBalanceMinor).toBe(0);
      expect({
        invoiced: statement.invoicedMinor,
        paid: statement.paidMinor,
        credited: statement.creditedMinor,
        refunded: statement.refundedMinor,
      }).toEqual({
        invoiced: 14000,
        paid: 7000,
        credited: 1500,
        refunded: 500,
      });
      expect(statement.closingBalanceMinor).toBe(
        statement.openingBalanceMinor +
          statement.invoicedMinor -
          statement.paidMinor -
          statement.creditedMinor +
          statement.refundedMinor,
      );
      expect(statement.entries[statement.entries.length - 1]!.balanceMinor).toBe(
        statement.closingBalanceMinor,
      );
      // open at today: 100 − 60 − 15 + 0 (the refund took the unallocated 10 first) = 25, plus 40; all current
      expect(statement.aging.currentMinor).toBe(6500);
      const later = await services().statements.build(
        customer,
        'EUR',
        daysFromToday(1),
        daysFromToday(60),
      );
      expect(later.openingBalanceMinor).toBe(statement.closingBalanceMinor);
      expect(later.aging.days31to60Minor + later.aging.days1to30Minor).toBeGreaterThan(0);
    });
  },
);
