import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openAccountsDatabase, PasswordHasher, TokenIssuer } from '@portico/accounts';
import { openBillingDatabase } from '@portico/billing';
import { openSalesDatabase } from '@portico/sales';
import { readInt } from '@portico/kit';
import { generateData, SMALL_SCALE, type GeneratedPrincipal, type Scale } from './generate-data';
import { generateSales, type SalesScale } from './generate-sales';

/** What the dashboard benchmarks load: the query, the SQLite files it reads and a token per contact. */

export const ROOT = resolve(__dirname, '..', '..', '..');
export const DASHBOARD = readFileSync(join(ROOT, 'scripts', 'bench', 'dashboard.graphql'), 'utf8');

export interface DashboardData {
  principals: GeneratedPrincipal[];
  /** One access token per principal, in the same order. */
  tokens: string[];
  /** accounts' signing key (the tokens above are signed with it). */
  keyFile: string;
  generatedSales: Awaited<ReturnType<typeof generateSales>>;
}

/** Generates accounts, billing and sales SQLite files under `dir`, and a token per contact. */
export async function generateDashboardData(
  dir: string,
  scale: Scale,
  salesScale: SalesScale,
  write: (line: string) => void,
): Promise<DashboardData> {
  write(
    `generating ${scale.customers} customers × ${scale.invoicesPerCustomer} invoices, ${salesScale.quotesPerCustomer} quotes, ${salesScale.ordersPerCustomer} orders …`,
  );
  const started = Date.now();
  const accountsDb = await openAccountsDatabase({
    driver: 'sqlite',
    path: join(dir, 'accounts.sqlite'),
  });
  const billingDb = await openBillingDatabase({
    driver: 'sqlite',
    path: join(dir, 'billing.sqlite'),
  });
  const principals: GeneratedPrincipal[] = await generateData(
    accountsDb,
    billingDb,
    scale,
    await new PasswordHasher().hash('bench-password-not-used'),
  );
  await accountsDb.dataSource.destroy();
  await billingDb.dataSource.destroy();
  const salesDb = await openSalesDatabase({ driver: 'sqlite', path: join(dir, 'sales.sqlite') });
  const generatedSales = await generateSales(salesDb, principals, salesScale);
  await salesDb.dataSource.destroy();
  write(
    `generated in ${((Date.now() - started) / 1000).toFixed(1)} s: ${generatedSales.quotes} quotes (${generatedSales.openQuotes} open), ${generatedSales.orders} orders (${generatedSales.activeOrders} active); the measured customer has ${generatedSales.measured.openQuotes} open quotes and ${generatedSales.measured.activeOrders} active orders`,
  );

  mkdirSync(join(dir, 'keys'), { recursive: true });
  const keyFile = join(dir, 'keys', 'signing.pem');
  const issuer = await TokenIssuer.fromFile(keyFile, {
    issuer: 'portico-accounts',
    audience: 'portico',
    ttlSeconds: 3600,
  });
  const tokens = await Promise.all(
    principals.map(
      async (p) =>
        (
          await issuer.issue(
            {
              kind: 'contact',
              contactId: p.contactId,
              customerId: p.customerId,
              sessionId: p.sessionId,
            },
            3600,
          )
        ).accessToken,
    ),
  );
  return { principals, tokens, keyFile, generatedSales };
}

/** The dashboard data's size, from BENCH_CUSTOMERS and BENCH_INVOICES_PER_CUSTOMER. */
export function readDashboardScale(env: NodeJS.ProcessEnv): Scale {
  return {
    customers: readInt(env, 'BENCH_CUSTOMERS', SMALL_SCALE.customers, { min: 200 }),
    invoicesPerCustomer: readInt(
      env,
      'BENCH_INVOICES_PER_CUSTOMER',
      SMALL_SCALE.invoicesPerCustomer,
      {
        min: 1,
      },
    ),
    linesPerInvoice: SMALL_SCALE.linesPerInvoice,
  };
}
