import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import { preset } from '@graphql-codegen/client-preset';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  parse,
  printSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

/**
 * Typed documents for the example portal client, made by GraphQL Code
 * Generator's client preset from the operations in
 * examples/portal-client/operations and a schema: schema/api.graphql by
 * default, or a running gateway's introspection (`--url <graphql url>`, with
 * `--token <access token>` for a principal allowed to introspect). Writes
 * examples/portal-client/src/gql/; with --check writes nothing and exits 1
 * when the checked-in files differ.
 */
const ROOT = resolve(__dirname, '..', '..');
export const CLIENT_DIR = join(ROOT, 'examples', 'portal-client');
const OUTPUT_DIR = join(CLIENT_DIR, 'src', 'gql');

/** The schema a running gateway answers to the standard introspection query. */
export async function introspectSchema(url: string, token?: string): Promise<GraphQLSchema> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await response.json()) as { data?: IntrospectionQuery; errors?: unknown };
  if (!body.data) throw new Error(`introspection failed: ${JSON.stringify(body.errors)}`);
  return buildClientSchema(body.data);
}

export function apiSchema(): GraphQLSchema {
  return buildSchema(readFileSync(join(ROOT, 'schema', 'api.graphql'), 'utf8'));
}

/** Generated file (relative to the client folder) → content. */
export async function generateClientTypes(schema: GraphQLSchema): Promise<Map<string, string>> {
  const operationsDir = join(CLIENT_DIR, 'operations');
  const documents = readdirSync(operationsDir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => {
      const location = join(operationsDir, name);
      const rawSDL = readFileSync(location, 'utf8');
      return { location: relative(CLIENT_DIR, location), document: parse(rawSDL), rawSDL };
    });
  const schemaAst = parse(printSchema(schema));
  const sections = await preset.buildGeneratesSection({
    baseOutputDir: `${OUTPUT_DIR}/`,
    schema: schemaAst,
    schemaAst: schema,
    documents,
    config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTimeISO: 'string' } },
    presetConfig: { fragmentMasking: false },
    plugins: [],
    pluginMap: {},
  });
  const files = new Map<string, string>();
  for (const section of sections) {
    files.set(relative(CLIENT_DIR, section.filename), await codegen(section));
  }
  return files;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const url = option('--url');
  const schema = url ? await introspectSchema(url, option('--token')) : apiSchema();
  const files = await generateClientTypes(schema);
  const stale: string[] = [];
  for (const [file, content] of files) {
    const path = join(CLIENT_DIR, file);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current === content) continue;
    stale.push(file);
    if (!args.includes('--check')) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (args.includes('--check') && stale.length > 0) {
    process.stderr.write(`stale client types (run npm run client-types): ${stale.join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    stale.length === 0 ? 'client types are up to date\n' : `wrote ${stale.join(', ')}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
