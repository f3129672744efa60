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
import type { Quote, QuoteLine, QuoteRevision } from '../quote/quote.entity';

/**
 * One revision of a quote as a print-ready A4 document: both parties as
 * frozen when it was sent, number, revision, dates, lines (optional ones
 * marked and left out of the total), totals, notes and terms.
 */
export function renderQuotePdf(
  quote: Quote,
  revision: QuoteRevision,
  lines: QuoteLine[],
  language: DocumentLanguage,
): Promise<Buffer> {
  const t = labelsFor(language);
  const money = (minor: number) => formatMoney(minor, quote.currency, language);
  const title = `${t.quote} ${quote.number ?? ''}`;
  return renderPdf(
    (doc) => {
      doc.fontSize(20).text(title, { align: 'left' });
      doc.moveDown(0.5).fontSize(10);
      doc.text(`${t.revision}: ${revision.revision}`);
      doc.text(
        `${t.issueDate}: ${revision.issueDate ? formatDate(revision.issueDate, language) : '—'}`,
      );
      doc.text(`${t.validUntil}: ${formatDate(revision.expiryDate, language)}`);
      doc.moveDown();
      drawParties(
        doc,
        parseParty(revision.issuerParty),
        parseParty(revision.recipientParty),
        t,
        t.quoteFor,
      );
      const columns = [50, 250, 300, 385, 445];
      const row = (cells: string[], bold = false) =>
        drawRow(doc, columns, cells, { bold, rightFrom: 1 });
      row([t.description, t.quantity, t.unitPrice, t.tax, t.amount], true);
      for (const line of [...lines].sort((a, b) => a.position - b.position)) {
        row([
          line.optional ? `${line.description} (${t.optional})` : line.description,
          formatQuantity(line.quantityMilli, language),
          money(line.unitPriceMinor),
          `${line.taxBasisPoints / 100} %`,
          money(line.totalMinor),
        ]);
      }
      doc.moveDown();
      const totals: Array<[string, number, boolean]> = [
        [t.subtotal, revision.subtotalMinor, false],
        [t.discount, -revision.discountMinor, false],
        [t.tax, revision.taxMinor, false],
        [t.total, revision.totalMinor, true],
      ];
      if (lines.some((l) => l.optional)) {
        totals.push([t.optionalTotal, revision.optionalTotalMinor, false]);
      }
      for (const [label, amount, bold] of totals) {
        const y = doc.y;
        doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
        doc.text(label, 200, y, { width: 239, align: 'right' });
        doc.text(money(amount), 445, y, { width: 100, align: 'right' });
        doc.moveDown(0.4);
        doc.x = 50;
      }
      if (revision.notes) {
        doc.moveDown().font('Helvetica-Bold').text(t.notes).font('Helvetica').text(revision.notes);
      }
      if (revision.terms) {
        doc.moveDown().font('Helvetica-Bold').text(t.terms).font('Helvetica').text(revision.terms);
      }
    },
    { title },
  );
}
