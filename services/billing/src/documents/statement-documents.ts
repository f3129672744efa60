import type { StatementData } from '../statement/statement.service';
import {
  drawParties,
  drawRow,
  formatDate,
  formatDecimal,
  formatMoney,
  labelsFor,
  renderPdf,
  type DocumentLanguage,
  type PartyValue,
} from '@portico/commerce';

/** Statement of account as a print-ready PDF. */
export function renderStatementPdf(
  statement: StatementData,
  language: DocumentLanguage,
  parties: { issuer: PartyValue | null; recipient: PartyValue | null } = {
    issuer: null,
    recipient: null,
  },
): Promise<Buffer> {
  const t = labelsFor(language);
  const money = (minor: number) => formatMoney(minor, statement.currency, language);
  return renderPdf(
    (doc) => {
      doc.fontSize(18).text(t.statement);
      doc.fontSize(10).moveDown(0.5);
      doc.text(
        `${t.period}: ${formatDate(statement.from, language)} – ${formatDate(statement.to, language)}`,
      );
      doc.text(`${t.openingBalance}: ${money(statement.openingBalanceMinor)}`);
      doc.moveDown();
      drawParties(doc, parties.issuer, parties.recipient, t);
      const columns = [50, 140, 240, 370, 460];
      const row = (cells: string[], bold = false) =>
        drawRow(doc, columns, cells, { bold, rightFrom: 3 });
      row([t.date, t.kind, t.reference, t.amount, t.balance], true);
      for (const entry of statement.entries) {
        row([
          formatDate(entry.date, language, 'medium'),
          t.kinds[entry.kind],
          entry.reference,
          money(entry.amountMinor),
          money(entry.balanceMinor),
        ]);
      }
      doc.moveDown();
      row(['', '', t.invoiced, money(statement.invoicedMinor), '']);
      row(['', '', t.paid, money(-statement.paidMinor), '']);
      row(['', '', t.credited, money(-statement.creditedMinor), '']);
      row(['', '', t.refunded, money(statement.refundedMinor), '']);
      row(['', '', t.closingBalance, money(statement.closingBalanceMinor), ''], true);
      doc.moveDown().font('Helvetica-Bold').text(t.aging).font('Helvetica');
      const a = statement.aging;
      for (const [label, minor] of [
        [t.current, a.currentMinor],
        [t.days1to30, a.days1to30Minor],
        [t.days31to60, a.days31to60Minor],
        [t.days61to90, a.days61to90Minor],
        [t.over90, a.over90Minor],
      ] as const) {
        doc.text(`${label}: ${money(minor)}`);
      }
    },
    { title: t.statement },
  );
}

/** A cell that a spreadsheet will not run as a formula. */
function cell(value: string, separator: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return safe.includes(separator) || safe.includes('"') || safe.includes('\n')
    ? `"${safe.replace(/"/g, '""')}"`
    : safe;
}

/**
 * Statement as CSV, headers in the customer's language. Spanish uses ";" and
 * a decimal comma, as spreadsheets set to Spanish expect; dates stay ISO.
 */
export function renderStatementCsv(statement: StatementData, language: DocumentLanguage): string {
  const t = labelsFor(language);
  const separator = language === 'es' ? ';' : ',';
  const amount = (minor: number) => formatDecimal(minor, statement.currency, language);
  const rows: string[][] = [
    [
      t.date,
      t.kind,
      t.reference,
      `${t.amount} (${statement.currency})`,
      `${t.balance} (${statement.currency})`,
    ],
  ];
  rows.push([statement.from, t.openingBalance, '', '', amount(statement.openingBalanceMinor)]);
  for (const e of statement.entries) {
    rows.push([
      e.date,
      t.kinds[e.kind],
      e.reference,
      amount(e.amountMinor),
      amount(e.balanceMinor),
    ]);
  }
  rows.push([statement.to, t.closingBalance, '', '', amount(statement.closingBalanceMinor)]);
  return `${rows.map((r) => r.map((c) => cell(c, separator)).join(separator)).join('\r\n')}\r\n`;
}
