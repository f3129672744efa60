import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { EVENTS_FEED_PATH, readInt, testing } from '@portico/kit';
import { DASHBOARD, generateDashboardData, readDashboardScale } from './dashboard-data';
import { SALES_SCALE } from './generate-sales';
import { percentile } from './stats';
import { launch, waitForHttp } from './suite-process';

/**
 * The scale run (`npm run bench -- scale`): the dashboard through one and
 * two billing processes and one and two gateways (1×1, 2×1, 1×2, 2×2). Every
 * configuration starts from a fresh copy of the same SQLite files with fresh
 * processes, gets the same warm-up (every principal's dashboard twice through
 * each of its gateways), then is measured for `BENCH_SCALE_SECONDS`; each
 * gateway has its own share of the closed-loop clients. Event-loop
 * utilisation per process comes from each one's /metrics counter
 * (`portico_event_loop_active_seconds_total`) over the measured window.
 */

interface Configuration {
  billing: number;
  gateways: number;
}

const CONFIGURATIONS: Configuration[] = [
  { billing: 1, gateways: 1 },
  { billing: 2, gateways: 1 },
  { billing: 1, gateways: 2 },
  { billing: 2, gateways: 2 },
];

const DATA_FILES = ['accounts.sqlite', 'billing.sqlite', 'sales.sqlite'];

interface Body {
  headers: Record<string, string>;
  body: string;
}

interface Measured {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  errors: number;
}

interface Row extends Configuration, Measured {
  /** Event-loop utilisation over the measured window, per process name (`billing-1`, …). */
  elu: Record<string, number>;
  /** CPU time over the window ÷ its length, per process name: below its ELU, it waited for a core. */
  cpu: Record<string, number>;
  /** CPU time over the window ÷ its length: the suite's processes, and the load generator. */
  cores: { suite: number; client: number };
}

const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a child process has used so far, from /proc; 0 where there is none. */
function cpuMs(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** One process of a configuration and where its /metrics are. */
interface Member {
  name: string;
  child: ChildProcess;
  metricsUrl: string;
  metricsToken?: string;
}

/**
 * Closed-loop clients, `connections` per gateway, each gateway with its own
 * turn through the principals; an answer counts as an error unless it is a
 * 200 without `errors`.
 */
async function loadGateways(
  urls: string[],
  bodies: Body[],
  length: { seconds: number } | { requestsPerGateway: number },
  connections: number,
): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const deadline = 'seconds' in length ? started + length.seconds * 1000 : Infinity;
  await Promise.all(
    urls.map(async (url) => {
      const target = new URL(url);
      const pool = new Pool(target.origin, { connections });
      let next = 0;
      const limit = 'requestsPerGateway' in length ? length.requestsPerGateway : Infinity;
      const client = async () => {
        while (Date.now() < deadline && next < limit) {
          const pick = bodies[next % bodies.length] as Body;
          next += 1;
          const t0 = performance.now();
          try {
            const response = await pool.request({
              path: target.pathname,
              method: 'POST',
              headers: { 'content-type': 'application/json', ...pick.headers },
              body: pick.body,
            });
            const text = await response.body.text();
            if (response.statusCode !== 200 || text.includes('"errors"')) errors += 1;
          } catch {
            errors += 1;
          }
          latencies.push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: connections }, client));
      await pool.close();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    errors,
  };
}

/** The process's event-loop active seconds so far, from its /metrics. */
async function activeSeconds(member: Member): Promise<number> {
  const response = await fetch(member.metricsUrl, {
    headers: member.metricsToken ? { authorization: `Bearer ${member.metricsToken}` } : {},
  });
  const text = await response.text();
  const match = /^portico_event_loop_active_seconds_total\{[^}]*\} (\S+)$/m.exec(text);
  if (!response.ok || !match?.[1]) {
    throw new Error(`${member.name}: no event-loop counter on /metrics (${response.status})`);
  }
  return Number(match[1]);
}

async function stopAll(members: Member[]): Promise<void> {
  await Promise.all(
    members.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Starts one configuration's processes on a fresh copy of the data; resolves once all are ready. */
async function startConfiguration(
  configuration: Configuration,
  dir: string,
  secret: string,
  keyFile: string,
  metricsToken: string,
  members: Member[],
): Promise<string[]> {
  const common = { AUTH_CLAIMS_SECRET: secret, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const port = async () => testing.freePort();
  const accountsPort = await port();
  const salesPort = await port();
  const billingPorts: number[] = [];
  for (let i = 0; i < configuration.billing; i++) billingPorts.push(await port());
  const gatewayPorts: number[] = [];
  for (let i = 0; i < configuration.gateways; i++) gatewayPorts.push(await port());
  const base = (p: number) => `http://127.0.0.1:${p}`;
  const feed = (p: number) => `${base(p)}${EVENTS_FEED_PATH}`;
  const add = (name: string, child: ChildProcess, p: number, token?: string) =>
    members.push({ name, child, metricsUrl: `${base(p)}/metrics`, metricsToken: token });

  add(
    'accounts',
    launch('services/accounts/dist/main.js', {
      ...common,
      HTTP_PORT: String(accountsPort),
      DB_SQLITE_PATH: join(dir, 'accounts.sqlite'),
      AUTH_SIGNING_KEY_FILE: keyFile,
      MAIL_FOLDER: join(dir, 'mail'),
    }),
    accountsPort,
  );
  billingPorts.forEach((p, i) =>
    add(
      `billing-${i + 1}`,
      // Every billing process on the one SQLite file (WAL, busy timeout): see BENCHMARKS.md.
      launch('services/billing/dist/main.js', {
        ...common,
        HTTP_PORT: String(p),
        DB_SQLITE_PATH: join(dir, 'billing.sqlite'),
        EVENTS_FEED_ACCOUNTS_URL: feed(accountsPort),
        EVENTS_FEED_SALES_URL: feed(salesPort),
      }),
      p,
    ),
  );
  add(
    'sales',
    launch('services/sales/dist/main.js', {
      ...common,
      HTTP_PORT: String(salesPort),
      DB_SQLITE_PATH: join(dir, 'sales.sqlite'),
      EVENTS_FEED_ACCOUNTS_URL: feed(accountsPort),
      EVENTS_FEED_BILLING_URL: feed(billingPorts[0] as number),
    }),
    salesPort,
  );
  for (const p of [accountsPort, ...billingPorts, salesPort])
    await waitForHttp(`${base(p)}/readyz`);
  gatewayPorts.forEach((p, i) =>
    add(
      `gateway-${i + 1}`,
      launch('gateway/dist/main.js', {
        ...common,
        HTTP_PORT: String(p),
        GATEWAY_SUPERGRAPH_PATH: join('schema', 'supergraph.graphql'),
        SUBGRAPH_ACCOUNTS_URL: `${base(accountsPort)}/graphql`,
        SUBGRAPH_BILLING_URL: billingPorts.map((b) => `${base(b)}/graphql`).join(','),
        SUBGRAPH_SALES_URL: `${base(salesPort)}/graphql`,
        AUTH_JWKS_URL: `${base(accountsPort)}/.well-known/jwks.json`,
        AUTH_PRINCIPAL_STATUS_URL: `${base(accountsPort)}/internal/principal-status`,
        AUTH_REVOCATIONS_URL: `${base(accountsPort)}/internal/revocations`,
        // Every principal is a different contact: per-principal limits stay out of the way.
        RATE_LIMIT_CONTACT_PER_MINUTE: '1000000',
        METRICS_TOKEN: metricsToken,
      }),
      p,
      metricsToken,
    ),
  );
  // Not /readyz: that also wants documents and messaging, which the dashboard does not use.
  for (const p of gatewayPorts) await waitForHttp(`${base(p)}/healthz`);
  return gatewayPorts.map((p) => `${base(p)}/graphql`);
}

export async function scaleRun(
  env: NodeJS.ProcessEnv,
): Promise<{ lines: string[]; seconds: number }> {
  const runStarted = Date.now();
  const scale = readDashboardScale(env);
  const seconds = readInt(env, 'BENCH_SCALE_SECONDS', 10, { min: 2 });
  const connections = readInt(env, 'BENCH_CONNECTIONS', 16, { min: 2 });
  const first = readInt(env, 'BENCH_PAGE', 20, { min: 1, max: 100 });
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-scale-'));
  const secret = randomBytes(32).toString('base64url');
  const metricsToken = randomBytes(16).toString('hex');
  const members: Member[] = [];
  try {
    const pristine = join(dir, 'pristine');
    mkdirSync(pristine);
    const data = await generateDashboardData(pristine, scale, SALES_SCALE, write);
    const bodies: Body[] = data.principals.map((p, i) => ({
      headers: { authorization: `Bearer ${data.tokens[i]}` },
      body: JSON.stringify({ query: DASHBOARD, variables: { customerId: p.customerId, first } }),
    }));
    const rows: Row[] = [];
    for (const [index, configuration] of CONFIGURATIONS.entries()) {
      const runDir = join(dir, `run-${index}`);
      mkdirSync(runDir);
      for (const file of DATA_FILES) copyFileSync(join(pristine, file), join(runDir, file));
      members.length = 0;
      const gateways = await startConfiguration(
        configuration,
        runDir,
        secret,
        data.keyFile,
        metricsToken,
        members,
      );
      try {
        // Same for every configuration: each principal's dashboard twice through each gateway
        // (JIT, plan caches, socket pools, each session's first check with accounts).
        const perGateway = Math.max(1, Math.floor(connections / gateways.length));
        const warm = await loadGateways(
          gateways,
          bodies,
          { requestsPerGateway: bodies.length * 2 },
          perGateway,
        );
        if (warm.errors > 0) throw new Error(`warm-up: ${warm.errors} dashboards failed`);
        const before = await Promise.all(members.map(activeSeconds));
        const cpuEach = members.map((m) => cpuMs(m.child));
        const clientBefore = ownCpuMs();
        const windowStarted = performance.now();
        const measured = await loadGateways(gateways, bodies, { seconds }, perGateway);
        const after = await Promise.all(members.map(activeSeconds));
        const window = (performance.now() - windowStarted) / 1000;
        const cpu = Object.fromEntries(
          members.map((m, i) => [
            m.name,
            (cpuMs(m.child) - (cpuEach[i] as number)) / 1000 / window,
          ]),
        );
        const cores = {
          suite: sum(Object.values(cpu)),
          client: (ownCpuMs() - clientBefore) / 1000 / window,
        };
        const elu = Object.fromEntries(
          members.map((m, i) => [m.name, ((after[i] as number) - (before[i] as number)) / window]),
        );
        const row: Row = { ...configuration, ...measured, elu, cpu, cores };
        rows.push(row);
        write(
          `${configuration.billing} billing × ${configuration.gateways} gateway: ${measured.rps.toFixed(0)} req/s, p50 ${measured.p50.toFixed(0)} ms, p95 ${measured.p95.toFixed(0)} ms, errors ${measured.errors}; cores used: suite ${cores.suite.toFixed(2)}, load generator ${cores.client.toFixed(2)}; ELU (CPU) ${members.map((m) => `${m.name} ${(elu[m.name] as number).toFixed(2)} (${(cpu[m.name] as number).toFixed(2)})`).join(', ')}`,
        );
      } finally {
        await stopAll(members);
      }
    }
    return {
      lines: scaleLines(rows, { seconds, connections, first, principals: bodies.length }),
      seconds: (Date.now() - runStarted) / 1000,
    };
  } finally {
    await stopAll(members);
    rmSync(dir, { recursive: true, force: true });
  }
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function scaleLines(
  rows: Row[],
  settings: { seconds: number; connections: number; first: number; principals: number },
): string[] {
  const elus = (row: Row, prefix: string) =>
    Object.entries(row.elu)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => `${value.toFixed(2)} (${(row.cpu[name] ?? 0).toFixed(2)})`)
      .join(' / ');
  const find = (billing: number, gateways: number) =>
    rows.find((r) => r.billing === billing && r.gateways === gateways);
  const ratio = (a: Row | undefined, b: Row | undefined) =>
    a && b ? (a.rps / b.rps).toFixed(2) : '—';
  const one = find(1, 1);
  const [load1, load5] = loadavg();
  return [
    '',
    `scale: dashboard (page ${settings.first}), ${settings.principals} principals, ${settings.connections} connections in all, ${settings.seconds} s per configuration after the same warm-up; ${availableParallelism()} cores, load average ${load1?.toFixed(1)} / ${load5?.toFixed(1)} at the end`,
    '| billing × gateways | req/s | p50 ms | p95 ms | errors | gateway ELU (CPU) | billing ELU (CPU) | accounts ELU (CPU) | sales ELU (CPU) | cores used: suite + load generator | req/s per suite core |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.billing} × ${r.gateways} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.errors} | ${elus(r, 'gateway')} | ${elus(r, 'billing')} | ${elus(r, 'accounts')} | ${elus(r, 'sales')} | ${r.cores.suite.toFixed(2)} + ${r.cores.client.toFixed(2)} | ${(r.rps / r.cores.suite).toFixed(0)} |`,
    ),
    '',
    `two billing ÷ one (2×1 ÷ 1×1): ${ratio(find(2, 1), one)}; two gateways ÷ one (1×2 ÷ 1×1): ${ratio(find(1, 2), one)}; both (2×2 ÷ 1×1): ${ratio(find(2, 2), one)}`,
  ];
}
