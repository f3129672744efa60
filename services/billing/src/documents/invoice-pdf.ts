import PDFDocument from 'pdfkit';
import type { Invoice, InvoiceLine } from '../invoice/invoice.entity';
import { addressLines, parseParty, type PartyValue } from '../directory/party';
import { balanceDueMinor } from '../invoice/invoice.status';
import {
  formatDate,
  formatMoney,
  labelsFor,
  type DocumentLanguage,
  type Labels,
} from './document-locale';

export function renderPdf(
  draw: (doc: PDFKit.PDFDocument) => void,
  meta: { title: string },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: meta.title, Producer: 'Portico' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    draw(doc);
    doc.end();
  });
}

/**
 * One table row: each cell in its column, the row as tall as its tallest
 * cell (a long description wraps without running into the next row), and a
 * new page when the row would not fit.
 */
export function drawRow(
  doc: PDFKit.PDFDocument,
  columns: number[],
  cells: string[],
  options: { bold?: boolean; rightFrom: number },
): void {
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica');
  const widths = columns.map((x, i) => (columns[i + 1] ?? 545) - x - 6);
  const height = Math.max(
    ...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i] })),
  );
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const y = doc.y;
  cells.forEach((cell, i) => {
    doc.text(cell, columns[i]!, y, {
      width: widths[i],
      align: i >= options.rightFrom ? 'right' : 'left',
    });
  });
  doc.x = columns[0]!;
  doc.y = y + height + 4;
}

function quantity(milli: number, language: DocumentLanguage): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-ES' : 'en-GB', {
    maximumFractionDigits: 3,
  }).format(
    `${Math.trunc(milli / 1000)}.${String(milli % 1000).padStart(3, '0')}` as unknown as number,
  );
}

/**
 * The two parties side by side: who issues the document (left) and who it is
 * for (right), each with name, address, tax id and email as frozen on it.
 */
export function drawParties(
  doc: PDFKit.PDFDocument,
  issuer: PartyValue | null,
  recipient: PartyValue | null,
  t: Labels,
): void {
  const top = doc.y;
  let bottom = top;
  const block = (x: number, label: string, party: PartyValue | null) => {
    if (!party) return;
    doc.font('Helvetica-Bold').text(label, x, top, { width: 230 });
    doc.font('Helvetica').text(party.name, { width: 230 });
    if (party.tradingName) doc.text(party.tradingName, { width: 230 });
    for (const line of addressLines(party.address)) doc.text(line, { width: 230 });
    if (party.taxId) doc.text(`${t.taxId}: ${party.taxId}`, { width: 230 });
    if (party.email) doc.text(party.email, { width: 230 });
    bottom = Math.max(bottom, doc.y);
  };
  block(50, t.from, issuer);
  block(300, t.billTo, recipient);
  doc.x = 50;
  doc.y = bottom;
  doc.moveDown();
}

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
          quantity(line.quantityMilli, language),
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
