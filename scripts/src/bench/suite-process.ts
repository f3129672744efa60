import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/*
 * What the benchmarks that start the whole suite (`npm start`'s launcher)
 * use to talk to it and to find its processes.
 */

/** POSTs a GraphQL operation; the `data`, or throws with the answer. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body).slice(0, 500));
  return body.data;
}

/**
 * A demo user's access token: `signIn` for a contact, `signInStaff` for staff.
 * The benches sign in through the gateway as the portal would.
 */
export async function signInDemo(
  url: string,
  mutation: 'signIn' | 'signInStaff',
  email: string,
  password: string,
): Promise<string> {
  const data = (await postGraphQL(
    url,
    `mutation ($i: SignInInput!) { ${mutation}(input: $i) { accessToken } }`,
    { i: { email, password } },
  )) as Record<string, { accessToken: string }>;
  return data[mutation]!.accessToken;
}

/** The pid of the process whose command line ends with `script`. */
export function pidOf(script: string): number {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (args.join(' ').endsWith(script)) return Number(pid);
  }
  throw new Error(`no process runs ${script}`);
}

/** A compiled entry point of the repository as a process of its own; stderr passes through. */
export function launch(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', process.env.BENCH_CHILD_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
}

/** Resolves once `url` answers 2xx, polling; rejects after `timeoutMs`. */
export function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      fetch(url)
        .then((r) => (r.ok ? resolvePromise() : retry()))
        .catch(retry);
    };
    const retry = () =>
      Date.now() > deadline ? reject(new Error(`${url} not ready`)) : setTimeout(attempt, 100);
    attempt();
  });
}
