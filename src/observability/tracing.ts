/**
 * OpenTelemetry tracing: an SDK tracer provider exporting over OTLP/HTTP (JSON or protobuf) with a
 * batch span processor, configured from the standard `OTEL_*` variables that config.ts validated.
 * Nothing is registered globally: parents are passed explicitly (see request.ts), because an
 * AsyncLocalStorage context manager makes every promise of the process slower on Node 20.
 * W3C Trace Context is read from the client and written to the vendors.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { TracingConfig, TracesSampler } from '../config.js';

export { SpanKind, SpanStatusCode, type Attributes, type Context, type Span };

/** The gateway's tracer, the propagation of W3C Trace Context, and the exporter's lifecycle. */
export class Tracing {
  readonly tracer: Tracer;
  private readonly provider: TracerProvider;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(config: TracingConfig) {
    const Exporter = config.protocol === 'http/json' ? OTLPJsonExporter : OTLPProtobufExporter;
    this.provider = new TracerProvider({
      resource: defaultResource().merge(resourceFromAttributes({ 'service.name': config.serviceName })),
      sampler: sampler(config.sampler),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new Exporter({ url: config.url }),
          scheduledDelayMillis: config.scheduleDelayMs,
        }),
      ],
    });
    this.tracer = this.provider.getTracer('fleetgraph');
  }

  /** Given request headers, returns the context they continue (a W3C `traceparent`), or the root. */
  extract(headers: Record<string, string | string[] | undefined>): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }

  /** Writes the `traceparent` (and `tracestate`) of the span in `spanContext` into `headers`. */
  inject(spanContext: Context, headers: Record<string, string>): void {
    this.propagator.inject(spanContext, headers, defaultTextMapSetter);
  }

  /** Exports what is buffered and stops. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

function sampler(config: TracesSampler): Sampler {
  switch (config.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(config.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.ratio) });
  }
}
