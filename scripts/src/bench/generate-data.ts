import { randomUUID } from 'node:crypto';
import { TableIndex } from 'typeorm';
import type { Database } from '@portico/kit';

/** How much data a benchmark run works on. */
export interface Scale {
  customers: number;
  invoicesPerCustomer: number;
  linesPerInvoice: number;
}

export const SMALL_SCALE: Scale = { customers: 300, invoicesPerCustomer: 30, linesPerInvoice: 2 };
/** The growth run's large scale: 1,000,020 invoices over 10,000 customers. */
export const LARGE_SCALE: Scale = {
  customers: 10_000,
  invoicesPerCustomer: 100,
  linesPerInvoice: 2,
};

export interface GeneratedPrincipal {
  customerId: string;
  contactId: string;
  sessionId: string;
}

/** Booleans as 0/1 and instants as UTC `YYYY-MM-DD HH:MM:SS.mmm`, which both drivers accept. */
function toSql(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  return value;
}

/**
 * Collects rows per entity and writes them with multi-row INSERTs, many
 * chunks per transaction (one commit per chunk would cost MariaDB a log
 * flush each).
 */
export class BulkWriter {
  private readonly pending = new Map<string, object[]>();
  private buffered = 0;
  written = 0;

  /** `order`: entities parents first; a flush writes them in that order. */
  constructor(
    private readonly db: Database,
    private readonly order: string[],
    private readonly chunk = 1_000,
    private readonly perTransaction = 20_000,
  ) {}

  async add(entity: string, row: object): Promise<void> {
    if (!this.order.includes(entity)) throw new Error(`${entity} is not in the write order`);
    let rows = this.pending.get(entity);
    if (!rows) this.pending.set(entity, (rows = []));
    rows.push(row);
    this.buffered += 1;
    if (this.buffered >= this.perTransaction) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const batches = this.order.map((entity) => [entity, this.pending.get(entity) ?? []] as const);
    this.pending.clear();
    this.buffered = 0;
    await this.db.transaction(async (manager) => {
      for (const [entity, rows] of batches) {
        if (rows.length === 0) continue;
        // Plain multi-row INSERTs: TypeORM's insert builder spends more time
        // per row than the database does.
        const metadata = this.db.dataSource.getMetadata(entity);
        const properties = Object.keys(rows[0]!);
        const columns = properties.map((property) => {
          const column = metadata.findColumnWithPropertyName(property);
          if (!column) throw new Error(`${entity}.${property} is not a column`);
          return `\`${column.databaseName}\``;
        });
        const tuple = `(${properties.map(() => '?').join(', ')})`;
        for (let i = 0; i < rows.length; i += this.chunk) {
          const slice = rows.slice(i, i + this.chunk);
          const values: unknown[] = [];
          for (const row of slice) {
            for (const property of properties) {
              values.push(toSql((row as Record<string, unknown>)[property]));
            }
          }
          await manager.query(
            `INSERT INTO \`${metadata.tableName}\` (${columns.join(', ')}) VALUES ${slice.map(() => tuple).join(', ')}`,
            values,
          );
        }
        this.written += rows.length;
      }
    });
  }
}

export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Ids for customers, each with one contact and one open session. */
export function newPrincipals(count: number): GeneratedPrincipal[] {
  return Array.from({ length: count }, () => ({
    customerId: randomUUID(),
    contactId: randomUUID(),
    sessionId: randomUUID(),
  }));
}

/**
 * Customers with one portal contact and an open session each (so tokens pass
 * the gateway's session check), then invoices with lines, a payment on every
 * other invoice, written with multi-row INSERTs.
 */
export async function generateData(
  accounts: Database,
  billing: Database,
  scale: Scale,
  passwordHash: string,
): Promise<GeneratedPrincipal[]> {
  const principals = newPrincipals(scale.customers);
  await generateAccounts(accounts, principals, passwordHash);
  await generateBilling(billing, principals, scale);
  return principals;
}

export async function generateAccounts(
  accounts: Database,
  principals: GeneratedPrincipal[],
  passwordHash: string,
): Promise<void> {
  const now = new Date();
  const writer = new BulkWriter(accounts, ['Customer', 'Contact', 'Session'], 400);
  for (const [c, { customerId, contactId, sessionId }] of principals.entries()) {
    await writer.add('Customer', {
      id: customerId,
      companyName: `Customer ${String(c).padStart(6, '0')} Ltd`,
      displayName: `Customer ${c}`,
      email: `billing${c}@customers.example`,
      currency: 'EUR',
      locale: c % 3 === 0 ? 'es' : 'en',
      billingLine1: `${c} Bench Street`,
      billingLine2: null,
      billingCity: 'Benchton',
      billingRegion: null,
      billingPostalCode: '00000',
      billingCountry: 'ES',
      portalEnabled: true,
      createdAt: now,
    });
    await writer.add('Contact', {
      id: contactId,
      customerId,
      name: `Contact ${c}`,
      email: `contact${c}@customers.example`,
      passwordHash,
      portalAccess: true,
      lastSignInAt: null,
      createdAt: now,
      disabledAt: null,
    });
    await writer.add('Session', {
      id: sessionId,
      subjectKind: 'contact',
      subjectId: contactId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      revokedAt: null,
      revokedReason: null,
      clientAddress: null,
    });
  }
  await writer.flush();
}

/**
 * Bulk loading as databases like it: the tables' secondary indexes are
 * dropped, the rows written, and the entities' indexes built once at the end
 * (by sorting) instead of row by row at random places. Built from the entity
 * metadata, so a load interrupted halfway is repaired by the next one.
 */
async function withIndexesBuiltAfter(
  db: Database,
  entities: string[],
  work: () => Promise<void>,
): Promise<void> {
  const runner = db.dataSource.createQueryRunner();
  try {
    for (const entity of entities) {
      const { tableName } = db.dataSource.getMetadata(entity);
      const table = await runner.getTable(tableName);
      // a copy: dropIndex also removes the index from this table object
      for (const index of [...(table?.indices ?? [])]) await runner.dropIndex(tableName, index);
    }
    await work();
    for (const entity of entities) {
      const metadata = db.dataSource.getMetadata(entity);
      for (const index of metadata.indices) {
        await runner.createIndex(
          metadata.tableName,
          new TableIndex({
            name: index.name,
            columnNames: index.columns.map((column) => column.databaseName),
            isUnique: index.isUnique,
          }),
        );
      }
    }
  } finally {
    await runner.release();
  }
}

/** Positions 0..n-1 ordered by their id (ids compare the same in JS and in MySQL's collations). */
export function byId(ids: string[]): Uint32Array {
  return Uint32Array.from(ids.keys()).sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
}

/**
 * Invoices with lines, a payment on every other invoice and a credit note
 * per customer. The first
 * customer has a long history (at least 120 invoices), so a 100-row page is
 * full; it is the one benchmarks measure.
 *
 * Ids are random (v4), as the services make them, but every table is written
 * in primary-key order: the clustered index then grows at its end instead of
 * splitting pages all over a table larger than MariaDB's buffer pool (the
 * rows, and so the tables, are the same as with random order).
 */
export async function generateBilling(
  billing: Database,
  principals: GeneratedPrincipal[],
  scale: Scale,
  onProgress?: (rows: number, table: string) => void,
): Promise<void> {
  const now = new Date();
  const year = isoDay(0).slice(0, 4);
  const lines = scale.linesPerInvoice;
  // The plan: which customer and position every invoice has, and every id.
  const counts = principals.map((_, index) =>
    index === 0 ? Math.max(scale.invoicesPerCustomer, 120) : scale.invoicesPerCustomer,
  );
  const total = counts.reduce((sum, n) => sum + n, 0);
  const customerOf = new Uint32Array(total);
  const positionOf = new Uint32Array(total);
  const invoiceIds: string[] = new Array<string>(total);
  const lineIds: string[] = new Array<string>(total * lines);
  const paidInvoices: number[] = [];
  let k = 0;
  for (const [customer, count] of counts.entries()) {
    for (let i = 0; i < count; i += 1, k += 1) {
      customerOf[k] = customer;
      positionOf[k] = i;
      invoiceIds[k] = randomUUID();
      for (let l = 0; l < lines; l += 1) lineIds[k * lines + l] = randomUUID();
      if (i % 2 === 0) paidInvoices.push(k);
    }
  }
  const paymentIds = paidInvoices.map(() => randomUUID());
  const allocationIds = paidInvoices.map(() => randomUUID());
  const amounts = (invoice: number) => {
    const unit = 1000 + ((invoice * 37) % 9000);
    const lineTotal = Math.round(unit * 1.21);
    return { unit, lineTotal, total: lineTotal * lines };
  };

  const creditNoteIds = principals.map(() => randomUUID());
  const creditLineIds = principals.map(() => randomUUID());
  const tables = [
    'Invoice',
    'InvoiceLine',
    'Payment',
    'PaymentAllocation',
    'CreditNote',
    'CreditNoteLine',
  ];
  const write = async (
    entity: string,
    ids: string[],
    row: (position: number) => object,
  ): Promise<void> => {
    const writer = new BulkWriter(billing, [entity]);
    let reported = 0;
    for (const position of byId(ids)) {
      await writer.add(entity, row(position));
      if (onProgress && writer.written - reported >= 100_000) {
        reported = writer.written;
        onProgress(writer.written, entity);
      }
    }
    await writer.flush();
  };

  await withIndexesBuiltAfter(billing, tables, async () => {
    await write('Invoice', invoiceIds, (invoice) => {
      const i = positionOf[invoice]!;
      const { unit, total: amount } = amounts(invoice);
      return {
        id: invoiceIds[invoice],
        customerId: principals[customerOf[invoice]!]!.customerId,
        number: `INV-${year}-${String(invoice + 1).padStart(7, '0')}`,
        state: 'sent',
        currency: 'EUR',
        issueDate: isoDay(-i * 3),
        dueDate: isoDay(30 - i * 3),
        notes: null,
        terms: 'Net 30',
        allowPartialPayment: true,
        subtotalMinor: unit * lines,
        discountMinor: 0,
        taxMinor: amount - unit * lines,
        totalMinor: amount,
        paidMinor: i % 2 === 0 ? amount : 0,
        creditedMinor: 0,
        pendingMinor: 0,
        firstViewedAt: null,
        firstViewedBy: null,
        voidedAt: null,
        voidReason: null,
        createdAt: now,
        updatedAt: now,
      };
    });
    await write('InvoiceLine', lineIds, (line) => {
      const invoice = Math.floor(line / lines);
      const { unit, lineTotal } = amounts(invoice);
      return {
        id: lineIds[line],
        invoiceId: invoiceIds[invoice],
        position: (line % lines) + 1,
        description: `Service ${(line % lines) + 1}`,
        quantityMilli: 1000,
        unitPriceMinor: unit,
        discountBasisPoints: 0,
        taxBasisPoints: 2100,
        discountMinor: 0,
        taxMinor: lineTotal - unit,
        totalMinor: lineTotal,
      };
    });
    await write('Payment', paymentIds, (payment) => {
      const invoice = paidInvoices[payment]!;
      return {
        id: paymentIds[payment],
        customerId: principals[customerOf[invoice]!]!.customerId,
        currency: 'EUR',
        amountMinor: amounts(invoice).total,
        method: 'bank_transfer',
        state: 'succeeded',
        reference: `TRX-${invoice + 1}`,
        receivedOn: isoDay(-positionOf[invoice]! * 3 + 1),
        recordedBy: 'bench',
        createdAt: now,
        provider: null,
        providerPaymentId: null,
        failureCode: null,
        failureMessage: null,
        idempotencyKey: null,
        requestHash: null,
        paidBy: null,
      };
    });
    await write('PaymentAllocation', allocationIds, (allocation) => {
      const invoice = paidInvoices[allocation]!;
      return {
        id: allocationIds[allocation],
        paymentId: paymentIds[allocation],
        invoiceId: invoiceIds[invoice],
        refundId: null,
        amountMinor: amounts(invoice).total,
        effectiveOn: isoDay(-positionOf[invoice]! * 3 + 1),
      };
    });
    // One unapplied credit note per customer, so the dashboard's credits are not empty.
    await write('CreditNote', creditNoteIds, (customer) => ({
      id: creditNoteIds[customer],
      customerId: principals[customer]!.customerId,
      number: `CN-${year}-${String(customer + 1).padStart(7, '0')}`,
      currency: 'EUR',
      issueDate: isoDay(-10),
      reason: 'Goodwill credit',
      subtotalMinor: 5000,
      taxMinor: 1050,
      totalMinor: 6050,
      appliedMinor: 0,
      createdAt: now,
    }));
    await write('CreditNoteLine', creditLineIds, (customer) => ({
      id: creditLineIds[customer],
      creditNoteId: creditNoteIds[customer],
      position: 1,
      description: 'Goodwill credit',
      quantityMilli: 1000,
      unitPriceMinor: 5000,
      taxBasisPoints: 2100,
      taxMinor: 1050,
      totalMinor: 6050,
    }));
  });
}
