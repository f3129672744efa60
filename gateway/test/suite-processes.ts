import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EVENTS_FEED_PATH, testing } from '@portico/kit';

const ROOT = resolve(__dirname, '..', '..');

export const SUBGRAPH_NAMES = ['accounts', 'billing', 'sales', 'documents', 'messaging'] as const;
export type ProcessName = (typeof SUBGRAPH_NAMES)[number] | 'gateway';

/** One process of the suite, started from its build as `npm start` starts it. */
export interface SuiteProcess {
  name: ProcessName;
  child: ChildProcess;
  /** Its GraphQL URL. */
  url: string;
  /** What it has written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
}

export interface Suite {
  processes: Map<ProcessName, SuiteProcess>;
  claimsSecret: string;
  /** Kills whatever is still running and removes the data folder. */
  stop(): Promise<void>;
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

/**
 * Every subgraph and the gateway, each its own process from `dist/main.js`,
 * on free ports over SQLite files in a temporary folder, with demo data. With
 * `redisUrl`, rate limits, sign-in limits, events (Redis Streams) and live
 * fan-out all go through that Redis under a prefix of their own.
 */
export async function startSuiteProcesses(
  options: { redisUrl?: string; env?: Record<string, string> } = {},
): Promise<Suite> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-suite-'));
  const claimsSecret = testing.TEST_CLAIMS_SECRET;
  const host = '127.0.0.1';
  const ports = new Map<ProcessName, number>();
  for (const name of [...SUBGRAPH_NAMES, 'gateway'] as const) {
    ports.set(name, await testing.freePort());
  }
  const urlOf = (name: ProcessName) => `http://${host}:${ports.get(name)}/graphql`;
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
  for (const name of SUBGRAPH_NAMES) {
    feedEnv[`EVENTS_FEED_${name.toUpperCase()}_URL`] =
      `http://${host}:${ports.get(name)}${EVENTS_FEED_PATH}`;
  }
  const processes = new Map<ProcessName, SuiteProcess>();
  const launch = (name: ProcessName, script: string, env: Record<string, string>) => {
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx tsc -b)`);
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        APOLLO_TELEMETRY_DISABLED: '1',
        HTTP_HOST: host,
        HTTP_PORT: String(ports.get(name)),
        AUTH_CLAIMS_SECRET: claimsSecret,
        ...redisEnv,
        ...env,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string>((done) =>
      child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
    );
    const proc: SuiteProcess = { name, child, url: urlOf(name), output: () => output, exited };
    processes.set(name, proc);
    return proc;
  };
  const accountsUrl = urlOf('accounts');
  try {
    // The gateway needs no subgraph to start (the supergraph is checked in,
    // keys are fetched when first needed): all six start at once.
    const subgraphEnv: Record<string, string> = {};
    for (const name of SUBGRAPH_NAMES)
      subgraphEnv[`SUBGRAPH_${name.toUpperCase()}_URL`] = urlOf(name);
    const launched = [
      ...SUBGRAPH_NAMES.map((name) =>
        launch(name, join(ROOT, 'services', name, 'dist', 'main.js'), {
          DB_SQLITE_PATH: join(dataDir, `${name}.sqlite`),
          AUTH_SIGNING_KEY_FILE: join(dataDir, 'keys', 'accounts-signing-key.pem'),
          SEED_DEMO: 'true',
          STORAGE_LOCAL_DIR: join(dataDir, 'documents'),
          MAIL_FOLDER: join(dataDir, 'mail'),
          ...feedEnv,
        }),
      ),
      launch('gateway', join(ROOT, 'gateway', 'dist', 'main.js'), {
        GATEWAY_SUPERGRAPH_PATH: join(ROOT, 'schema', 'supergraph.graphql'),
        AUTH_JWKS_URL: new URL('/.well-known/jwks.json', accountsUrl).toString(),
        AUTH_PRINCIPAL_STATUS_URL: new URL('/internal/principal-status', accountsUrl).toString(),
        AUTH_REVOCATIONS_URL: new URL('/internal/revocations', accountsUrl).toString(),
        ...subgraphEnv,
      }),
    ];
    // The gateway's readiness asks every subgraph's health: it is ready last.
    await Promise.all(launched.map((proc) => waitUntilReady(proc, 120_000)));
  } catch (error) {
    for (const proc of processes.values()) proc.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    processes,
    claimsSecret,
    stop: async () => {
      await Promise.all(
        [...processes.values()].map(async (proc) => {
          if (proc.child.exitCode === null && proc.child.signalCode === null) {
            proc.child.kill('SIGKILL');
          }
          await proc.exited;
        }),
      );
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
