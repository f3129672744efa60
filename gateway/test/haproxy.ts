import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testing } from '@portico/kit';

/**
 * Debian's HAProxy (2.6) as a child process, in front of several instances
 * of each kind of process: one frontend per kind on a free port, its
 * backend health-checked on /readyz.
 *
 * Retries: a request whose connection failed never reached a server and is
 * sent again, to another server (`option redispatch 1`), whatever its
 * method. Anything else (an empty response, a 503) may come from a server
 * that did the work: HAProxy's manual says to retry those only where the
 * application has replay protection. GraphQL mutations travel as POST and
 * only some carry an idempotency key, so POSTs get connection-failure
 * retries alone (`http-request disable-l7-retry`); GETs (health, keys,
 * files) get the rest too. The client is the one that retries a mutation,
 * with its key.
 *
 * `option http-server-close`: no idle server connection is kept, so none can
 * be reused at the moment the server drops it (a POST lost that way would
 * not be retried).
 */
export interface Haproxy {
  /** `http://127.0.0.1:<port>` of each frontend. */
  urls: ReadonlyMap<string, string>;
  /** Each server's state as HAProxy's checks see it, by `backend/server` (UP, DOWN, …). */
  states(): Promise<Map<string, string>>;
  /** Waits until HAProxy's checks say `server` of `backend` is in `state` (UP or DOWN). */
  waitFor(backend: string, server: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** What HAProxy has written so far (its log on stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** The name HAProxy knows instance `i` (0-based) of a backend by. */
export const serverName = (backend: string, instance: number) => `${backend}-${instance + 1}`;

export function haproxyVersion(): string | null {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return null;
  return /HAProxy version (\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
}

function configFor(
  backends: ReadonlyMap<string, readonly string[]>,
  frontendPorts: ReadonlyMap<string, number>,
  statsPort: number,
): string {
  const lines = [
    'global',
    '  log stderr format raw local0 notice',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    '  timeout connect 2s',
    // Longer than any client's idle socket lifetime (the gateway's pool keeps
    // sockets 4 s), so HAProxy never closes one a client is about to reuse.
    '  timeout client 90s',
    '  timeout http-keep-alive 75s',
    '  timeout http-request 15s',
    '  timeout server 60s',
    // WebSockets (graphql-ws) live as long as their clients keep them.
    '  timeout tunnel 1h',
    '  timeout check 5s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout 502 503 504',
    '  option http-server-close',
    '  default-server inter 500ms fall 2 rise 2',
    '',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    '',
  ];
  for (const [name, addresses] of backends) {
    lines.push(
      `frontend fe_${name}`,
      `  bind 127.0.0.1:${frontendPorts.get(name)}`,
      `  default_backend be_${name}`,
      '',
      `backend be_${name}`,
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  http-request disable-l7-retry if !METH_GET !METH_HEAD',
      ...addresses.map((address, i) => `  server ${serverName(name, i)} ${address} check`),
      '',
    );
  }
  return lines.join('\n');
}

/** Starts HAProxy; fails (never skips) when it is not installed. */
export async function startHaproxy(
  backends: ReadonlyMap<string, readonly string[]>,
): Promise<Haproxy> {
  if (haproxyVersion() === null) {
    throw new Error(
      'haproxy is not installed: apt-get install -y --no-install-recommends haproxy (.ci/run does)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'portico-haproxy-'));
  const frontendPorts = new Map<string, number>();
  for (const name of backends.keys()) frontendPorts.set(name, await testing.freePort());
  const statsPort = await testing.freePort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, configFor(backends, frontendPorts, statsPort));
  const check = spawnSync('haproxy', ['-c', '-q', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`haproxy refused its configuration: ${check.stderr}${check.stdout}`);
  }
  const child: ChildProcess = spawn('haproxy', ['-f', file, '-db'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;

  const states = async () => {
    const response = await fetch(statsUrl, { signal: AbortSignal.timeout(3_000) });
    const [header, ...rows] = (await response.text()).trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const at = (name: string) => columns.indexOf(name);
    const result = new Map<string, string>();
    for (const row of rows) {
      const cells = row.split(',');
      result.set(`${cells[at('pxname')]}/${cells[at('svname')]}`, cells[at('status')] ?? '');
    }
    return result;
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${output}`);
    try {
      await states();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`haproxy stats not answering: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    urls: new Map([...frontendPorts].map(([name, port]) => [name, `http://127.0.0.1:${port}`])),
    states,
    async waitFor(backend, server, state, timeoutMs = 60_000) {
      const key = `be_${backend}/${server}`;
      const until = Date.now() + timeoutMs;
      let seen: string | undefined;
      while (Date.now() < until) {
        seen = (await states()).get(key);
        // "UP 1/2" and "DOWN 1/2" are transitions: not there yet.
        if (seen === state) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${key} not ${state} within ${timeoutMs} ms (last seen ${seen})`);
    },
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
