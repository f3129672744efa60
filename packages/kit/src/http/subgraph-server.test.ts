import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { buildSchema } from 'graphql';
import { CLAIMS_HEADER, encodeClaims } from '../auth/claims';
import { codedError, ErrorCode } from '../errors';
import { sendJson } from './graphql-handler';
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

describe('subgraph server file routes', () => {
  let server: RunningSubgraph;
  let base: string;
  /** What each upload handler read, settled when it has finished. */
  const uploads: Array<Promise<{ bytes: number; error?: string }>> = [];
  const FILE = Buffer.from('%PDF-1.7 a small file\n');
  beforeAll(async () => {
    server = await startSubgraphServer({
      name: 'test',
      schema: buildSchema('type Query { ok: String }'),
      claimsSecret: SECRET,
      host: '127.0.0.1',
      port: 0,
      createContext: (meta) => meta,
      writeLog: () => undefined,
      // Long enough that a busy machine's stalls never look like a stopped upload.
      bodyIdleTimeoutMs: 3_000,
      routes: {
        '/files/report.pdf': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': FILE.length });
          res.end(FILE);
        },
        // Answers after more than the idle limit, then sends its body slowly.
        '/files/late.txt': (_req, res) => {
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4 });
            res.write('ab');
            setTimeout(() => res.end('cd'), 3_500);
          }, 3_500);
        },
      },
      uploadRoutes: {
        '/files/upload': (req, res) => {
          const handled = (async () => {
            let bytes = 0;
            try {
              for await (const chunk of req) bytes += (chunk as Buffer).length;
            } catch (error) {
              // Node's stream errors come from another realm under jest: no instanceof.
              return { bytes, error: (error as Error).message };
            }
            sendJson(res, 201, { bytes });
            return { bytes };
          })();
          uploads.push(handled);
          return handled.then(() => undefined);
        },
      },
    });
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(() => server?.close());

  /** A PUT from a raw client that sends `chunks` one every `everyMs`, then ends (or not). */
  const slowPut = (chunks: number, everyMs: number, end: boolean) =>
    new Promise<{ status?: number; body: string; error?: string }>((resolve) => {
      const req = request(`${base}/files/upload`, { method: 'PUT' });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', (error) => resolve({ body: '', error: error.message }));
      let sent = 0;
      const tick = setInterval(() => {
        req.write(Buffer.alloc(1024, 1));
        sent += 1;
        if (sent === chunks) {
          clearInterval(tick);
          if (end) req.end();
        }
      }, everyMs);
    });

  it('answers HEAD on a GET route with its headers and no body', async () => {
    const head = await fetch(`${base}/files/report.pdf`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/pdf');
    expect(head.headers.get('content-length')).toBe(String(FILE.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const get = await fetch(`${base}/files/report.pdf`);
    expect(Buffer.from(await get.arrayBuffer()).equals(FILE)).toBe(true);
  });

  it('does not hold a download to the body idle limit, which is for request bodies', async () => {
    const response = await fetch(`${base}/files/late.txt`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('abcd');
  });

  it('streams a PUT body to an upload route', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const response = await fetch(`${base}/files/upload`, { method: 'PUT', body });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ bytes: body.length });
  });

  it('refuses a method a route does not take with 405 and an unknown path with 404', async () => {
    const put = await fetch(`${base}/files/report.pdf`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    const get = await fetch(`${base}/files/upload`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('PUT');
    const unknown = await fetch(`${base}/files/other`, { method: 'PUT', body: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('lets an upload that keeps moving run past the idle timeout', async () => {
    // 60 chunks 100 ms apart: twice the 3 s idle timeout in all.
    const answer = await slowPut(60, 100, true);
    expect(answer).toEqual({ status: 201, body: JSON.stringify({ bytes: 60 * 1024 }) });
  });

  it('cuts an upload that stops moving, and its handler sees the body fail', async () => {
    const before = uploads.length;
    const answer = await slowPut(2, 10, false);
    expect(answer.status).toBeUndefined();
    expect(answer.error).toMatch(/socket hang up|ECONNRESET/);
    expect(await uploads[before]).toEqual({ bytes: 2 * 1024, error: 'aborted' });
  });
});

describe('subgraph server shutdown', () => {
  it('leaves SIGTERM and SIGINT to the process, even outside tests', async () => {
    // Apollo Server adds its own signal handlers unless NODE_ENV is "test";
    // with them, the process's shutdown stopped it twice and never exited.
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    let server: RunningSubgraph | undefined;
    try {
      server = await startSubgraphServer({
        name: 'signals',
        schema: buildSchema('type Query { ok: String }'),
        claimsSecret: SECRET,
        host: '127.0.0.1',
        port: 0,
        createContext: (meta) => meta,
        writeLog: () => undefined,
      });
      expect({
        term: process.listenerCount('SIGTERM'),
        int: process.listenerCount('SIGINT'),
      }).toEqual(before);
    } finally {
      process.env.NODE_ENV = nodeEnv;
      await server?.close();
    }
  });
});
