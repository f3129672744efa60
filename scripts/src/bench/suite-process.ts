import { execFileSync } from 'node:child_process';

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

/** The pid of the process whose command line ends with `script`. */
export function pidOf(script: string): number {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (args.join(' ').endsWith(script)) return Number(pid);
  }
  throw new Error(`no process runs ${script}`);
}
