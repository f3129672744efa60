import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSupergraphManifest } from '@portico/kit';
import { checkPortFree, loadStartConfig } from './start-config';
import { DEMO_SIGN_INS } from '@portico/accounts';

/**
 * `npm start`: every subgraph and the gateway on this machine, SQLite files
 * under ./data, demo data seeded, URLs and demo sign-ins printed. Each service
 * runs as its own process, as in production.
 */
const ROOT = resolve(__dirname, '..', '..');

/** One secret per installation, kept in ./data so services restarted alone still agree. */
function claimsSecret(dataDir: string): string {
  const path = join(dataDir, 'secrets', 'claims-secret');
  if (!existsSync(path)) {
    mkdirSync(join(dataDir, 'secrets'), { recursive: true });
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const subgraphs = readSupergraphManifest(join(ROOT, 'schema'));
  const config = loadStartConfig(ROOT, process.env, subgraphs);
  // Before anything starts: a readiness probe answered by a process that
  // already holds a port would otherwise print "ready" for a stack that is not ours.
  for (const [name, port] of config.subgraphPorts) {
    await checkPortFree(config.host, port, name, `${name.toUpperCase()}_PORT`);
  }
  await checkPortFree(config.host, config.gatewayPort, 'gateway', 'GATEWAY_PORT');
  // `npm run reset`: fresh demo data. Only once every port was found free, so
  // no running copy has these databases open; secrets and keys are kept.
  if (process.argv.includes('--reset')) {
    for (const subgraph of subgraphs) {
      for (const suffix of ['', '-wal', '-shm']) {
        rmSync(join(config.dataDir, `${subgraph.name}.sqlite${suffix}`), { force: true });
      }
    }
    for (const folder of ['mail', 'documents']) {
      rmSync(join(config.dataDir, folder), { recursive: true, force: true });
    }
    process.stdout.write(`Demo data in ${config.dataDir} reset\n`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = claimsSecret(config.dataDir);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 12_000).unref();
    void Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    ).then(() => process.exit(code));
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const launch = (name: string, script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`${name} exited unexpectedly (${code}); stopping\n`);
        stopAll(1);
      }
    });
    children.push(child);
    return child;
  };

  // Events between services over each producer's own feed (no broker):
  // every service is told where every other one serves its events.
  const feedEnv: Record<string, string> = {};
  for (const [name, port] of config.subgraphPorts) {
    feedEnv[`EVENTS_FEED_${name.toUpperCase()}_URL`] =
      `http://${config.host}:${port}/internal/events`;
  }
  const subgraphEnv: Record<string, string> = {};
  const subgraphUrls = new Map<string, string>();
  await Promise.all(
    subgraphs.map(async (subgraph) => {
      const url = new URL(subgraph.routingUrl);
      url.hostname = config.host;
      url.port = String(config.subgraphPorts.get(subgraph.name));
      subgraphUrls.set(subgraph.name, url.toString());
      const child = launch(
        subgraph.name,
        join(ROOT, 'services', subgraph.name, 'dist', 'main.js'),
        {
          HTTP_HOST: config.host,
          HTTP_PORT: url.port,
          DB_SQLITE_PATH: join(config.dataDir, `${subgraph.name}.sqlite`),
          AUTH_CLAIMS_SECRET: secret,
          AUTH_SIGNING_KEY_FILE: join(config.dataDir, 'keys', 'accounts-signing-key.pem'),
          SEED_DEMO: 'true',
          PUBLIC_BASE_URL: config.publicBaseUrl,
          // Documents' files, beside the databases (read by documents only).
          STORAGE_LOCAL_DIR: join(config.dataDir, 'documents'),
          // Accounts' outgoing mail (invitations, resets, notifications), where reset clears it.
          MAIL_FOLDER: join(config.dataDir, 'mail'),
          ...feedEnv,
        },
      );
      subgraphEnv[`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`] = url.toString();
      await waitUntilReady(new URL('/readyz', url).toString(), child, 30_000);
    }),
  );
  const accountsUrl = subgraphUrls.get('accounts');
  if (!accountsUrl) throw new Error('schema/supergraph.yaml has no accounts subgraph');
  const gatewayUrl = `http://${config.host}:${config.gatewayPort}/graphql`;
  const gateway = launch('gateway', join(ROOT, 'gateway', 'dist', 'main.js'), {
    HTTP_HOST: config.host,
    HTTP_PORT: String(config.gatewayPort),
    GATEWAY_SUPERGRAPH_PATH: join(ROOT, 'schema', 'supergraph.graphql'),
    AUTH_CLAIMS_SECRET: secret,
    AUTH_JWKS_URL: new URL('/.well-known/jwks.json', accountsUrl).toString(),
    AUTH_PRINCIPAL_STATUS_URL: new URL('/internal/principal-status', accountsUrl).toString(),
    AUTH_REVOCATIONS_URL: new URL('/internal/revocations', accountsUrl).toString(),
    ...subgraphEnv,
  });
  await waitUntilReady(gatewayUrl.replace(/\/graphql$/, '/readyz'), gateway, 30_000);

  const lines = [
    '',
    `Portico is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  GraphQL gateway: ${gatewayUrl}`,
    `  GraphiQL:        ${gatewayUrl} in a browser`,
    `  Data:            ${config.dataDir}`,
    '',
    'Demo sign-ins (mutation → email / password):',
    ...DEMO_SIGN_INS.map(
      (s) => `  ${s.mutation.padEnd(12)} ${s.email.padEnd(24)} ${s.password.padEnd(22)} ${s.who}`,
    ),
    '',
    'Online payments use the sandbox: card 4242424242424242 succeeds, 4000000000000002 is declined,',
    '4000000000009995 has insufficient funds.',
    '',
    'Try it:',
    `  curl -s ${gatewayUrl} -H 'content-type: application/json' \\`,
    `    -d '{"query":"mutation { signIn(input: {email: \\"alice@acme.example\\", password: \\"acme-demo-password\\"}) { accessToken } }"}'`,
    `  curl -s ${gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
    `    -d '{"query":"{ viewer { kind contact { name } customer { companyName } } }"}'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
