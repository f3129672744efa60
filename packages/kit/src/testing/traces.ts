import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTracing, type Tracing } from '../tracing/tracing';

/** A finished span as tests look at it, whether kept in memory or received over OTLP. */
export interface RecordedSpan {
  /** The resource's `service.name`: which process made it. */
  service: string;
  name: string;
  kind: 'server' | 'client' | 'internal' | 'producer' | 'consumer';
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  /** 'error' when the span's status says so. */
  status: 'unset' | 'ok' | 'error';
}

const KINDS: Record<SpanKind, RecordedSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUSES: RecordedSpan['status'][] = ['unset', 'ok', 'error'];

function recorded(span: ReadableSpan): RecordedSpan {
  return {
    service: String(span.resource.attributes['service.name']),
    name: span.name,
    kind: KINDS[span.kind],
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: { ...span.attributes },
    status: STATUSES[span.status.code] ?? 'unset',
  };
}

export interface MemoryTraces {
  /** A Tracing per process of an in-process stack, all exporting to this memory as each span ends. */
  tracingFor(service: string): Tracing;
  spans(): RecordedSpan[];
  clear(): void;
}

/** The SDK's in-memory exporter behind one Tracing per service (`service.name` = `portico-<service>`). */
export function createMemoryTraces(): MemoryTraces {
  const exporter = new InMemorySpanExporter();
  return {
    tracingFor: (service) =>
      createTracing({ serviceName: `portico-${service}`, exporter, batch: false }),
    spans: () => exporter.getFinishedSpans().map(recorded),
    clear: () => exporter.reset(),
  };
}

type OtlpValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
};
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: OtlpAttributes;
        status?: { code?: number };
      }>;
    }>;
  }>;
}

function valueOf(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

function attributesOf(list: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

/** OTLP numbers its kinds from UNSPECIFIED = 0, INTERNAL = 1. */
const OTLP_KINDS: RecordedSpan['kind'][] = [
  'internal',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

/** Decodes an OTLP/HTTP JSON export request (`/v1/traces`). */
export function decodeOtlpJson(body: string): RecordedSpan[] {
  const parsed = JSON.parse(body) as OtlpExport;
  const spans: RecordedSpan[] = [];
  for (const resourceSpans of parsed.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          service: String(resource['service.name']),
          name: span.name,
          kind: OTLP_KINDS[span.kind ?? 0] ?? 'internal',
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          attributes: attributesOf(span.attributes),
          status: STATUSES[span.status?.code ?? 0] ?? 'unset',
        });
      }
    }
  }
  return spans;
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans(): RecordedSpan[];
  /** Export requests that were not JSON on /v1/traces. */
  rejected: number;
  /** Path and content type of every request received. */
  requests: Array<{ path: string; contentType: string }>;
  close(): Promise<void>;
}

/** A minimal OTLP/HTTP collector for traces in JSON, on a free port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: RecordedSpan[] = [];
  const state = { rejected: 0 };
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '' });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const json = (req.headers['content-type'] ?? '').includes('application/json');
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
        state.rejected += 1;
        res.writeHead(415).end();
        return;
      }
      try {
        received.push(...decodeOtlpJson(Buffer.concat(chunks).toString('utf8')));
      } catch {
        state.rejected += 1;
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    requests,
    get rejected() {
      return state.rejected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
