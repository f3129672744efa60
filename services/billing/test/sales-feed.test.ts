import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  eventFeedRoute,
  EVENTS_FEED_PATH,
  Outbox,
  recordEvents,
  testing,
  waitUntil,
  type Database,
  type EventEnvelope,
} from '@portico/kit';
// Sales' own database and event catalog (not its schema, which is being written).
import { openSalesDatabase } from '../../sales/src/db/database';
import { salesEvents } from '../../sales/src/events/sales-events';
import { Invoice } from '../src/invoice/invoice.entity';
import { daysFromToday, startTestBilling, type TestBilling } from './billing-harness';

/**
 * Billing following a real sales outbox over the embedded HTTP feed: what
 * sales records in its own database reaches billing's consumer as the
 * service wires it, without anything applied by hand.
 */
describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  "billing following sales' feed on %s",
  (_name, target) => {
    let salesDb: Database;
    let dropSales: () => Promise<void>;
    let outbox: Outbox;
    let feed: Server;
    let billing: TestBilling;

    beforeAll(async () => {
      const database = await target.create('sales');
      dropSales = database.drop;
      salesDb = await openSalesDatabase(database.config);
      outbox = new Outbox(salesDb, 'sales');
      outbox.start();
      const route = eventFeedRoute(outbox);
      feed = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          route(JSON.parse(body || '{}'), {} as never, new AbortController().signal).then(
            (answer) => {
              res.writeHead(answer.status, { 'content-type': 'application/json' });
              res.end(JSON.stringify(answer.body));
            },
            // A long poll still open when the database closes at the end.
            () => res.destroy(),
          );
        });
      });
      await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
      const { port } = feed.address() as AddressInfo;
      billing = await startTestBilling(target, {
        EVENTS_FEED_SALES_URL: `http://127.0.0.1:${port}${EVENTS_FEED_PATH}`,
      });
    });
    afterAll(async () => {
      await billing?.stop();
      feed?.closeAllConnections();
      await new Promise((resolve) => feed?.close(resolve));
      await outbox?.close();
      await salesDb?.dataSource.destroy();
      await dropSales?.();
    });

    async function published(): Promise<EventEnvelope[]> {
      const all: EventEnvelope[] = [];
      for (;;) {
        const batch = await billing.running.services.outbox.read(
          all.length ? all[all.length - 1]!.position : 0,
        );
        if (batch.length === 0) return all;
        all.push(...batch);
      }
    }

    it("raises the invoice of a quote sales converted, and publishes it with the quote's links", async () => {
      const customerId = await billing.customer();
      const quoteId = randomUUID();
      const purchaseOrderId = randomUUID();
      const orderLineId = randomUUID();
      await salesDb.transaction((manager) =>
        recordEvents(
          manager,
          salesEvents.create('quote.converted', {
            aggregateId: quoteId,
            customerId,
            payload: {
              quoteId,
              customerId,
              number: 'QUO-2026-00001',
              revision: 1,
              actor: { kind: 'business' },
              purchaseOrderId,
              purchaseOrderNumber: 'PO-2026-00001',
              invoice: {
                currency: 'EUR',
                dueDate: daysFromToday(14),
                terms: null,
                notes: null,
                lines: [
                  {
                    orderLineId,
                    description: 'Widgets',
                    quantityMilli: 3000,
                    unitPriceMinor: 250,
                    discountBasisPoints: 0,
                    taxBasisPoints: 0,
                  },
                ],
              },
            },
          }),
        ),
      );
      await outbox.notify();
      const invoices = billing.running.db.manager.getRepository(Invoice);
      expect(await waitUntil(async () => (await invoices.countBy({ quoteId })) > 0, 20_000)).toBe(
        true,
      );
      const [invoice] = await invoices.findBy({ quoteId });
      expect(invoice).toMatchObject({ state: 'sent', purchaseOrderId, totalMinor: 750 });
      // On billing's feed once numbered (right after the consumer's commit).
      let event: EventEnvelope | undefined;
      await waitUntil(async () => {
        event = (await published()).find(
          (e) =>
            e.type === 'invoice.issued' &&
            (e.payload as { invoiceId: string }).invoiceId === invoice!.id,
        );
        return event !== undefined;
      }, 10_000);
      expect(event?.payload).toMatchObject({
        purchaseOrderId,
        quoteId,
        lines: [{ orderLineId, quantityMilli: 3000 }],
      });
    });

    it('knows an order sales has just confirmed when staff link an invoice to it', async () => {
      const customerId = await billing.customer();
      const purchaseOrderId = randomUUID();
      await salesDb.transaction((manager) =>
        recordEvents(
          manager,
          salesEvents.create('order.created', {
            aggregateId: purchaseOrderId,
            customerId,
            payload: {
              purchaseOrderId,
              customerId,
              number: 'PO-2026-00002',
              status: 'confirmed',
              subStatus: null,
              timelineEntryId: randomUUID(),
              change: 'created',
              actor: { kind: 'business' },
              quoteId: null,
            },
          }),
        ),
      );
      await outbox.notify();
      const draft = await billing.running.services.invoices.createDraft({
        customerId,
        currency: 'EUR',
        dueDate: daysFromToday(14),
        lines: [{ description: 'Freight', quantity: '1', unitPrice: '12.00' }],
        purchaseOrderId,
      });
      expect(draft).toMatchObject({ purchaseOrderId, quoteId: null });
    });
  },
);
