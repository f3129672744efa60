import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { encodeClaims, EVENTS_FEED_PATH, readBool, readInt, testing } from '@portico/kit';
import { loadConfig as loadAccountsConfig, startAccounts } from '@portico/accounts';
import { loadConfig as loadGatewayConfig, startGateway } from '@portico/gateway';
import { loadConfig as loadBillingConfig, startBilling } from '@portico/billing';
import { loadConfig as loadSalesConfig, startSales } from '@portico/sales';
import { DASHBOARD, generateDashboardData, readDashboardScale, ROOT } from './dashboard-data';
import { LARGE_SCALE, SMALL_SCALE, type GeneratedPrincipal, type Scale } from './generate-data';
import { SALES_SCALE, type SalesScale } from './generate-sales';
import { measureGrowth, type GrowthScale } from './growth';
import { ensureHiveGateway } from './hive-install';
import { percentile } from './stats';
import { scaleRun } from './scale';
import { launch, waitForHttp } from './suite-process';
import { subscriptionRun } from './subscriptions';

/**
 * `npm run bench`: the dashboard query under load through Portico's gateway,
 * a stock @apollo/gateway and Hive Gateway, and its billing and sales parts
 * straight to those subgraphs, on the same subgraphs and data, in
 * alternating rounds; then the SQL
 * statements one dashboard costs, and the time from `npm start` to a first
 * answer. Prints a table; numbers are for the machine it runs on.
 */
const BILLING_PART = `query ($reps: [_Any!]!, $first: Int!) { _entities(representations: $reps) { ... on Customer {
  balance { currency outstanding { amount } overdue { amount } unusedCredits { amount } }
  lastPayment { receivedOn amount { amount currency } }
  invoices(first: $first) { nodes { number status dueDate total { amount currency } balanceDue { amount }
    lines { description quantity total { amount } }
    paymentAllocations { amount { amount } payment { method reference receivedOn } } } }
  payments(first: 10) { reference receivedOn status amount { amount } }
  creditNotes(first: 10) { number remaining { amount } } } } }`;
const SALES_PART = `query ($reps: [_Any!]!, $first: Int!) { _entities(representations: $reps) { ... on Customer {
  quotes(status: [SENT, VIEWED, CHANGES_REQUESTED], first: $first) { nodes { number status expiryDate
    total { amount currency } lines { description quantity total { amount } } } }
  purchaseOrders(status: [CONFIRMED, IN_PROGRESS, PARTIALLY_SHIPPED, SHIPPED, ON_HOLD], first: $first) {
    nodes { number status subStatus { label colour } expectedDeliveryDate
      lines { description quantity shippedQuantity } shipments { carrier trackingNumber }
      timeline { at kind status } } } } } }`;

/** What every dashboard answer must hold, at `page` rows per list. */
interface DashboardBody {
  errors?: unknown;
  data?: {
    customer?: {
      invoices?: { nodes?: unknown[] };
      quotes?: { nodes?: unknown[] };
      purchaseOrders?: { nodes?: unknown[] };
    };
  };
}

type Subgraph = 'accounts' | 'billing' | 'sales';

interface Result {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a child process has used so far, from /proc; 0 where there is none. */
function cpuMs(child: ChildProcess | undefined): number {
  if (!child?.pid) return 0;
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

async function load(
  url: string,
  bodies: Array<{ headers: Record<string, string>; body: string }>,
  length: Length,
  connections: number,
): Promise<Result> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    ...('seconds' in length ? { duration: length.seconds } : { amount: length.requests }),
    method: 'POST',
    requests: [
      {
        setupRequest: (request) => {
          const pick = bodies[next % bodies.length]!;
          next += 1;
          return {
            ...request,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...pick.headers },
            body: pick.body,
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

type Length = { seconds: number } | { requests: number };

/**
 * The floor: each dashboard's parts sent at once, each straight to its
 * subgraph, by `connections` closed-loop clients; a dashboard counts once
 * every part has answered, so its latency is that of the slowest part. This
 * is what a gateway that cost nothing would do. Answers are read, not
 * parsed, as autocannon does.
 */
async function loadParts(
  parts: Array<{ url: string; bodies: Array<{ headers: Record<string, string>; body: string }> }>,
  length: Length,
  connections: number,
): Promise<Result> {
  const targets = parts.map((part) => {
    const url = new URL(part.url);
    return { ...part, path: url.pathname, pool: new Pool(url.origin, { connections }) };
  });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = Date.now();
  const deadline = 'seconds' in length ? started + length.seconds * 1000 : Infinity;
  const limit = 'requests' in length ? length.requests : Infinity;
  const client = async () => {
    while (Date.now() < deadline && next < limit) {
      const i = next;
      next += 1;
      const t0 = performance.now();
      const statuses = await Promise.all(
        targets.map(async (target) => {
          const pick = target.bodies[i % target.bodies.length]!;
          try {
            const response = await target.pool.request({
              path: target.path,
              method: 'POST',
              headers: { 'content-type': 'application/json', ...pick.headers },
              body: pick.body,
            });
            await response.body.text();
            return response.statusCode;
          } catch {
            return 0;
          }
        }),
      );
      latencies.push(performance.now() - t0);
      if (statuses.some((status) => status < 200 || status >= 300)) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  const elapsed = (Date.now() - started) / 1000;
  await Promise.all(targets.map((target) => target.pool.close()));
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    errors,
  };
}

/**
 * The dashboard once per page size through an in-process gateway over
 * in-process subgraphs whose drivers count every SELECT.
 */
async function countStatements(
  dir: string,
  keyFile: string,
  secret: string,
  principal: GeneratedPrincipal,
  token: string,
): Promise<Array<{ page: number } & Record<Subgraph, number>>> {
  const counts: Record<Subgraph, number> = { accounts: 0, billing: 0, sales: 0 };
  // Background reads are not a dashboard's cost: the revocation log's
  // once-a-second poll, and the event followers and outboxes (billing and
  // sales follow accounts and each other).
  const background = /\b(revocations|event_\w+)\b/;
  const count = (key: Subgraph) => (sql: string) => {
    if (/^\s*SELECT/i.test(sql) && !background.test(sql)) counts[key] += 1;
  };
  const common = { AUTH_CLAIMS_SECRET: secret, HTTP_PORT: '0' };
  const accounts = await startAccounts(
    loadAccountsConfig({
      ...common,
      DB_SQLITE_PATH: join(dir, 'accounts.sqlite'),
      AUTH_SIGNING_KEY_FILE: keyFile,
      MAIL_FOLDER: join(dir, 'mail'),
    }),
    { onQuery: count('accounts') },
  );
  // Billing and sales follow each other's feeds: both ports are known before either starts.
  const [billingPort, salesPort] = [await testing.freePort(), await testing.freePort()];
  const feed = (port: number) => `http://127.0.0.1:${port}${EVENTS_FEED_PATH}`;
  const accountsFeed = accounts.url.replace(/\/graphql$/, EVENTS_FEED_PATH);
  const billing = await startBilling(
    loadBillingConfig({
      ...common,
      HTTP_PORT: String(billingPort),
      DB_SQLITE_PATH: join(dir, 'billing.sqlite'),
      EVENTS_FEED_ACCOUNTS_URL: accountsFeed,
      EVENTS_FEED_SALES_URL: feed(salesPort),
    }),
    {
      onQuery: count('billing'),
    },
  );
  const sales = await startSales(
    loadSalesConfig({
      ...common,
      HTTP_PORT: String(salesPort),
      DB_SQLITE_PATH: join(dir, 'sales.sqlite'),
      EVENTS_FEED_ACCOUNTS_URL: accountsFeed,
      EVENTS_FEED_BILLING_URL: feed(billingPort),
    }),
    { onQuery: count('sales') },
  );
  const gateway = await startGateway(
    loadGatewayConfig({
      ...common,
      GATEWAY_SUPERGRAPH_PATH: join(ROOT, 'schema', 'supergraph.graphql'),
      SUBGRAPH_ACCOUNTS_URL: accounts.url,
      SUBGRAPH_BILLING_URL: billing.url,
      SUBGRAPH_SALES_URL: sales.url,
      AUTH_JWKS_URL: accounts.jwksUrl,
      AUTH_PRINCIPAL_STATUS_URL: accounts.url.replace(/\/graphql$/, '/internal/principal-status'),
      AUTH_REVOCATIONS_URL: accounts.url.replace(/\/graphql$/, '/internal/revocations'),
    }),
  );
  try {
    // The session's first request asks accounts about it (one SELECT); the
    // counts below are the steady state, with the answer remembered.
    await until(() => gateway.principalStatusStats().following, 5_000);
    await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    const rows = [];
    for (const page of [10, 100]) {
      counts.accounts = 0;
      counts.billing = 0;
      counts.sales = 0;
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: DASHBOARD,
          variables: { customerId: principal.customerId, first: page },
        }),
      });
      const body = (await response.json()) as DashboardBody;
      const customer = body.data?.customer;
      // Every list full, so a count that grew with the page would show.
      if (
        body.errors ||
        customer?.invoices?.nodes?.length !== page ||
        customer.quotes?.nodes?.length !== page ||
        customer.purchaseOrders?.nodes?.length !== page
      ) {
        throw new Error(`dashboard at page ${page} failed: ${JSON.stringify(body).slice(0, 300)}`);
      }
      rows.push({ page, ...counts });
    }
    return rows;
  } finally {
    await gateway.close();
    await sales.close();
    await billing.close();
    await accounts.close();
  }
}

/** `npm start` (already built) into an empty data folder, until a signed-in viewer query answers. */
async function measureStartup(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-bench-start-'));
  const started = Date.now();
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'dist', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, PORTICO_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    const url = 'http://127.0.0.1:4000/graphql';
    for (;;) {
      if (Date.now() - started > 60_000) throw new Error('npm start did not answer within 60 s');
      try {
        const signIn = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query:
              'mutation { signIn(input: { email: "alice@acme.example", password: "acme-demo-password" }) { accessToken } }',
          }),
        });
        const token = ((await signIn.json()) as { data?: { signIn?: { accessToken?: string } } })
          .data?.signIn?.accessToken;
        if (token) {
          const viewer = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ viewer { kind } }' }),
          });
          if (viewer.ok) return (Date.now() - started) / 1000;
        }
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The growth run on MariaDB (BENCH_MYSQL_URL, else the test server), or why it was skipped. */
async function growthRun(
  env: NodeJS.ProcessEnv,
  secret: string,
): Promise<{ small: GrowthScale; large: GrowthScale } | string> {
  const url = env.BENCH_MYSQL_URL || testing.testMysqlUrl(env);
  const unreachable = await testing.probeMysql(url);
  if (unreachable) return `skipped: no MariaDB/MySQL at BENCH_MYSQL_URL (${unreachable})`;
  const large: Scale = {
    customers: readInt(env, 'BENCH_LARGE_CUSTOMERS', LARGE_SCALE.customers, { min: 200 }),
    invoicesPerCustomer: readInt(
      env,
      'BENCH_LARGE_INVOICES_PER_CUSTOMER',
      LARGE_SCALE.invoicesPerCustomer,
      { min: 1 },
    ),
    linesPerInvoice: LARGE_SCALE.linesPerInvoice,
  };
  return measureGrowth(url, { small: SMALL_SCALE, large }, secret, (line) =>
    process.stdout.write(`${line}\n`),
  );
}

function growthLines(growth: { small: GrowthScale; large: GrowthScale } | string): string[] {
  if (typeof growth === 'string') return [`Growth (invoice list on MariaDB): ${growth}`];
  const row = (name: string, g: GrowthScale) =>
    `| ${name} | ${g.scale.customers.toLocaleString('en')} | ${g.invoices.toLocaleString('en')} | ${g.generatedSeconds === null ? 'kept from an earlier run' : `${g.generatedSeconds.toFixed(0)} s`} | ${g.p50.toFixed(1)} | ${g.p95.toFixed(1)} |`;
  return [
    'Growth: one customer’s invoice list (20 newest with lines and payments) straight to billing on MariaDB, sequential, 300 requests per scale:',
    '| scale | customers | invoices | generated in | p50 ms | p95 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('small', growth.small),
    row('large', growth.large),
    `large ÷ small p50: ${(growth.large.p50 / growth.small.p50).toFixed(2)}`,
  ];
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const env = process.env;
  // `npm run bench -- subscriptions`: the subscription run alone.
  if (process.argv.slice(2).includes('subscriptions')) {
    const run = await subscriptionRun(env);
    process.stdout.write(`${run.lines.join('\n')}\n  (run took ${run.seconds.toFixed(0)} s)\n`);
    return;
  }
  // `npm run bench -- scale`: one and two billing processes and gateways, alone.
  if (process.argv.slice(2).includes('scale')) {
    const run = await scaleRun(env);
    process.stdout.write(`${run.lines.join('\n')}\n  (run took ${run.seconds.toFixed(0)} s)\n`);
    return;
  }
  ensureHiveGateway();
  const scale = readDashboardScale(env);
  const rounds = readInt(env, 'BENCH_ROUNDS', 3, { min: 1 });
  const seconds = readInt(env, 'BENCH_SECONDS', 8, { min: 2 });
  const connections = readInt(env, 'BENCH_CONNECTIONS', 16, { min: 1 });
  const first = readInt(env, 'BENCH_PAGE', 20, { min: 1, max: 100 });
  const salesScale: SalesScale = {
    quotesPerCustomer: readInt(env, 'BENCH_QUOTES_PER_CUSTOMER', SALES_SCALE.quotesPerCustomer, {
      min: 0,
    }),
    ordersPerCustomer: readInt(env, 'BENCH_ORDERS_PER_CUSTOMER', SALES_SCALE.ordersPerCustomer, {
      min: 0,
    }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  const secret = randomBytes(32).toString('base64url');
  const children: ChildProcess[] = [];
  try {
    const { principals, tokens, keyFile, generatedSales } = await generateDashboardData(
      dir,
      scale,
      salesScale,
      (line) => process.stdout.write(`${line}\n`),
    );

    const ports = {
      accounts: 4201,
      billing: 4202,
      sales: 4203,
      portico: 4200,
      stock: 4210,
      hive: 4220,
    };
    const feed = (port: number) => `http://127.0.0.1:${port}${EVENTS_FEED_PATH}`;
    const common = { AUTH_CLAIMS_SECRET: secret, HTTP_HOST: '127.0.0.1' };
    const accountsProcess = launch('services/accounts/dist/main.js', {
      ...common,
      HTTP_PORT: String(ports.accounts),
      DB_SQLITE_PATH: join(dir, 'accounts.sqlite'),
      AUTH_SIGNING_KEY_FILE: keyFile,
      MAIL_FOLDER: join(dir, 'mail'),
    });
    const billingProcess = launch('services/billing/dist/main.js', {
      ...common,
      HTTP_PORT: String(ports.billing),
      DB_SQLITE_PATH: join(dir, 'billing.sqlite'),
      EVENTS_FEED_ACCOUNTS_URL: feed(ports.accounts),
      EVENTS_FEED_SALES_URL: feed(ports.sales),
    });
    const salesProcess = launch('services/sales/dist/main.js', {
      ...common,
      HTTP_PORT: String(ports.sales),
      DB_SQLITE_PATH: join(dir, 'sales.sqlite'),
      EVENTS_FEED_ACCOUNTS_URL: feed(ports.accounts),
      EVENTS_FEED_BILLING_URL: feed(ports.billing),
    });
    children.push(accountsProcess, billingProcess, salesProcess);
    await waitForHttp(`http://127.0.0.1:${ports.accounts}/readyz`);
    await waitForHttp(`http://127.0.0.1:${ports.billing}/readyz`);
    await waitForHttp(`http://127.0.0.1:${ports.sales}/readyz`);
    const subgraphEnv = {
      SUBGRAPH_ACCOUNTS_URL: `http://127.0.0.1:${ports.accounts}/graphql`,
      SUBGRAPH_BILLING_URL: `http://127.0.0.1:${ports.billing}/graphql`,
      SUBGRAPH_SALES_URL: `http://127.0.0.1:${ports.sales}/graphql`,
      GATEWAY_SUPERGRAPH_PATH: join(ROOT, 'schema', 'supergraph.graphql'),
    };
    const porticoProcess = launch(
      'gateway/dist/main.js',
      {
        ...common,
        ...subgraphEnv,
        HTTP_PORT: String(ports.portico),
        AUTH_JWKS_URL: `http://127.0.0.1:${ports.accounts}/.well-known/jwks.json`,
        AUTH_PRINCIPAL_STATUS_URL: `http://127.0.0.1:${ports.accounts}/internal/principal-status`,
        AUTH_REVOCATIONS_URL: `http://127.0.0.1:${ports.accounts}/internal/revocations`,
        // Every principal is a different contact: per-principal limits stay out of the way.
        RATE_LIMIT_CONTACT_PER_MINUTE: '1000000',
      },
      // BENCH_PROFILE_DIR=… writes a V8 CPU profile of Portico's gateway there.
      env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [],
    );
    const stockProcess = launch('scripts/dist/bench/stock-gateway.js', {
      ...common,
      ...subgraphEnv,
      HTTP_PORT: String(ports.stock),
    });
    // Hive's fetch adds an abort listener per subgraph response and Node warns
    // about it on every run; the warning is muted, the behaviour is as shipped.
    const hiveProcess = launch(
      'scripts/dist/bench/hive-gateway.js',
      { ...common, ...subgraphEnv, HTTP_PORT: String(ports.hive) },
      ['--no-warnings'],
    );
    children.push(porticoProcess, stockProcess, hiveProcess);
    // Not /readyz: that also wants documents and messaging, which the dashboard does not use
    // and the bench does not start; the dashboard probe below checks the answer instead.
    await waitForHttp(`http://127.0.0.1:${ports.portico}/healthz`);
    await waitForHttp(`http://127.0.0.1:${ports.hive}/healthcheck`);
    await new Promise((r) => setTimeout(r, 1500));

    const gatewayBodies = principals.map((p, i) => ({
      headers: { authorization: `Bearer ${tokens[i]}` },
      body: JSON.stringify({ query: DASHBOARD, variables: { customerId: p.customerId, first } }),
    }));
    // One subgraph's part of the dashboard, sent straight to it with valid claims.
    const directBodies = (query: string) =>
      principals.map((p) => ({
        headers: {
          'x-portico-claims': encodeClaims(
            {
              kind: 'contact',
              contactId: p.contactId,
              customerId: p.customerId,
              sessionId: p.sessionId,
            },
            secret,
            {
              ttlSeconds: 3600,
            },
          ),
        },
        body: JSON.stringify({
          query,
          variables: { reps: [{ __typename: 'Customer', id: p.customerId }], first },
        }),
      }));
    const gatewayUrls = {
      portico: `http://127.0.0.1:${ports.portico}/graphql`,
      stock: `http://127.0.0.1:${ports.stock}/`,
      hive: `http://127.0.0.1:${ports.hive}/graphql`,
    };
    // A correctness check before timing anything: every gateway answers the
    // first principal's dashboard, and all with the same data.
    const answers = await Promise.all(
      Object.entries(gatewayUrls).map(async ([name, url]) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...gatewayBodies[0]!.headers },
          body: gatewayBodies[0]!.body,
        });
        const body = (await response.json()) as DashboardBody;
        const customer = body.data?.customer;
        if (
          body.errors ||
          !customer?.invoices?.nodes?.length ||
          !customer.quotes?.nodes?.length ||
          !customer.purchaseOrders?.nodes?.length
        ) {
          throw new Error(`${name}: dashboard probe failed: ${JSON.stringify(body).slice(0, 500)}`);
        }
        return JSON.stringify(body.data);
      }),
    );
    if (new Set(answers).size !== 1)
      throw new Error('the gateways answered the dashboard differently');

    const through = (url: string) => (length: Length) =>
      load(url, gatewayBodies, length, connections);
    const parts = [
      { url: `http://127.0.0.1:${ports.billing}/graphql`, bodies: directBodies(BILLING_PART) },
      { url: `http://127.0.0.1:${ports.sales}/graphql`, bodies: directBodies(SALES_PART) },
    ];
    const configs = [
      { name: 'portico', run: through(gatewayUrls.portico), front: porticoProcess },
      { name: 'stock', run: through(gatewayUrls.stock), front: stockProcess },
      { name: 'hive', run: through(gatewayUrls.hive), front: hiveProcess },
      {
        name: 'direct',
        run: (length: Length) => loadParts(parts, length, connections),
        front: undefined,
      },
    ];
    // Warm-up, not counted: JIT, plan caches, socket pools, and every
    // principal's first request (the one where Portico asks accounts about
    // the session) — the rounds measure signed-in portal traffic.
    for (const config of configs) {
      await config.run({ requests: principals.length * 2 });
    }
    const results = new Map<string, Result[]>(configs.map((c) => [c.name, []]));
    const cpu = new Map(
      configs.map((c) => [c.name, { gateway: 0, accounts: 0, billing: 0, sales: 0, requests: 0 }]),
    );
    for (let round = 1; round <= rounds; round += 1) {
      for (const config of configs) {
        const watched = [config.front, accountsProcess, billingProcess, salesProcess];
        const before = watched.map(cpuMs);
        const result = await config.run({ seconds });
        const used = watched.map((child, i) => cpuMs(child) - before[i]!);
        const spent = cpu.get(config.name)!;
        spent.gateway += used[0]!;
        spent.accounts += used[1]!;
        spent.billing += used[2]!;
        spent.sales += used[3]!;
        spent.requests += result.requests;
        results.get(config.name)!.push(result);
        process.stdout.write(
          `round ${round} ${config.name.padEnd(8)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}\n`,
        );
      }
    }
    const summary = configs.map((c) => {
      const r = results.get(c.name)!;
      return {
        name: c.name,
        rps: percentile(
          r.map((x) => x.rps),
          50,
        ),
        p50: percentile(
          r.map((x) => x.p50),
          50,
        ),
        p99: percentile(
          r.map((x) => x.p99),
          50,
        ),
        errors: r.reduce((s, x) => s + x.errors, 0),
      };
    });
    for (const child of children.splice(0)) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    const sql = await countStatements(dir, keyFile, secret, principals[0]!, tokens[0]!);
    const startup = await measureStartup();
    const growth = readBool(env, 'BENCH_GROWTH', true)
      ? await growthRun(env, secret)
      : 'off (BENCH_GROWTH=false)';
    const portico = summary[0]!;
    const lines = [
      '',
      `dashboard (page ${first}), ${principals.length} principals, ${connections} connections, ${rounds} rounds × ${seconds} s, medians:`,
      '| configuration | req/s | p50 ms | p99 ms | errors | Portico ÷ this (req/s) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...summary.map(
        (s) =>
          `| ${s.name} | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.errors} | ${(portico.rps / s.rps).toFixed(2)} |`,
      ),
    ];
    lines.push(
      '',
      'CPU per dashboard request, ms (from /proc, all rounds):',
      '| configuration | gateway | accounts | billing | sales | total |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...configs.map((c) => {
        const spent = cpu.get(c.name)!;
        const per = (ms: number) => (spent.requests ? ms / spent.requests : 0);
        const total = per(spent.gateway + spent.accounts + spent.billing + spent.sales);
        return `| ${c.name} | ${per(spent.gateway).toFixed(2)} | ${per(spent.accounts).toFixed(2)} | ${per(spent.billing).toFixed(2)} | ${per(spent.sales).toFixed(2)} | ${total.toFixed(2)} |`;
      }),
    );
    lines.push(
      '',
      `SQL statements per dashboard (SELECTs at the driver; one customer with 120 invoices, ${generatedSales.measured.openQuotes} open quotes and ${generatedSales.measured.activeOrders} active orders; a session’s first request adds one to accounts):`,
      '| page size | accounts | billing | sales | total |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...sql.map(
        (r) =>
          `| ${r.page} | ${r.accounts} | ${r.billing} | ${r.sales} | ${r.accounts + r.billing + r.sales} |`,
      ),
      '',
      `npm start (build already done) to a signed-in answer: ${startup.toFixed(1)} s`,
      '',
      ...growthLines(growth),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
