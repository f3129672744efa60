import { randomUUID } from 'node:crypto';
import { buildSchema } from 'graphql';
import { CLAIMS_HEADER, encodeClaims } from '../auth/claims';
import { codedError, ErrorCode } from '../errors';
import { startSubgraphServer, type RunningSubgraph } from './subgraph-server';

const SECRET = 'a-test-claims-secret-of-at-least-32-characters';

describe('subgraph server logs', () => {
  let server: RunningSubgraph;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const schema = buildSchema('type Query { broken: String, refused: String }');
    const root = schema.getQueryType()!.getFields();
    root.broken!.resolve = () => {
      throw new Error('SQLITE_ERROR: no such table: invoices');
    };
    root.refused!.resolve = () => {
      throw codedError(ErrorCode.Forbidden, 'Staff only');
    };
    server = await startSubgraphServer({
      name: 'test',
      schema,
      claimsSecret: SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      writeLog: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
  });
  afterAll(() => server?.close());

  const ask = async (query: string, requestId: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CLAIMS_HEADER]: encodeClaims({ kind: 'anonymous' }, SECRET, { requestId }),
      },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { errors?: Array<{ message: string }> };
  };

  it('logs a masked error with its real message and stack under the request id', async () => {
    const requestId = randomUUID();
    const body = await ask('query Dashboard { broken }', requestId);
    expect(body.errors?.[0]?.message).toBe('Internal server error');
    expect(lines.filter((l) => l.requestId === requestId)).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'test',
        msg: 'masked error',
        operationName: 'Dashboard',
        path: ['broken'],
        error: 'SQLITE_ERROR: no such table: invoices',
        stack: expect.stringContaining('subgraph-server.test.ts'),
      }),
    ]);
  });

  it('does not log coded errors, whose message the client already has', async () => {
    const requestId = randomUUID();
    const body = await ask('{ refused }', requestId);
    expect(body.errors?.[0]?.message).toBe('Staff only');
    expect(lines.filter((l) => l.requestId === requestId)).toEqual([]);
  });
});
