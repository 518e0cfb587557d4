/**
 * The observability variables are validated with the rest of the configuration: tracing is off
 * unless an OTLP endpoint is set, the standard OTEL_* variables are read as the specification says,
 * and a bad value stops the start naming its variable.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('observability configuration', () => {
  it('has metrics on, on the gateway port, and tracing off by default', () => {
    expect(loadConfig({}).observability).toEqual({
      metrics: { enabled: true, port: undefined, maxOperationNames: 200 },
      tracing: undefined,
    });
  });

  it('appends /v1/traces to the base endpoint and takes a traces endpoint as is', () => {
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).observability.tracing,
    ).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'fleetgraph',
      sampler: { name: 'parentbased_always_on' },
      scheduleDelayMs: 5000,
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/otlp/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'fleetgraph-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
      }).observability.tracing,
    ).toEqual({
      url: 'https://collector.example/otlp/traces',
      protocol: 'http/json',
      serviceName: 'fleetgraph-eu',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      scheduleDelayMs: 1000,
    });
  });

  it('stays off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).observability.tracing).toBeUndefined();
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).observability.tracing).toBeUndefined();
  });

  it('reads METRICS_PORT, METRICS_ENABLED and METRICS_MAX_OPERATION_NAMES', () => {
    expect(
      loadConfig({ METRICS_PORT: '9464', METRICS_ENABLED: 'false', METRICS_MAX_OPERATION_NAMES: '20' })
        .observability.metrics,
    ).toEqual({ enabled: false, port: 9464, maxOperationNames: 20 });
  });

  it.each([
    [{ METRICS_PORT: 'x' }, 'METRICS_PORT must be an integer, got "x"'],
    [
      { METRICS_PORT: '4000' },
      'METRICS_PORT must differ from PORT (4000); unset it to serve /metrics on PORT',
    ],
    [{ METRICS_ENABLED: 'on' }, 'METRICS_ENABLED must be true or false, got "on"'],
    [{ METRICS_MAX_OPERATION_NAMES: '0' }, 'METRICS_MAX_OPERATION_NAMES must be between 1 and 10000, got 0'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT must use http or https (OTLP/HTTP), got "collector:"',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'nope' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an absolute http(s) URL, got "nope"',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (grpc is not supported), got "grpc"',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'sometimes' },
      'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, ' +
        'parentbased_always_off, parentbased_traceidratio, got "sometimes"',
    ],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '2',
      },
      'OTEL_TRACES_SAMPLER_ARG must be between 0 and 1, got 2',
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon' },
      'OTEL_BSP_SCHEDULE_DELAY must be an integer, got "soon"',
    ],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER must be otlp or none, got "zipkin"'],
  ])('refuses %j: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});
