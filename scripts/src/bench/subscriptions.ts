import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInt, testing } from '@portico/kit';
import { percentile } from './stats';
import type { Assignment, FromClients, ToClients } from './subscription-clients';
import { pidOf, postGraphQL, signInDemo } from './suite-process';

/**
 * The subscription run: the whole suite as `npm start` runs it (each
 * service its own process, SQLite, demo data), then `BENCH_SUB_SOCKETS`
 * (5,000) graphql-ws sockets on the one gateway, each signed in as one of
 * the demo people and holding one subscription (three in four
 * `commentAdded(threadId)`, one in four `threadActivity(threadId)`) on one of
 * the demo threads its person may follow. The sockets live in
 * `BENCH_SUB_CLIENT_PROCESSES` (2) processes of their own. Every subscriber
 * must first receive a warm-up comment in its thread (that is "held"); then
 * `BENCH_SUB_COMMENTS` (200) comments are posted by staff, one every
 * `BENCH_SUB_INTERVAL_MS` (150), round the threads, and each subscriber's
 * arrival is timed from the post's answer. Memory is read inside the gateway
 * process (garbage collected first, see memory-probe.ts) before the sockets
 * open and once all of them are held.
 */

const ROOT = resolve(__dirname, '..', '..', '..');
const GATEWAY_MAIN = join('gateway', 'dist', 'main.js');
const KIB = 1024;
const MIB = 1024 * 1024;

const COMMENT_ADDED = `subscription ($threadId: ID!) {
  commentAdded(threadId: $threadId) { cursor comment { id body } }
}`;
const THREAD_ACTIVITY = `subscription ($threadId: ID) {
  threadActivity(threadId: $threadId) { cursor change comment { id body } unreadCount }
}`;
const POST = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } } }`;

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

interface Person {
  name: string;
  token: string;
  customer: string | null;
}

interface Thread {
  id: string;
  customer: string;
}

const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a process has used so far, from /proc; 0 where there is none. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

/** The gateway's memory after garbage collection, written by the probe on SIGUSR2. */
async function gatewayMemory(pid: number, file: string): Promise<Memory> {
  const asked = Date.now();
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i += 1) {
    await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(file)) continue;
    try {
      const read = JSON.parse(readFileSync(file, 'utf8')) as Memory & { at: number };
      if (read.at >= asked) return read;
    } catch {
      // being written
    }
  }
  throw new Error('the gateway did not report its memory (is the probe loaded?)');
}

function send(child: ChildProcess, message: ToClients): void {
  child.send(message);
}

function next<T extends FromClients['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromClients, { type: T }>> {
  return new Promise((resolveMessage, reject) => {
    const onMessage = (message: FromClients) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolveMessage(message as Extract<FromClients, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`client process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface SubscriptionRunResult {
  lines: string[];
  seconds: number;
}

export async function subscriptionRun(env: NodeJS.ProcessEnv): Promise<SubscriptionRunResult> {
  const started = Date.now();
  const sockets = readInt(env, 'BENCH_SUB_SOCKETS', 5_000, { min: 1 });
  const comments = readInt(env, 'BENCH_SUB_COMMENTS', 200, { min: 1 });
  const intervalMs = readInt(env, 'BENCH_SUB_INTERVAL_MS', 150, { min: 0 });
  const processes = readInt(env, 'BENCH_SUB_CLIENT_PROCESSES', 2, { min: 1, max: 16 });
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-sub-bench-'));
  const memoryFile = join(dataDir, 'gateway-memory.json');
  const ports: Record<string, string> = {};
  for (const name of ['GATEWAY', 'ACCOUNTS', 'BILLING', 'SALES', 'DOCUMENTS', 'MESSAGING']) {
    ports[`${name}_PORT`] = String(await testing.freePort());
  }
  const probe = join(ROOT, 'scripts', 'dist', 'bench', 'memory-probe.js');
  const stack = spawn(process.execPath, [join(ROOT, 'scripts', 'dist', 'start.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...ports,
      PORTICO_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // The demo has four people; every socket is one of them. The default
      // (20 sockets per principal) is for people, not for a load test.
      GATEWAY_WS_MAX_SOCKETS_PER_PRINCIPAL: String(sockets),
      RATE_LIMIT_CONTACT_PER_MINUTE: '1000000',
      RATE_LIMIT_STAFF_PER_MINUTE: '1000000',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
      BENCH_MEMORY_FILE: memoryFile,
      BENCH_MEMORY_PROCESS: GATEWAY_MAIN,
    },
    // Kept, and printed only if the run fails: once stopped, the services
    // complain about each other's feeds going away.
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let errorOutput = '';
  stack.stderr!.on('data', (chunk: Buffer) => {
    errorOutput = (errorOutput + chunk.toString()).slice(-20_000);
  });
  const clients: ChildProcess[] = [];
  let output = '';
  stack.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error('npm start not ready within 90 s')), 90_000);
      stack.stdout!.on('data', () => {
        const match = /GraphQL gateway: (\S+)/.exec(output);
        if (match?.[1] && output.includes('Portico is ready')) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
      stack.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const signIn = (mutation: 'signIn' | 'signInStaff', email: string, password: string) =>
      signInDemo(url, mutation, email, password);
    const admin = await signIn('signInStaff', 'admin@portico.example', 'admin-demo-password');
    const people: Person[] = [{ name: 'admin', token: admin, customer: null }];
    const threads: Thread[] = [];
    for (const [email, password] of [
      ['alice@acme.example', 'acme-demo-password'],
      ['bob@acme.example', 'acme-demo-password'],
      ['lucia@globex.example', 'globex-demo-password'],
    ] as const) {
      const token = await signIn('signIn', email, password);
      const viewer = (await postGraphQL(
        url,
        '{ viewer { customer { id conversation { id } invoices(first: 4) { nodes { thread { id } } } } } }',
        {},
        token,
      )) as {
        viewer: {
          customer: {
            id: string;
            conversation: { id: string };
            invoices: { nodes: Array<{ thread: { id: string } | null }> };
          };
        };
      };
      const customer = viewer.viewer.customer;
      people.push({ name: email, token, customer: customer.id });
      for (const id of [
        customer.conversation.id,
        ...customer.invoices.nodes.flatMap((n) => (n.thread ? [n.thread.id] : [])),
      ]) {
        if (!threads.some((t) => t.id === id)) threads.push({ id, customer: customer.id });
      }
    }

    // Socket i follows thread i mod T, as one of the people who may.
    const threadOf: number[] = [];
    const assignments: Assignment[] = [];
    const perPrincipal = new Map<string, number>();
    for (let i = 0; i < sockets; i += 1) {
      const t = i % threads.length;
      const thread = threads[t]!;
      const allowed = people.filter((p) => p.customer === null || p.customer === thread.customer);
      const person = allowed[Math.floor(i / threads.length) % allowed.length]!;
      perPrincipal.set(person.name, (perPrincipal.get(person.name) ?? 0) + 1);
      const activity = i % 4 === 3;
      threadOf.push(t);
      assignments.push({
        token: person.token,
        query: activity ? THREAD_ACTIVITY : COMMENT_ADDED,
        variables: { threadId: thread.id },
        field: activity ? 'threadActivity' : 'commentAdded',
      });
    }

    const gatewayPid = pidOf(GATEWAY_MAIN);
    // Warm the subscription path (planning, the upstream socket) before the baseline.
    {
      const warm = fork(join(__dirname, 'subscription-clients.js'), [], { stdio: 'inherit' });
      send(warm, {
        type: 'open',
        url: url.replace(/^http/, 'ws'),
        assignments: assignments.slice(0, 4),
        concurrency: 4,
      });
      await next(warm, 'opened');
      await new Promise((r) => setTimeout(r, 500));
      send(warm, { type: 'close' });
      await new Promise((r) => warm.once('exit', r));
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const before = await gatewayMemory(gatewayPid, memoryFile);

    const wsUrl = url.replace(/^http/, 'ws');
    const shares: Array<{ child: ChildProcess; from: number; to: number }> = [];
    const size = Math.ceil(sockets / processes);
    for (let p = 0; p < processes; p += 1) {
      const child = fork(join(__dirname, 'subscription-clients.js'), [], { stdio: 'inherit' });
      clients.push(child);
      shares.push({ child, from: p * size, to: Math.min(sockets, (p + 1) * size) });
    }
    const openStarted = Date.now();
    const opened = await Promise.all(
      shares.map(async (share) => {
        const reply = next(share.child, 'opened');
        send(share.child, {
          type: 'open',
          url: wsUrl,
          assignments: assignments.slice(share.from, share.to),
          concurrency: 50,
        });
        return reply;
      }),
    );
    const openSeconds = (Date.now() - openStarted) / 1000;
    const openCount = opened.reduce((s, o) => s + o.open, 0);
    const openFailed = opened.reduce((s, o) => s + o.failed, 0);
    const openError = opened.find((o) => o.firstError)?.firstError;

    const report = async () => {
      const replies = await Promise.all(
        shares.map(async (share) => {
          const reply = next(share.child, 'report');
          send(share.child, { type: 'report' });
          return reply;
        }),
      );
      return {
        arrivals: replies.flatMap((r) => r.arrivals),
        open: replies.reduce((s, r) => s + r.open, 0),
        errors: replies.reduce((s, r) => s + r.errors, 0),
        firstError: replies.find((r) => r.firstError)?.firstError,
      };
    };

    // Warm-up comments (#1 … #T), one per thread: a subscriber that receives
    // its thread's is held, subscribed all the way to messaging.
    let number = 0;
    const postComment = async (t: number) => {
      number += 1;
      const mine = number;
      const sent = performance.timeOrigin + performance.now();
      await postGraphQL(
        url,
        POST,
        { input: { threadId: threads[t]!.id, body: `Bench comment #${mine}` } },
        admin,
      );
      return {
        number: mine,
        thread: t,
        sent,
        answered: performance.timeOrigin + performance.now(),
      };
    };
    const warmups: Array<Awaited<ReturnType<typeof postComment>>> = [];
    for (let t = 0; t < threads.length; t += 1) warmups.push(await postComment(t));
    const warmDeadline = Date.now() + 60_000;
    let held = 0;
    for (;;) {
      const seen = await report();
      held = seen.arrivals.filter((a, i) =>
        a?.some(([n]) => n === warmups[threadOf[i]!]!.number),
      ).length;
      if (held === sockets || Date.now() > warmDeadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const heldSeconds = (Date.now() - openStarted) / 1000;
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await gatewayMemory(gatewayPid, memoryFile);

    // The measured comments, paced, round the threads.
    const posts: Array<Awaited<ReturnType<typeof postComment>>> = [];
    const watched = {
      gateway: gatewayPid,
      messaging: pidOf(join('services', 'messaging', 'dist', 'main.js')),
      accounts: pidOf(join('services', 'accounts', 'dist', 'main.js')),
      clients: clients.map((c) => c.pid),
    };
    const cpuOf = () => ({
      gateway: cpuMs(watched.gateway),
      messaging: cpuMs(watched.messaging),
      accounts: cpuMs(watched.accounts),
      clients: watched.clients.reduce<number>((sum, pid) => sum + cpuMs(pid), 0),
    });
    const cpuBefore = cpuOf();
    const postStarted = Date.now();
    for (let k = 0; k < comments; k += 1) {
      const tick = postStarted + k * intervalMs;
      const wait = tick - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      posts.push(await postComment(k % threads.length));
    }
    const postSeconds = (Date.now() - postStarted) / 1000;
    const expectedPer = (i: number) => posts.filter((p) => p.thread === threadOf[i]).length;
    const expected = threadOf.reduce((s, _t, i) => s + expectedPer(i), 0);
    const firstMeasured = posts[0]!.number;
    let final = await report();
    const countMeasured = (r: typeof final) =>
      r.arrivals.reduce((s, a) => s + (a?.filter(([n]) => n >= firstMeasured).length ?? 0), 0);
    const drainDeadline = Date.now() + 30_000;
    while (countMeasured(final) < expected && Date.now() < drainDeadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      final = await report();
    }

    const cpuAfter = cpuOf();
    const answeredOf = new Map(posts.map((p) => [p.number, p]));
    const fromAnswer: number[] = [];
    const fromSent: number[] = [];
    let missing = 0;
    let twice = 0;
    let wrongThread = 0;
    final.arrivals.forEach((arrivals, i) => {
      const seen = new Set<number>();
      for (const [n, at] of arrivals ?? []) {
        if (n < firstMeasured) continue;
        const posted = answeredOf.get(n);
        if (!posted) continue;
        if (posted.thread !== threadOf[i]) wrongThread += 1;
        if (seen.has(n)) {
          twice += 1;
          continue;
        }
        seen.add(n);
        fromAnswer.push(at - posted.answered);
        fromSent.push(at - posted.sent);
      }
      missing += expectedPer(i) - seen.size;
    });
    const perSocket = (key: keyof Memory) => (after[key] - before[key]) / sockets / KIB;
    const ms = (values: number[], p: number) => percentile(values, p).toFixed(1);
    const lines = [
      '',
      `Subscriptions: ${sockets.toLocaleString('en')} idle graphql-ws sockets on one gateway (one subscription each: ${sockets - Math.floor((sockets + 1) / 4)} commentAdded, ${Math.floor((sockets + 1) / 4)} threadActivity), over ${threads.length} demo threads, from ${processes} client processes; principals ${[...perPrincipal].map(([name, n]) => `${name.split('@')[0]} ${n}`).join(', ')} (GATEWAY_WS_MAX_SOCKETS_PER_PRINCIPAL=${sockets} for the run):`,
      `  opened ${openCount} of ${sockets} in ${openSeconds.toFixed(1)} s (${openFailed} refused${openError ? `: ${openError}` : ''}); held (warm-up comment received) ${held} of ${sockets} after ${heldSeconds.toFixed(1)} s; still open at the end ${final.open}`,
      `  ${comments} comments, one every ${intervalMs} ms (posted in ${postSeconds.toFixed(1)} s), ${(sockets / threads.length).toFixed(0)} subscribers per thread: ${fromAnswer.length} of ${expected} deliveries, ${missing} missing, ${twice} twice, ${wrongThread} to another thread's subscriber, ${final.errors} errors${final.firstError ? ` (${final.firstError})` : ''}`,
      '| delivery latency | p50 ms | p95 ms | p99 ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| from the post's answer | ${ms(fromAnswer, 50)} | ${ms(fromAnswer, 95)} | ${ms(fromAnswer, 99)} | ${Math.max(...fromAnswer).toFixed(1)} |`,
      `| from the post's request | ${ms(fromSent, 50)} | ${ms(fromSent, 95)} | ${ms(fromSent, 99)} | ${Math.max(...fromSent).toFixed(1)} |`,
      `  CPU over the posting and delivery, ms per delivery: ${(['gateway', 'messaging', 'accounts', 'clients'] as const).map((k) => `${k} ${((cpuAfter[k] - cpuBefore[k]) / Math.max(1, fromAnswer.length)).toFixed(3)}`).join(', ')}`,
      `  gateway memory (after GC, in its own process): RSS ${(before.rss / MIB).toFixed(1)} → ${(after.rss / MIB).toFixed(1)} MiB, heap used ${(before.heapUsed / MIB).toFixed(1)} → ${(after.heapUsed / MIB).toFixed(1)} MiB, external ${(before.external / MIB).toFixed(1)} → ${(after.external / MIB).toFixed(1)} MiB`,
      `  per idle socket (with its subscription): RSS ${perSocket('rss').toFixed(1)} KiB, heap used ${perSocket('heapUsed').toFixed(1)} KiB, external ${perSocket('external').toFixed(1)} KiB`,
      `  machine load average at the end (1, 5, 15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')}`,
      `  targets: ${sockets.toLocaleString('en')} held ${held === sockets ? 'met' : 'NOT met'}; p95 ≤ 200 ms ${percentile(fromAnswer, 95) <= 200 ? 'met' : 'NOT met'}; ≤ 30 KiB per idle socket (RSS) ${perSocket('rss') <= 30 ? 'met' : 'NOT met'}`,
    ];
    return { lines, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    process.stderr.write(errorOutput);
    throw error;
  } finally {
    for (const child of clients) {
      if (child.connected) send(child, { type: 'close' });
    }
    await Promise.all(
      clients.map(
        (child) =>
          new Promise((r) => {
            if (child.exitCode !== null) return r(null);
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              r(null);
            });
          }),
      ),
    );
    try {
      if (stack.pid) process.kill(-stack.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => (stack.exitCode !== null ? r(null) : stack.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
