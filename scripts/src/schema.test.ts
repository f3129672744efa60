import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { buildSchemaFiles } from './schema';

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
