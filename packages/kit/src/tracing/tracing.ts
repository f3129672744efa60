import {
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Context,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './tracing-config';

/** The instrumentation scope of every span the kit and the gateway make. */
export const TRACER_NAME = '@portico/kit';

/**
 * One process's traces. Not registered as the global tracer provider: each
 * service hands its own to the parts it starts, so several services in one
 * process (the in-process test stack) keep their own `service.name`, and
 * libraries' own instrumentation (@apollo/gateway's spans) stays off.
 */
export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports what is buffered and stops; later spans are dropped. */
  shutdown(): Promise<void>;
}

const noopTracer = new ProxyTracerProvider().getTracer(TRACER_NAME);

/** Traces off: spans are the API's no-ops, and callers check `enabled` to skip even those. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: noopTracer,
  shutdown: async () => undefined,
};

let contextManagerSet = false;

/**
 * The active span must follow a request through promises and callbacks:
 * the API's default context manager keeps nothing. One per process, shared
 * by every Tracing in it.
 */
function ensureContextManager(): void {
  if (contextManagerSet) return;
  contextManagerSet = context.setGlobalContextManager(
    new AsyncLocalStorageContextManager().enable(),
  );
}

function samplerOf(config: { kind: string; ratio: number }): Sampler {
  switch (config.kind) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(config.ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

export interface TracingParts {
  serviceName: string;
  resourceAttributes?: Record<string, string>;
  exporter: SpanExporter;
  sampler?: Sampler;
  /** Batch export (the default for real exporters); false exports each span as it ends (tests). */
  batch?: false | Extract<TracingConfig, { enabled: true }>['batch'];
}

/** Traces to a given exporter: what startTracing builds from config, and what tests use directly. */
export function createTracing(parts: TracingParts): Tracing {
  ensureContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      ...parts.resourceAttributes,
      'service.name': parts.serviceName,
    }),
    sampler: parts.sampler ?? new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [
      parts.batch === false
        ? new SimpleSpanProcessor(parts.exporter)
        : new BatchSpanProcessor(parts.exporter, parts.batch),
    ],
  });
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: provider.getTracer(TRACER_NAME),
    // An unreachable collector must not hold a shutdown open or fail it.
    shutdown: () => (stopped ??= provider.shutdown().catch(() => undefined)),
  };
}

/** The process's traces as its config says (`readTracingConfig`). */
export function startTracing(config: TracingConfig): Tracing {
  if (!config.enabled) return TRACING_OFF;
  const { exporter } = config;
  return createTracing({
    serviceName: config.serviceName,
    resourceAttributes: config.resourceAttributes,
    sampler: samplerOf(config.sampler),
    batch: config.batch,
    exporter:
      exporter.kind === 'console'
        ? new ConsoleSpanExporter()
        : new (exporter.protocol === 'http/json' ? OTLPJsonTraceExporter : OTLPProtoTraceExporter)({
            url: exporter.url,
            headers: exporter.headers,
            timeoutMillis: exporter.timeoutMs,
          }),
  });
}

/** The attribute every Portico span carries: the id the gateway gave the client request. */
export const REQUEST_ID_ATTRIBUTE = 'portico.request_id';

const REQUEST_ID_KEY = createContextKey(REQUEST_ID_ATTRIBUTE);

/** A context that carries the request's id, for the spans started under it (SQL). */
export function withRequestId(ctx: Context, requestId: string): Context {
  return ctx.setValue(REQUEST_ID_KEY, requestId);
}

export function requestIdOf(ctx: Context): string | undefined {
  const value = ctx.getValue(REQUEST_ID_KEY);
  return typeof value === 'string' ? value : undefined;
}

const propagator = new W3CTraceContextPropagator();

/** Adds `traceparent` (and `tracestate`) for the active span to outgoing headers. */
export function injectTraceHeaders(headers: Record<string, string>, ctx = context.active()): void {
  propagator.inject(ctx, headers, defaultTextMapSetter);
}

/** The caller's span from incoming `traceparent`, as the parent of this process's spans. */
export function extractTraceContext(
  headers: Record<string, string | string[] | undefined>,
): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}
