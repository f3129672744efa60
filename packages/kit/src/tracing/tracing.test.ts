import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { createDataSource } from '../db/data-source';
import { createMemoryTraces, startOtlpReceiver, type OtlpReceiver } from '../testing/traces';
import { readTracingConfig } from './tracing-config';
import { startTracing, withRequestId } from './tracing';

/**
 * The OTLP exporters load node:http with a dynamic import(), which jest's
 * CommonJS sandbox cannot run: the export itself is checked in a child
 * process over the build, as a service would run it.
 */
function exportOneSpan(env: Record<string, string>): Promise<number | null> {
  const kitDist = join(__dirname, '..', '..', 'dist', 'index.js');
  if (!existsSync(kitDist)) throw new Error(`${kitDist} is missing: build first (npx tsc -b)`);
  const script = `
    const kit = require(${JSON.stringify(kitDist)});
    const tracing = kit.startTracing(kit.readTracingConfig(process.env, 'portico-test'));
    tracing.tracer.startSpan('work', { attributes: { n: 3 } }).end();
    tracing.shutdown().then(() => process.exit(0));
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    child.once('exit', (code) => resolve(code));
  });
}

describe('startTracing', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it('exports OTLP/HTTP JSON with the resource from config as the process shuts down', async () => {
    const code = await exportOneSpan({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Far longer than the test: only the flush at shutdown can deliver.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    expect(code).toBe(0);
    expect(receiver.spans()).toEqual([
      expect.objectContaining({
        service: 'portico-test',
        name: 'work',
        kind: 'internal',
        attributes: { n: 3 },
      }),
    ]);
  });

  it('speaks OTLP/HTTP protobuf by default, to the traces path', async () => {
    const code = await exportOneSpan({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(code).toBe(0);
    expect(receiver.requests).toEqual([
      { path: '/v1/traces', contentType: 'application/x-protobuf' },
    ]);
  });

  it('is the no-op API when off, and exports nothing even with an endpoint set', async () => {
    const tracing = startTracing(readTracingConfig({}, 'portico-test'));
    expect(tracing.enabled).toBe(false);
    expect(tracing.tracer.startSpan('work').isRecording()).toBe(false);
    await tracing.shutdown();
    const code = await exportOneSpan({
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '0',
    });
    expect(code).toBe(0);
    expect(receiver.requests).toEqual([]);
  });
});

describe('SQL spans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-sql-spans-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records statements run inside a traced request, with placeholders and no values', async () => {
    const traces = createMemoryTraces();
    const tracing = traces.tracingFor('test');
    const dataSource = createDataSource(
      { driver: 'sqlite', path: join(dir, 'spans.sqlite') },
      { entities: [], migrations: [], tracing },
    );
    await dataSource.initialize();
    try {
      await dataSource.query('CREATE TABLE secrets (id TEXT PRIMARY KEY, value TEXT)');
      // Outside any request: background work makes no span.
      await dataSource.query('INSERT INTO secrets VALUES (?, ?)', ['a', 'outside-value']);
      expect(traces.spans()).toEqual([]);

      const request = tracing.tracer.startSpan('request');
      const ctx = withRequestId(trace.setSpan(context.active(), request), 'req-1');
      await context.with(ctx, async () => {
        await dataSource.query('INSERT INTO secrets VALUES (?, ?)', ['b', 'hunter2-value']);
        await expect(
          dataSource.query('INSERT INTO secrets VALUES (?, ?)', ['b', 'duplicate-value']),
        ).rejects.toThrow();
      });
      request.end();
      const [inserted, failed] = traces.spans().filter((s) => s.name === 'INSERT');
      expect(inserted).toMatchObject({
        kind: 'client',
        parentSpanId: request.spanContext().spanId,
        status: 'unset',
        attributes: {
          'db.system': 'sqlite',
          'db.operation': 'INSERT',
          'db.query.text': 'INSERT INTO secrets VALUES (?, ?)',
          'portico.request_id': 'req-1',
        },
      });
      expect(failed).toMatchObject({
        status: 'error',
        attributes: { 'error.type': 'SQLITE_CONSTRAINT_PRIMARYKEY' },
      });
      const text = JSON.stringify(traces.spans());
      expect(text).not.toContain('hunter2-value');
      expect(text).not.toContain('duplicate-value');
      expect(text).not.toContain('UNIQUE constraint');
    } finally {
      await dataSource.destroy();
      await tracing.shutdown();
    }
  });
});
