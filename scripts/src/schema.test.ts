import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, print, type DirectiveNode } from 'graphql';
import { buildSchemaFiles } from './schema';

const AUTHZ = new Set(['signedIn', 'staff', 'scopes', 'customerScoped']);

/** Type name → its Portico authorization directives, printed, for each object type of an SDL. */
function typeRules(sdl: string): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  for (const definition of parse(sdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION
    ) {
      continue;
    }
    const own = (definition.directives ?? [])
      .filter((d: DirectiveNode) => AUTHZ.has(d.name.value))
      .map((d: DirectiveNode) => print(d));
    rules.set(definition.name.value, [...(rules.get(definition.name.value) ?? []), ...own]);
  }
  return rules;
}

const SCHEMA_DIR = join(__dirname, '..', '..', 'schema');

describe('checked-in schema files', () => {
  let files: Map<string, string>;
  beforeAll(async () => {
    files = await buildSchemaFiles(SCHEMA_DIR);
  });

  it('match what the code prints and composes (run `npm run schema` when this fails)', () => {
    expect(files.size).toBeGreaterThanOrEqual(2);
    for (const [relative, content] of files) {
      const checkedIn = readFileSync(join(SCHEMA_DIR, relative), 'utf8');
      expect({ file: relative, content: checkedIn }).toEqual({ file: relative, content });
    }
  });

  it("keep Portico's authorization directives in the composed supergraph", () => {
    const supergraph = readFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8');
    expect(supergraph).toContain('@link(url: "https://portico.dev/authz/v1.0"');
    for (const name of ['signedIn', 'staff', 'scopes', 'customerScoped']) {
      expect(supergraph).toMatch(new RegExp(`^directive @${name}\\b`, 'm'));
    }
    expect(supergraph).toMatch(/customer\(id: ID!\): Customer! .*@customerScoped\(arg: "id"\)/);
    expect(supergraph).toMatch(/customers\([^)]*\): CustomerPage! .*@staff/s);
  });

  it('has every subgraph that defines a type guarded as a whole carry the same rule', () => {
    // The gateway applies a type's rule to every field of the type, whichever
    // subgraph resolves it; a subgraph enforces only the rules of its own SDL.
    const supergraph = typeRules(readFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8'));
    const mismatches: string[] = [];
    for (const [relative, content] of files) {
      if (!relative.startsWith('subgraphs/')) continue;
      for (const [type, rules] of typeRules(content)) {
        const composed = supergraph.get(type) ?? [];
        if (JSON.stringify([...rules].sort()) !== JSON.stringify([...composed].sort())) {
          mismatches.push(
            `${relative} ${type}: ${rules.join(' ')} (composed: ${composed.join(' ')})`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(supergraph.get('Payment')).toEqual(['@scopes(all: ["payments:read"])']);
  });

  it('publish the client schema without federation internals, for code generators', () => {
    const api = readFileSync(join(SCHEMA_DIR, 'api.graphql'), 'utf8');
    expect(api).not.toMatch(/join__|link__|_Entity|_Service|@link|@key/);
    const schema = buildSchema(api);
    expect(schema.getQueryType()?.getFields()).toHaveProperty('invoice');
    expect(schema.getMutationType()?.getFields()).toHaveProperty('signIn');
    expect(schema.getType('Invoice')?.description).toBe(
      'An invoice sent to a customer. Drafts are visible to staff only.',
    );
  });
});
