import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, printSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';

export interface SubgraphEntry {
  name: string;
  /** Workspace package whose `buildSchema()` is the source of the subgraph's SDL. */
  package: string;
  /** Routing URL written into the supergraph; the gateway's config overrides it. */
  routingUrl: string;
}

/** Reads `schema/supergraph.yaml`, the composition input (one entry per subgraph). */
export function readSupergraphManifest(schemaDir: string): SubgraphEntry[] {
  const manifest = parseYaml(readFileSync(join(schemaDir, 'supergraph.yaml'), 'utf8')) as {
    subgraphs?: Record<string, { package?: string; routing_url?: string }>;
  };
  return Object.entries(manifest.subgraphs ?? {}).map(([name, entry]) => {
    if (!entry.package || !entry.routing_url) {
      throw new Error(`schema/supergraph.yaml: subgraph ${name} needs package and routing_url`);
    }
    return { name, package: entry.package, routingUrl: entry.routing_url };
  });
}

/** Composes subgraph SDLs into the supergraph with @apollo/composition; throws on any error. */
export function composeSupergraph(
  subgraphs: Array<{ name: string; sdl: string; routingUrl: string }>,
): string {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.sdl), url: s.routingUrl })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  }
  return result.supergraphSdl;
}

/**
 * The schema clients see, printed from a composed supergraph: no `join__*` or
 * `link__*` types, no federation directives, descriptions kept. Code
 * generators and IDEs read it without the gateway running.
 */
export function printApiSchema(supergraphSdl: string): string {
  return printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema());
}
