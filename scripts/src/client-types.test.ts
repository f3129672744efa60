import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiSchema, CLIENT_DIR, generateClientTypes } from './client-types';

describe('the example portal client', () => {
  it('has typed documents that match its operations and schema/api.graphql (run `npm run client-types` when this fails)', async () => {
    const files = await generateClientTypes(apiSchema());
    expect([...files.keys()].sort()).toEqual([
      'src/gql/gql.ts',
      'src/gql/graphql.ts',
      'src/gql/index.ts',
    ]);
    for (const [file, content] of files) {
      const checkedIn = readFileSync(join(CLIENT_DIR, file), 'utf8');
      expect({ file, content: checkedIn }).toEqual({ file, content });
    }
    expect(files.get('src/gql/graphql.ts')).toMatch(/export type DashboardQuery = /);
  });
});
