import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pidOf, postGraphQL, signInDemo } from './suite-process';

/**
 * `npm run bench:upload`: the whole suite as `npm start` runs it (its own
 * processes, embedded defaults, free ports), then one large file shared by
 * staff and uploaded through the gateway as a stream, while the resident
 * memory of the documents and gateway processes is sampled every 100 ms.
 * The customer then downloads it and the SHA-256 is compared. Size:
 * `BENCH_UPLOAD_MB` (default 200).
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const MIB = 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** `size` bytes of a PDF-looking body, made on the fly in 1 MiB chunks (never held whole). */
function generated(size: number, hash: ReturnType<typeof createHash>): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = Buffer.alloc(MIB, 0x20);
  return Readable.toWeb(
    Readable.from(
      (function* () {
        while (sent < size) {
          const part =
            sent === 0 ? Buffer.concat([Buffer.from('%PDF-1.7\n'), chunk]).subarray(0, MIB) : chunk;
          const piece = part.subarray(0, Math.min(part.length, size - sent));
          sent += piece.length;
          hash.update(piece);
          yield piece;
        }
      })(),
    ),
  ) as ReadableStream<Uint8Array>;
}

async function main(): Promise<void> {
  const sizeMb = Number(process.env.BENCH_UPLOAD_MB ?? 200);
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-upload-bench-'));
  const ports: Record<string, string> = {};
  for (const name of ['GATEWAY', 'ACCOUNTS', 'BILLING', 'SALES', 'DOCUMENTS']) {
    ports[`${name}_PORT`] = String(await freePort());
  }
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'dist', 'start.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...ports,
      PORTICO_DATA_DIR: dataDir,
      DOCUMENTS_MAX_FILE_MB: String(Math.max(512, sizeMb + 1)),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error('not ready within 90 s')), 90_000);
      child.stdout.on('data', () => {
        const match = /GraphQL gateway: (\S+)/.exec(output);
        if (match?.[1] && output.includes('Portico is ready')) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`start exited with ${code}`)));
    });
    const signIn = (mutation: 'signIn' | 'signInStaff', email: string, password: string) =>
      signInDemo(url, mutation, email, password);
    const admin = await signIn('signInStaff', 'admin@portico.example', 'admin-demo-password');
    const alice = await signIn('signIn', 'alice@acme.example', 'acme-demo-password');
    const viewer = (await postGraphQL(url, '{ viewer { customer { id } } }', {}, alice)) as {
      viewer: { customer: { id: string } };
    };
    const shared = (await postGraphQL(
      url,
      'mutation ($i: ShareDocumentInput!) { shareDocument(input: $i) { document { id } upload { url } } }',
      {
        i: {
          customerId: viewer.viewer.customer.id,
          title: 'Large drawing set',
          category: 'OTHER',
          file: { fileName: 'drawings.pdf', contentType: 'application/pdf' },
        },
      },
      admin,
    )) as { shareDocument: { document: { id: string }; upload: { url: string } } };
    const documentsPid = pidOf(join('services', 'documents', 'dist', 'main.js'));
    const gatewayPid = pidOf(join('gateway', 'dist', 'main.js'));
    const baseline = { documents: rssMib(documentsPid), gateway: rssMib(gatewayPid) };
    const peak = { ...baseline };
    const sampler = setInterval(() => {
      peak.documents = Math.max(peak.documents, rssMib(documentsPid));
      peak.gateway = Math.max(peak.gateway, rssMib(gatewayPid));
    }, 100);
    const hash = createHash('sha256');
    const started = Date.now();
    const answer = await fetch(shared.shareDocument.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: generated(sizeMb * MIB, hash),
      duplex: 'half',
    } as RequestInit);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const stored = (await answer.json()) as { sha256?: string; size?: number };
    const sent = hash.digest('hex');
    if (answer.status !== 201 || stored.sha256 !== sent) {
      throw new Error(`upload answered ${answer.status} ${JSON.stringify(stored)}`);
    }
    const link = (await postGraphQL(
      url,
      'query ($id: ID!) { document(id: $id) { downloadUrl } }',
      { id: shared.shareDocument.document.id },
      alice,
    )) as { document: { downloadUrl: string } };
    const download = await fetch(link.document.downloadUrl);
    const back = createHash('sha256');
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
      back.update(chunk);
    }
    const round = back.digest('hex');
    const grew = (p: keyof typeof peak) => (peak[p] - baseline[p]).toFixed(1);
    process.stdout.write(
      [
        `upload: ${sizeMb} MiB through the gateway in ${seconds.toFixed(1)} s (${(sizeMb / seconds).toFixed(0)} MiB/s), SHA-256 ${sent === round ? 'equal after download' : 'DIFFERENT after download'}`,
        `  documents RSS: ${baseline.documents.toFixed(1)} MiB before, peak ${peak.documents.toFixed(1)} MiB (+${grew('documents')})`,
        `  gateway RSS:   ${baseline.gateway.toFixed(1)} MiB before, peak ${peak.gateway.toFixed(1)} MiB (+${grew('gateway')})`,
        '',
      ].join('\n'),
    );
    if (sent !== round) process.exitCode = 1;
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:upload: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
