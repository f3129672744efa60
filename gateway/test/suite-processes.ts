import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EVENTS_FEED_PATH, testing } from '@portico/kit';

const ROOT = resolve(__dirname, '..', '..');

export const SUBGRAPH_NAMES = ['accounts', 'billing', 'sales', 'documents', 'messaging'] as const;
export type ProcessName = (typeof SUBGRAPH_NAMES)[number] | 'gateway';
export const PROCESS_NAMES: readonly ProcessName[] = [...SUBGRAPH_NAMES, 'gateway'];

/** One process of the suite, started from its build as `npm start` starts it. */
export interface SuiteProcess {
  name: ProcessName;
  /** Which of the process's instances (0 when there is one of each). */
  instance: number;
  child: ChildProcess;
  /** Its GraphQL URL. */
  url: string;
  /** Its `host:port`, as a load balancer in front addresses it. */
  address: string;
  /** What it has written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
}

export interface Suite {
  /** The first instance of each process. */
  processes: Map<ProcessName, SuiteProcess>;
  /** Every instance of each process, as running now (a restart replaces its entry). */
  instances: Map<ProcessName, SuiteProcess[]>;
  claimsSecret: string;
  /**
   * Starts an instance again, on its port and with its environment (without
   * seeding), once the old child has exited; resolves when the new one is ready.
   */
  restart(proc: SuiteProcess): Promise<SuiteProcess>;
  /** Kills whatever is still running and removes the data folder. */
  stop(): Promise<void>;
}

export interface SuiteOptions {
  redisUrl?: string;
  /** Added to every process's environment. */
  env?: Record<string, string>;
  /** Added to one kind of process's environment (e.g. its own `DB_URL`). */
  processEnv?: Partial<Record<ProcessName, Record<string, string>>>;
  /** Added to one instance's environment, last. */
  instanceEnv?: (name: ProcessName, instance: number) => Record<string, string>;
  /**
   * Instances of each process. With more than one, every process reaches the
   * others through `front`, and the first instance of each migrates and seeds
   * before the others start on the same database.
   */
  instances?: number;
  /**
   * Given every instance's `host:port`, starts what stands in front of them
   * (a load balancer) and resolves the base URL (`http://host:port`) at which
   * each kind of process is reached. Without it each is reached directly.
   */
  front?: (
    addresses: ReadonlyMap<ProcessName, readonly string[]>,
  ) => Promise<ReadonlyMap<ProcessName, string>>;
}

async function waitUntilReady(proc: SuiteProcess, timeoutMs: number): Promise<void> {
  const url = proc.url.replace(/\/graphql$/, '/readyz');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with ${proc.child.exitCode}: ${proc.output()}`);
    }
    // Ready only once the child itself says where it listens: an answer from
    // another process holding the port is not this one being ready.
    if (proc.output().includes(`listening on ${proc.url}`)) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // not answering yet
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms: ${proc.output()}`);
}

const isRunning = (proc: SuiteProcess) =>
  proc.child.exitCode === null && proc.child.signalCode === null;

/**
 * Every subgraph and the gateway, each its own process from `dist/main.js`,
 * on free ports over SQLite files in a temporary folder (or the databases
 * `processEnv` names), with demo data. With `redisUrl`, rate limits, sign-in
 * limits, events (Redis Streams) and live fan-out all go through that Redis
 * under a prefix of their own.
 */
export async function startSuiteProcesses(options: SuiteOptions = {}): Promise<Suite> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-suite-'));
  const claimsSecret = testing.TEST_CLAIMS_SECRET;
  const host = '127.0.0.1';
  const count = options.instances ?? 1;
  const ports = new Map<ProcessName, number[]>();
  for (const name of PROCESS_NAMES) {
    const list: number[] = [];
    for (let i = 0; i < count; i += 1) list.push(await testing.freePort());
    ports.set(name, list);
  }
  const addressOf = (name: ProcessName, instance: number) =>
    `${host}:${ports.get(name)![instance]}`;
  const addresses = new Map<ProcessName, string[]>(
    PROCESS_NAMES.map((name) => [name, ports.get(name)!.map((_, i) => addressOf(name, i))]),
  );
  const processes = new Map<ProcessName, SuiteProcess>();
  const instances = new Map<ProcessName, SuiteProcess[]>(PROCESS_NAMES.map((n) => [n, []]));
  const killAll = () => {
    for (const list of instances.values()) for (const proc of list) proc.child.kill('SIGKILL');
  };
  let fronts: ReadonlyMap<ProcessName, string>;
  try {
    fronts = options.front
      ? await options.front(addresses)
      : new Map(PROCESS_NAMES.map((name) => [name, `http://${addressOf(name, 0)}`]));
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  /** Where the other processes reach a kind of process. */
  const reachedAt = (name: ProcessName) => `${fronts.get(name)}/graphql`;
  const prefix = `portico-test:${randomUUID()}:`;
  const redisEnv: Record<string, string> = options.redisUrl
    ? {
        REDIS_URL: options.redisUrl,
        REDIS_PREFIX: prefix,
        EVENTS_REDIS_URL: options.redisUrl,
        EVENTS_REDIS_PREFIX: prefix,
      }
    : {};
  const feedEnv: Record<string, string> = {};
  const subgraphEnv: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    feedEnv[`EVENTS_FEED_${name.toUpperCase()}_URL`] = `${fronts.get(name)}${EVENTS_FEED_PATH}`;
    subgraphEnv[`SUBGRAPH_${name.toUpperCase()}_URL`] = reachedAt(name);
  }
  const accountsUrl = reachedAt('accounts');
  const envOf = (name: ProcessName): Record<string, string> =>
    name === 'gateway'
      ? {
          GATEWAY_SUPERGRAPH_PATH: join(ROOT, 'schema', 'supergraph.graphql'),
          AUTH_JWKS_URL: new URL('/.well-known/jwks.json', accountsUrl).toString(),
          AUTH_PRINCIPAL_STATUS_URL: new URL('/internal/principal-status', accountsUrl).toString(),
          AUTH_REVOCATIONS_URL: new URL('/internal/revocations', accountsUrl).toString(),
          ...subgraphEnv,
        }
      : {
          DB_SQLITE_PATH: join(dataDir, `${name}.sqlite`),
          AUTH_SIGNING_KEY_FILE: join(dataDir, 'keys', 'accounts-signing-key.pem'),
          SEED_DEMO: 'true',
          STORAGE_LOCAL_DIR: join(dataDir, 'documents'),
          MAIL_FOLDER: join(dataDir, 'mail'),
          ...feedEnv,
        };
  const scriptOf = (name: ProcessName) =>
    name === 'gateway'
      ? join(ROOT, 'gateway', 'dist', 'main.js')
      : join(ROOT, 'services', name, 'dist', 'main.js');

  const launch = (name: ProcessName, instance: number, seed: boolean): SuiteProcess => {
    const script = scriptOf(name);
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx tsc -b)`);
    const port = ports.get(name)![instance]!;
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        APOLLO_TELEMETRY_DISABLED: '1',
        HTTP_HOST: host,
        HTTP_PORT: String(port),
        AUTH_CLAIMS_SECRET: claimsSecret,
        ...redisEnv,
        ...envOf(name),
        ...options.env,
        ...options.processEnv?.[name],
        ...options.instanceEnv?.(name, instance),
        // Demo data is written once, by the first start of the first instance.
        ...(name === 'gateway' || seed ? {} : { SEED_DEMO: 'false' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string>((done) =>
      child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
    );
    const proc: SuiteProcess = {
      name,
      instance,
      child,
      url: `http://${host}:${port}/graphql`,
      address: addressOf(name, instance),
      output: () => output,
      exited,
    };
    instances.get(name)![instance] = proc;
    if (instance === 0) processes.set(name, proc);
    return proc;
  };
  try {
    // The gateway needs no subgraph to start (the supergraph is checked in,
    // keys are fetched when first needed): the first instances start at
    // once; the gateway's readiness asks every subgraph's health, so it is
    // ready last. Later instances share the first one's database, migrated
    // and seeded by then; gateways keep no database and all start at first.
    for (let instance = 0; instance < count; instance += 1) {
      const launched =
        instance === 0
          ? PROCESS_NAMES.map((name) => launch(name, 0, true))
          : SUBGRAPH_NAMES.map((name) => launch(name, instance, false));
      if (instance === 0) {
        for (let i = 1; i < count; i += 1) launched.push(launch('gateway', i, false));
      }
      await Promise.all(launched.map((proc) => waitUntilReady(proc, 120_000)));
    }
  } catch (error) {
    killAll();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    processes,
    instances,
    claimsSecret,
    restart: async (proc) => {
      if (isRunning(proc)) throw new Error(`${proc.name} ${proc.instance} is still running`);
      await proc.exited;
      const started = launch(proc.name, proc.instance, false);
      await waitUntilReady(started, 120_000);
      return started;
    },
    stop: async () => {
      await Promise.all(
        [...instances.values()].flat().map(async (proc) => {
          if (isRunning(proc)) proc.child.kill('SIGKILL');
          await proc.exited;
        }),
      );
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
