import PDFDocument from 'pdfkit';
import { addressLines, type PartyValue } from '../directory/party';
import type { DocumentLanguage, Labels } from './document-locale';

/** Draws an A4 document and resolves with its bytes. */
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

/** A quantity in thousandths, printed in the document's language: 1500 → "1.5" / "1,5". */
export function formatQuantity(milli: number, language: DocumentLanguage): string {
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
  t: Pick<Labels, 'from' | 'billTo' | 'taxId'>,
  recipientLabel: string = t.billTo,
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
  block(300, recipientLabel, recipient);
  doc.x = 50;
  doc.y = bottom;
  doc.moveDown();
}
