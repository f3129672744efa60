import { encodeClaims, type Database } from '@portico/kit';
import {
  loadConfig as loadBillingConfig,
  openBillingDatabase,
  startBilling,
} from '@portico/billing';
import {
  generateBilling,
  newPrincipals,
  type GeneratedPrincipal,
  type Scale,
} from './generate-data';
import { percentile } from './stats';

/** The customer every growth measurement reads: the first one, with 120 invoices at any scale. */
const MEASURED: GeneratedPrincipal = {
  customerId: '00000000-0000-4000-8000-00000000b001',
  contactId: '00000000-0000-4000-8000-00000000c001',
  sessionId: '00000000-0000-4000-8000-00000000d001',
};

const INVOICE_LIST = `query ($first: Int!) { invoices(first: $first) { nodes {
  number status dueDate total { amount currency } balanceDue { amount }
  lines { description quantity total { amount } }
  paymentAllocations { amount { amount } payment { method reference receivedOn } } } } }`;

export interface GrowthScale {
  scale: Scale;
  invoices: number;
  /** Seconds spent generating, or null when an earlier run's data was complete and reused. */
  generatedSeconds: number | null;
  p50: number;
  p95: number;
}

function expectedInvoices(scale: Scale): number {
  return (
    (scale.customers - 1) * scale.invoicesPerCustomer + Math.max(scale.invoicesPerCustomer, 120)
  );
}

function databaseUrl(serverUrl: string, scale: Scale): string {
  const url = new URL(serverUrl.replace(/^mariadb:/, 'mysql:'));
  url.pathname = `/portico_bench_${scale.customers}x${scale.invoicesPerCustomer}x${scale.linesPerInvoice}`;
  return url
    .toString()
    .replace(/^mysql:/, serverUrl.startsWith('mariadb:') ? 'mariadb:' : 'mysql:');
}

async function countRows(db: Database, table: string): Promise<number> {
  const rows: Array<{ n: number | string }> = await db.manager.query(
    `SELECT COUNT(*) AS n FROM ${table}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The billing database at one scale on MariaDB: kept between runs (named
 * after the scale), regenerated when an earlier run left it incomplete.
 */
async function prepare(
  url: string,
  scale: Scale,
  log: (line: string) => void,
): Promise<{ invoices: number; generatedSeconds: number | null }> {
  const db = await openBillingDatabase({ driver: 'mysql', url });
  try {
    const expected = expectedInvoices(scale);
    const found = await countRows(db, 'invoices');
    if (found === expected && (await countRows(db, 'credit_notes')) === scale.customers) {
      return { invoices: found, generatedSeconds: null };
    }
    for (const table of [
      'credit_note_lines',
      'credit_notes',
      'payment_allocations',
      'payments',
      'invoice_lines',
      'invoices',
    ]) {
      await db.manager.query(`DELETE FROM ${table}`);
    }
    log(`generating ${expected.toLocaleString('en')} invoices on MariaDB …`);
    const started = Date.now();
    const principals = newPrincipals(scale.customers);
    principals[0] = MEASURED;
    let lastLog = Date.now();
    await generateBilling(db, principals, scale, (rows, table) => {
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(
          `  ${table}: ${rows.toLocaleString('en')} rows after ${((lastLog - started) / 1000).toFixed(0)} s`,
        );
      }
    });
    await db.manager.query(
      'ANALYZE TABLE invoices, invoice_lines, payments, payment_allocations, credit_notes',
    );
    return {
      invoices: await countRows(db, 'invoices'),
      generatedSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await db.dataSource.destroy();
  }
}

/**
 * Growth: the invoice list (20 newest with lines and payments) for one
 * customer, straight to a billing subgraph on MariaDB, at a small and a
 * large scale. Requests are sequential (latency, not throughput) and the
 * scales alternate in blocks so the machine's drift hits both alike.
 */
export async function measureGrowth(
  serverUrl: string,
  scales: { small: Scale; large: Scale },
  secret: string,
  log: (line: string) => void,
): Promise<{ small: GrowthScale; large: GrowthScale }> {
  const prepared = {
    small: await prepare(databaseUrl(serverUrl, scales.small), scales.small, log),
    large: await prepare(databaseUrl(serverUrl, scales.large), scales.large, log),
  };
  const servers = {
    small: await startBilling(
      loadBillingConfig({
        AUTH_CLAIMS_SECRET: secret,
        HTTP_PORT: '0',
        DB_URL: databaseUrl(serverUrl, scales.small),
      }),
    ),
    large: await startBilling(
      loadBillingConfig({
        AUTH_CLAIMS_SECRET: secret,
        HTTP_PORT: '0',
        DB_URL: databaseUrl(serverUrl, scales.large),
      }),
    ),
  };
  try {
    const claims = encodeClaims({ kind: 'contact', ...MEASURED }, secret, { ttlSeconds: 3600 });
    const body = JSON.stringify({ query: INVOICE_LIST, variables: { first: 20 } });
    const once = async (url: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-portico-claims': claims },
        body,
      });
      const result = (await response.json()) as {
        errors?: unknown;
        data?: { invoices?: { nodes?: unknown[] } };
      };
      const elapsed = performance.now() - started;
      if (result.errors || result.data?.invoices?.nodes?.length !== 20) {
        throw new Error(`invoice list failed: ${JSON.stringify(result).slice(0, 300)}`);
      }
      return elapsed;
    };
    const samples = { small: [] as number[], large: [] as number[] };
    for (const name of ['small', 'large'] as const) {
      for (let i = 0; i < 30; i += 1) await once(servers[name].url);
    }
    for (let block = 0; block < 6; block += 1) {
      for (const name of ['small', 'large'] as const) {
        for (let i = 0; i < 50; i += 1) samples[name].push(await once(servers[name].url));
      }
    }
    const result = (name: 'small' | 'large'): GrowthScale => ({
      scale: scales[name],
      ...prepared[name],
      p50: percentile(samples[name], 50),
      p95: percentile(samples[name], 95),
    });
    return { small: result('small'), large: result('large') };
  } finally {
    await servers.small.close();
    await servers.large.close();
  }
}
