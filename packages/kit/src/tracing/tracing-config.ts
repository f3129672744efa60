import { ConfigError, readBool, readInt, readOptionalString, type Env } from '../config';

/** The samplers of the OpenTelemetry specification that `OTEL_TRACES_SAMPLER` names. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

export type TracingConfig =
  | { enabled: false }
  | {
      enabled: true;
      serviceName: string;
      /** From `OTEL_RESOURCE_ATTRIBUTES`; `service.name` is always `serviceName`. */
      resourceAttributes: Record<string, string>;
      exporter:
        | { kind: 'console' }
        | {
            kind: 'otlp';
            protocol: 'http/protobuf' | 'http/json';
            /** The full traces URL (…/v1/traces). */
            url: string;
            headers: Record<string, string>;
            timeoutMs: number;
          };
      sampler: { kind: TraceSampler; ratio: number };
      batch: {
        scheduledDelayMillis: number;
        maxQueueSize: number;
        maxExportBatchSize: number;
        exportTimeoutMillis: number;
      };
    };

/** Where an OTLP/HTTP collector listens unless told otherwise (the specification's default). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** `k1=v1,k2=v2` with percent-encoded values, as OTEL_RESOURCE_ATTRIBUTES and *_HEADERS are. */
function readKeyValueList(env: Env, key: string): Record<string, string> {
  const raw = readOptionalString(env, key);
  const pairs: Record<string, string> = {};
  if (!raw) return pairs;
  for (const item of raw.split(',')) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    const name = at > 0 ? item.slice(0, at).trim() : '';
    if (!name) throw new ConfigError(`${key} must be a list of key=value pairs`);
    try {
      pairs[name] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      throw new ConfigError(`${key} has a value that is not percent-encoded properly`);
    }
  }
  return pairs;
}

function readUrl(env: Env, key: string): string | undefined {
  const raw = readOptionalString(env, key);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${key} must be an http:// or https:// URL`);
  }
  return raw;
}

/**
 * Traces from the standard `OTEL_*` variables. Off unless an exporter is
 * asked for (`OTEL_TRACES_EXPORTER=otlp|console`) or an OTLP endpoint is
 * given: a process nobody collects from pays for nothing but the no-op API.
 * `OTEL_SDK_DISABLED=true` turns them off whatever else is set.
 */
export function readTracingConfig(env: Env, defaultServiceName: string): TracingConfig {
  if (readBool(env, 'OTEL_SDK_DISABLED', false)) return { enabled: false };
  const tracesEndpoint = readUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporterNames = (readOptionalString(env, 'OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of exporterNames) {
    if (!['otlp', 'console', 'none'].includes(name)) {
      throw new ConfigError(
        `OTEL_TRACES_EXPORTER must be otlp, console or none, got "${name}" (only these are built in)`,
      );
    }
  }
  if (exporterNames.length > 1) {
    throw new ConfigError('OTEL_TRACES_EXPORTER names one exporter here');
  }
  const exporterName =
    exporterNames[0] ?? (tracesEndpoint !== undefined || endpoint !== undefined ? 'otlp' : 'none');
  if (exporterName === 'none') return { enabled: false };

  const protocol =
    readOptionalString(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    readOptionalString(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json, got "${protocol}" (grpc is not built in)`,
    );
  }
  // The signal-specific endpoint is used as given; the general one gets the
  // signal's path appended (OTLP exporter specification).
  const url =
    tracesEndpoint ?? `${(endpoint ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  const timeoutMs = readInt(
    env,
    'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
    readInt(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, { min: 1 }),
    { min: 1 },
  );

  const sampler = (readOptionalString(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on')
    .trim()
    .toLowerCase();
  if (!(TRACE_SAMPLERS as readonly string[]).includes(sampler)) {
    throw new ConfigError(
      `OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')}, got "${sampler}"`,
    );
  }
  const ratioRaw = readOptionalString(env, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = ratioRaw === undefined ? 1 : Number(ratioRaw);
  if (sampler.endsWith('traceidratio') && !(ratio >= 0 && ratio <= 1)) {
    throw new ConfigError(
      `OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "${ratioRaw}"`,
    );
  }

  const resourceAttributes = readKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const serviceName =
    readOptionalString(env, 'OTEL_SERVICE_NAME') ??
    resourceAttributes['service.name'] ??
    defaultServiceName;
  return {
    enabled: true,
    serviceName,
    resourceAttributes: { ...resourceAttributes, 'service.name': serviceName },
    exporter:
      exporterName === 'console'
        ? { kind: 'console' }
        : {
            kind: 'otlp',
            protocol,
            url,
            headers: {
              ...readKeyValueList(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
              ...readKeyValueList(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
            },
            timeoutMs,
          },
    sampler: { kind: sampler as TraceSampler, ratio },
    batch: {
      scheduledDelayMillis: readInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5_000, { min: 0 }),
      maxQueueSize: readInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2_048, { min: 1 }),
      maxExportBatchSize: readInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, { min: 1 }),
      exportTimeoutMillis: readInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, { min: 1 }),
    },
  };
}
