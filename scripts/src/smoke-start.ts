import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Checks the README's start command as a user would run it: `npm start` on
 * embedded defaults into an empty data folder, then a sign-in and a signed-in
 * `viewer` query through the gateway within 60 s of the launch.
 */
const ROOT = resolve(__dirname, '..', '..');
const DEADLINE_MS = 60_000;

async function post(url: string, query: string, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-smoke-'));
  const started = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORTICO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    const url = await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error('no "ready" line within 60 s')), DEADLINE_MS);
      const check = () => {
        const match = /GraphQL gateway: (\S+)/.exec(output);
        if (match?.[1] && output.includes('Portico is ready')) {
          clearTimeout(timer);
          resolvePromise(match[1]);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const signIn = await post(
      url,
      'mutation { signIn(input: { email: "alice@acme.example", password: "acme-demo-password" }) { accessToken } }',
    );
    const token = (signIn.data as { signIn?: { accessToken?: string } } | undefined)?.signIn
      ?.accessToken;
    if (!token) throw new Error(`sign-in failed: ${JSON.stringify(signIn)}`);
    const viewer = await post(url, '{ viewer { kind customer { companyName } } }', token);
    const expected = {
      viewer: { kind: 'CONTACT', customer: { companyName: 'Acme Supplies Ltd' } },
    };
    if (JSON.stringify(viewer.data) !== JSON.stringify(expected)) {
      throw new Error(`unexpected viewer answer: ${JSON.stringify(viewer)}`);
    }
    const invoices = await post(
      url,
      '{ invoices(first: 5) { nodes { number customer { companyName } } } }',
      token,
    );
    const nodes =
      (invoices.data as { invoices?: { nodes?: Array<{ customer: { companyName: string } }> } })
        ?.invoices?.nodes ?? [];
    if (nodes.length === 0 || nodes.some((n) => n.customer.companyName !== 'Acme Supplies Ltd')) {
      throw new Error(`unexpected invoices answer: ${JSON.stringify(invoices)}`);
    }
    const sales = await post(
      url,
      '{ quotes(first: 5) { nodes { number customer { companyName } } } purchaseOrders(first: 5) { nodes { number } } }',
      token,
    );
    const salesData = sales.data as
      | {
          quotes?: { nodes?: Array<{ customer: { companyName: string } }> };
          purchaseOrders?: { nodes?: unknown[] };
        }
      | undefined;
    const quotes = salesData?.quotes?.nodes ?? [];
    const orders = salesData?.purchaseOrders?.nodes ?? [];
    if (
      quotes.length === 0 ||
      orders.length === 0 ||
      quotes.some((q) => q.customer.companyName !== 'Acme Supplies Ltd')
    ) {
      throw new Error(`unexpected quotes and orders answer: ${JSON.stringify(sales)}`);
    }
    const shared = await post(
      url,
      '{ documents(first: 20) { nodes { title downloadUrl currentVersion { sha256 } } } }',
      token,
    );
    const documents =
      (
        shared.data as
          | {
              documents?: {
                nodes?: Array<{ downloadUrl: string; currentVersion: { sha256: string } }>;
              };
            }
          | undefined
      )?.documents?.nodes ?? [];
    const first = documents[0];
    if (!first) throw new Error(`unexpected documents answer: ${JSON.stringify(shared)}`);
    const file = Buffer.from(await (await fetch(first.downloadUrl)).arrayBuffer());
    if (
      file.subarray(0, 5).toString() !== '%PDF-' ||
      createHash('sha256').update(file).digest('hex') !== first.currentVersion.sha256
    ) {
      throw new Error(`a shared document did not download as stored (${file.length} bytes)`);
    }
    const talk = await post(
      url,
      '{ viewer { customer { conversation { comments { nodes { kind author { name } } } } } } }',
      token,
    );
    const comments =
      (
        talk.data as
          | {
              viewer?: {
                customer?: {
                  conversation?: {
                    comments?: { nodes?: Array<{ kind: string; author: { name: string } | null }> };
                  };
                };
              };
            }
          | undefined
      )?.viewer?.customer?.conversation?.comments?.nodes ?? [];
    if (!comments.some((c) => c.kind === 'MESSAGE' && c.author?.name)) {
      throw new Error(`unexpected conversation answer: ${JSON.stringify(talk)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    if (seconds * 1000 > DEADLINE_MS) throw new Error(`viewer answered only after ${seconds} s`);
    process.stdout.write(
      `smoke: npm start answered a signed-in viewer query ${seconds.toFixed(1)} s after launch; ${nodes.length} demo invoices joined with their customer, ${quotes.length} quotes, ${orders.length} orders, ${documents.length} shared documents (one downloaded, SHA-256 as stored) and the business's welcome in the general conversation, its author named by accounts\n`,
    );
  } finally {
    stop();
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
