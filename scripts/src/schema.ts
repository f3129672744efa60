import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  composeSupergraph,
  printApiSchema,
  readSupergraphManifest,
  type FederatedSchema,
} from '@portico/kit';

/**
 * Prints each subgraph's SDL to schema/subgraphs/<name>.graphql, composes
 * schema/supergraph.graphql and prints schema/api.graphql, the schema clients
 * see (what code generators are pointed at). With --check, writes nothing and exits 1 when a
 * checked-in file differs from what the code produces.
 */
export async function buildSchemaFiles(schemaDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const subgraphs = [];
  for (const entry of readSupergraphManifest(schemaDir)) {
    // Each subgraph package exports the same `buildSchema()`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(entry.package) as { buildSchema(): Promise<FederatedSchema> };
    const { sdl } = await mod.buildSchema();
    files.set(join('subgraphs', `${entry.name}.graphql`), `${sdl.trim()}\n`);
    subgraphs.push({ name: entry.name, sdl, routingUrl: entry.routingUrl });
  }
  const supergraph = `${composeSupergraph(subgraphs).trim()}\n`;
  files.set('supergraph.graphql', supergraph);
  files.set('api.graphql', `${printApiSchema(supergraph).trim()}\n`);
  return files;
}

async function main(): Promise<void> {
  const schemaDir = resolve(__dirname, '..', '..', 'schema');
  const check = process.argv.includes('--check');
  const files = await buildSchemaFiles(schemaDir);
  const stale: string[] = [];
  for (const [relative, content] of files) {
    const path = join(schemaDir, relative);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current === content) continue;
    stale.push(relative);
    if (!check) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`stale schema files (run npm run schema): ${stale.join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    stale.length === 0 ? 'schema files are up to date\n' : `wrote ${stale.join(', ')}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
