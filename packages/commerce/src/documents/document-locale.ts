import { formatAmount } from '@portico/kit';

/** Labels and number/date formats for generated documents: Spanish and English (the default). */
export type DocumentLanguage = 'en' | 'es';

export function documentLanguage(locale: string | null | undefined): DocumentLanguage {
  return locale?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

const LABELS = {
  en: {
    invoice: 'Invoice',
    number: 'Number',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    billTo: 'Bill to',
    from: 'From',
    taxId: 'Tax ID',
    description: 'Description',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    discount: 'Discount',
    tax: 'Tax',
    amount: 'Amount',
    subtotal: 'Subtotal',
    total: 'Total',
    paid: 'Paid',
    credits: 'Credits applied',
    balanceDue: 'Balance due',
    notes: 'Notes',
    terms: 'Terms',
    status: 'Status',
    statement: 'Statement of account',
    period: 'Period',
    openingBalance: 'Opening balance',
    closingBalance: 'Closing balance',
    date: 'Date',
    kind: 'Document',
    reference: 'Reference',
    balance: 'Balance',
    aging: 'Aging at end date',
    current: 'Current',
    days1to30: '1–30 days',
    days31to60: '31–60 days',
    days61to90: '61–90 days',
    over90: 'Over 90 days',
    invoiced: 'Invoiced',
    credited: 'Credited',
    refunded: 'Refunded',
    kinds: { invoice: 'Invoice', payment: 'Payment', credit_note: 'Credit note', refund: 'Refund' },
    quote: 'Quote',
    revision: 'Revision',
    validUntil: 'Valid until',
    quoteFor: 'Quote for',
    optional: 'Optional',
    optionalTotal: 'Optional lines (not in the total)',
  },
  es: {
    invoice: 'Factura',
    number: 'Número',
    issueDate: 'Fecha de emisión',
    dueDate: 'Vencimiento',
    billTo: 'Facturar a',
    from: 'Emisor',
    taxId: 'NIF',
    description: 'Descripción',
    quantity: 'Cant.',
    unitPrice: 'Precio unitario',
    discount: 'Descuento',
    tax: 'Impuesto',
    amount: 'Importe',
    subtotal: 'Subtotal',
    total: 'Total',
    paid: 'Pagado',
    credits: 'Abonos aplicados',
    balanceDue: 'Saldo pendiente',
    notes: 'Notas',
    terms: 'Condiciones',
    status: 'Estado',
    statement: 'Extracto de cuenta',
    period: 'Periodo',
    openingBalance: 'Saldo inicial',
    closingBalance: 'Saldo final',
    date: 'Fecha',
    kind: 'Documento',
    reference: 'Referencia',
    balance: 'Saldo',
    aging: 'Antigüedad a la fecha final',
    current: 'Al corriente',
    days1to30: '1–30 días',
    days31to60: '31–60 días',
    days61to90: '61–90 días',
    over90: 'Más de 90 días',
    invoiced: 'Facturado',
    credited: 'Abonado',
    refunded: 'Reembolsado',
    kinds: { invoice: 'Factura', payment: 'Pago', credit_note: 'Abono', refund: 'Reembolso' },
    quote: 'Presupuesto',
    revision: 'Revisión',
    validUntil: 'Válido hasta',
    quoteFor: 'Presupuesto para',
    optional: 'Opcional',
    optionalTotal: 'Líneas opcionales (no incluidas en el total)',
  },
} as const;

export type Labels = (typeof LABELS)['en'] | (typeof LABELS)['es'];

export function labelsFor(language: DocumentLanguage): Labels {
  return LABELS[language];
}

const INTL_LOCALE: Record<DocumentLanguage, string> = { en: 'en-GB', es: 'es-ES' };

/** 123450 EUR → "€1,234.50" (en) or "1234,50 €" (es): exact, from integer minor units. */
export function formatMoney(minor: number, currency: string, language: DocumentLanguage): string {
  // Intl formats a decimal string exactly (no float ever holds the amount).
  const format = new Intl.NumberFormat(INTL_LOCALE[language], { style: 'currency', currency });
  return format.format(formatAmount(minor, currency) as unknown as number);
}

/** A plain decimal in the language's style, for CSV cells: "1234.50" / "1234,50". */
export function formatDecimal(minor: number, currency: string, language: DocumentLanguage): string {
  const plain = formatAmount(minor, currency);
  return language === 'es' ? plain.replace('.', ',') : plain;
}

/** YYYY-MM-DD → "27 November 2026" / "27 de noviembre de 2026"; `medium` for table cells. */
export function formatDate(
  date: string,
  language: DocumentLanguage,
  style: 'long' | 'medium' = 'long',
): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[language], {
    dateStyle: style,
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}
