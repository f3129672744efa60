import { ConfigError } from '../config';
import { readTracingConfig } from './tracing-config';

describe('readTracingConfig', () => {
  it('is off when no exporter or endpoint is configured, and when the SDK is disabled', () => {
    expect(readTracingConfig({}, 'portico-billing')).toEqual({ enabled: false });
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'none' }, 'x')).toEqual({ enabled: false });
    expect(
      readTracingConfig(
        { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
        'x',
      ),
    ).toEqual({ enabled: false });
  });

  it('sends OTLP to the general endpoint plus /v1/traces, or to the traces endpoint as given', () => {
    const general = readTracingConfig(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' },
      'portico-billing',
    );
    expect(general).toMatchObject({
      enabled: true,
      serviceName: 'portico-billing',
      exporter: {
        kind: 'otlp',
        protocol: 'http/protobuf',
        url: 'http://collector:4318/v1/traces',
        timeoutMs: 10_000,
      },
      sampler: { kind: 'parentbased_always_on' },
    });
    const specific = readTracingConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/ingest',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, tenant=acme',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
      },
      'x',
    );
    expect(specific).toMatchObject({
      exporter: {
        url: 'https://traces.example/ingest',
        protocol: 'http/json',
        headers: { 'x-api-key': 'abc==', tenant: 'acme' },
        timeoutMs: 2500,
      },
    });
  });

  it('takes the service name from OTEL_SERVICE_NAME, then the resource attributes, then the default', () => {
    const attrs = 'deployment.environment=prod,service.name=from-attributes';
    expect(
      readTracingConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_RESOURCE_ATTRIBUTES: attrs }, 'd'),
    ).toMatchObject({
      serviceName: 'from-attributes',
      resourceAttributes: {
        'deployment.environment': 'prod',
        'service.name': 'from-attributes',
      },
      exporter: { kind: 'console' },
    });
    expect(
      readTracingConfig(
        {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_SERVICE_NAME: 'billing-eu',
          OTEL_RESOURCE_ATTRIBUTES: attrs,
        },
        'd',
      ),
    ).toMatchObject({
      serviceName: 'billing-eu',
      resourceAttributes: { 'service.name': 'billing-eu' },
    });
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' }, 'portico-sales')).toMatchObject({
      serviceName: 'portico-sales',
      exporter: { url: 'http://localhost:4318/v1/traces' },
    });
  });

  it('reads the sampler and its ratio', () => {
    expect(
      readTracingConfig(
        {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0.25',
        },
        'x',
      ),
    ).toMatchObject({ sampler: { kind: 'parentbased_traceidratio', ratio: 0.25 } });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER/],
    [{ OTEL_TRACES_EXPORTER: 'otlp,console' }, /one exporter/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /grpc/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector' }, /TRACES_ENDPOINT/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER/],
    [
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '2',
      },
      /OTEL_TRACES_SAMPLER_ARG/,
    ],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, /key=value/],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_BSP_SCHEDULE_DELAY: 'soon' }, /OTEL_BSP_SCHEDULE_DELAY/],
    [{ OTEL_SDK_DISABLED: 'maybe' }, /OTEL_SDK_DISABLED/],
  ])('refuses %j with a clear error', (env, message) => {
    expect(() => readTracingConfig(env, 'x')).toThrow(ConfigError);
    expect(() => readTracingConfig(env, 'x')).toThrow(message);
  });
});
