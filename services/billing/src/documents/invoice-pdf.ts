import {
  drawParties,
  drawRow,
  formatDate,
  formatMoney,
  formatQuantity,
  labelsFor,
  parseParty,
  renderPdf,
  type DocumentLanguage,
} from '@portico/commerce';
import type { Invoice, InvoiceLine } from '../invoice/invoice.entity';
import { balanceDueMinor } from '../invoice/invoice.status';

/** A print-ready A4 invoice: parties, header, lines table, totals, notes and terms. */
export function renderInvoicePdf(
  invoice: Invoice,
  lines: InvoiceLine[],
  language: DocumentLanguage,
): Promise<Buffer> {
  const t = labelsFor(language);
  const money = (minor: number) => formatMoney(minor, invoice.currency, language);
  return renderPdf(
    (doc) => {
      doc.fontSize(20).text(`${t.invoice} ${invoice.number ?? ''}`, { align: 'left' });
      doc.moveDown(0.5).fontSize(10);
      doc.text(
        `${t.issueDate}: ${invoice.issueDate ? formatDate(invoice.issueDate, language) : '—'}`,
      );
      doc.text(`${t.dueDate}: ${formatDate(invoice.dueDate, language)}`);
      doc.moveDown();
      drawParties(doc, parseParty(invoice.issuerParty), parseParty(invoice.recipientParty), t);
      const columns = [50, 250, 300, 385, 445];
      const header = [t.description, t.quantity, t.unitPrice, t.tax, t.amount];
      const row = (cells: string[], bold = false) =>
        drawRow(doc, columns, cells, { bold, rightFrom: 1 });
      row(header, true);
      for (const line of lines) {
        row([
          line.description,
          formatQuantity(line.quantityMilli, language),
          money(line.unitPriceMinor),
          `${line.taxBasisPoints / 100} %`,
          money(line.totalMinor),
        ]);
      }
      doc.moveDown();
      const totals: Array<[string, number]> = [
        [t.subtotal, invoice.subtotalMinor],
        [t.discount, -invoice.discountMinor],
        [t.tax, invoice.taxMinor],
        [t.total, invoice.totalMinor],
        [t.paid, -invoice.paidMinor],
        [t.credits, -invoice.creditedMinor],
        [t.balanceDue, balanceDueMinor(invoice)],
      ];
      for (const [label, amount] of totals) {
        // Totals: the label spans the quantity-to-tax columns.
        const y = doc.y;
        doc.font(label === t.balanceDue ? 'Helvetica-Bold' : 'Helvetica');
        doc.text(label, 250, y, { width: 189, align: 'right' });
        doc.text(money(amount), 445, y, { width: 100, align: 'right' });
        doc.moveDown(0.4);
        doc.x = 50;
      }
      if (invoice.notes)
        doc.moveDown().font('Helvetica-Bold').text(t.notes).font('Helvetica').text(invoice.notes);
      if (invoice.terms)
        doc.moveDown().font('Helvetica-Bold').text(t.terms).font('Helvetica').text(invoice.terms);
    },
    { title: `${t.invoice} ${invoice.number ?? ''}` },
  );
}
