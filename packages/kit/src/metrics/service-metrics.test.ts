import {
  MAX_OPERATION_LABEL_LENGTH,
  MAX_OPERATION_LABELS,
  ServiceMetrics,
} from './service-metrics';

async function operationLabels(metrics: ServiceMetrics): Promise<Set<string>> {
  const text = await metrics.registry.metrics();
  return new Set(
    [...text.matchAll(/^portico_graphql_requests_total\{[^}]*operation="([^"]*)"/gm)].map(
      (m) => m[1] as string,
    ),
  );
}

describe('ServiceMetrics', () => {
  it('bounds operation names: parsed only, cut to length, capped, the rest as other', async () => {
    const metrics = new ServiceMetrics('test');
    for (let i = 0; i < MAX_OPERATION_LABELS + 50; i++) {
      metrics.recordRequest({ parsed: true, name: `Op${i}` }, 'ok', 0.01, []);
    }
    metrics.recordRequest({ parsed: true, name: 'Op0' }, 'ok', 0.01, []);
    metrics.recordRequest({ parsed: false }, 'refused', 0, ['BAD_REQUEST']);
    metrics.recordRequest({ parsed: true, name: null }, 'ok', 0.01, []);
    const labels = await operationLabels(metrics);
    expect(labels.size).toBe(MAX_OPERATION_LABELS + 3);
    expect(labels.has('other')).toBe(true);
    expect(labels.has('unparsed')).toBe(true);
    expect(labels.has('anonymous')).toBe(true);
    expect(labels.has(`Op${MAX_OPERATION_LABELS}`)).toBe(false);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'portico_graphql_requests_total{operation="Op0",outcome="ok",service="test"} 2',
    );
    expect(text).toContain(
      'portico_graphql_requests_total{operation="other",outcome="ok",service="test"} 50',
    );
  });

  it('cuts long names and refuses names outside GraphQL syntax', async () => {
    const metrics = new ServiceMetrics('test');
    const long = `A${'b'.repeat(200)}`;
    metrics.recordRequest({ parsed: true, name: long }, 'ok', 0.01, []);
    metrics.recordRequest({ parsed: true, name: 'not a name" } evil' }, 'ok', 0.01, []);
    metrics.recordRequest({ parsed: true, name: 'x' }, 'error', 0.01, ['lower-case', 'NOT_FOUND']);
    const labels = await operationLabels(metrics);
    expect(labels).toEqual(new Set([long.slice(0, MAX_OPERATION_LABEL_LENGTH), 'other', 'x']));
    const text = await metrics.registry.metrics();
    expect(text).toContain('portico_graphql_errors_total{code="OTHER",service="test"} 1');
    expect(text).toContain('portico_graphql_errors_total{code="NOT_FOUND",service="test"} 1');
    expect(text).not.toContain('evil');
  });
});

describe('event-loop active time', () => {
  const activeSeconds = async (metrics: ServiceMetrics): Promise<number> => {
    const text = await metrics.registry.metrics();
    const match = /^portico_event_loop_active_seconds_total\{service="test"\} (\S+)$/m.exec(text);
    if (!match?.[1]) throw new Error('no portico_event_loop_active_seconds_total series');
    return Number(match[1]);
  };

  it('grows by the time the loop was kept busy between two scrapes, and not while it waits', async () => {
    const metrics = new ServiceMetrics('test');
    const before = await activeSeconds(metrics);
    const busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil) {
      // Keeps the event loop busy on purpose.
    }
    const afterBusy = await activeSeconds(metrics);
    // Busy for 300 ms: at least that much active time, whatever else ran.
    expect(afterBusy - before).toBeGreaterThanOrEqual(0.3);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const afterIdle = await activeSeconds(metrics);
    // 600 ms of waiting on a timer adds far less than 600 ms of activity.
    expect(afterIdle - afterBusy).toBeLessThan(0.4);
    // A second registry reads the same process-wide clock, so scrapes of one never reset another's.
    expect(await activeSeconds(new ServiceMetrics('test'))).toBeGreaterThanOrEqual(afterIdle);
  });
});
