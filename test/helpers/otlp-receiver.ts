/**
 * A local OTLP/HTTP traces receiver on loopback, speaking the real protocol: `POST /v1/traces`
 * with an `ExportTraceServiceRequest` as protobuf (`application/x-protobuf`, decoded with
 * protobufjs over the message definitions of opentelemetry-proto below) or as OTLP/JSON
 * (`application/json`). Every span received is flattened to one plain object.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

/** One received span, ids in lowercase hex as in W3C `traceparent`. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client (OTLP SpanKind). */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  serviceName: unknown;
}

export interface OtlpReceiver {
  /** The base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests received. */
  contentTypes: string[];
  /** Resolves once `predicate` holds for the spans received (polls; rejects after `timeoutMs`). */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// The messages of opentelemetry-proto's trace_service.proto, trace.proto, resource.proto and
// common.proto that an export request uses, with their field numbers.
const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const ExportRequest = protobuf
  .parse(OTLP_PROTO, { keepCase: true })
  .root.lookupType('otlp.ExportTraceServiceRequest');

interface WireKeyValue {
  key: string;
  value?: WireAnyValue;
}
interface WireAnyValue {
  string_value?: string;
  stringValue?: string;
  bool_value?: boolean;
  boolValue?: boolean;
  int_value?: string | number;
  intValue?: string | number;
  double_value?: number;
  doubleValue?: number;
  array_value?: { values?: WireAnyValue[] };
  arrayValue?: { values?: WireAnyValue[] };
}
interface WireSpan {
  trace_id?: string;
  traceId?: string;
  span_id?: string;
  spanId?: string;
  parent_span_id?: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: WireKeyValue[];
  events?: { name: string; attributes?: WireKeyValue[] }[];
  status?: { code?: number };
}
interface WireRequest {
  resource_spans?: WireResourceSpans[];
  resourceSpans?: WireResourceSpans[];
}
interface WireResourceSpans {
  resource?: { attributes?: WireKeyValue[] };
  scope_spans?: { spans?: WireSpan[] }[];
  scopeSpans?: { spans?: WireSpan[] }[];
}

/** Starts the receiver on an ephemeral loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.push(type);
      let request: WireRequest;
      let hex: (id: string | undefined) => string;
      if (type.startsWith('application/x-protobuf')) {
        // bytes as base64 strings, 64-bit integers as strings: the same shapes as OTLP/JSON, but
        // ids stay base64 (OTLP/JSON sends them as hex).
        request = ExportRequest.toObject(ExportRequest.decode(body), {
          bytes: String,
          longs: String,
          enums: Number,
        }) as WireRequest;
        hex = (id) => Buffer.from(id ?? '', 'base64').toString('hex');
      } else if (type.startsWith('application/json')) {
        request = JSON.parse(body.toString('utf8')) as WireRequest;
        hex = (id) => id ?? '';
      } else {
        res.writeHead(415).end();
        return;
      }
      for (const resourceSpans of request.resource_spans ?? request.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes);
        for (const scope of resourceSpans.scope_spans ?? resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: hex(span.trace_id ?? span.traceId),
              spanId: hex(span.span_id ?? span.spanId),
              parentSpanId: hex(span.parent_span_id ?? span.parentSpanId),
              name: span.name,
              kind: span.kind ?? 0,
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((e) => ({
                name: e.name,
                attributes: attributesOf(e.attributes),
              })),
              statusCode: span.status?.code ?? 0,
              serviceName: resource['service.name'],
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': type }).end(type.startsWith('application/json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    async waitFor(predicate, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > until)
          throw new Error(`the receiver did not get the expected spans (${spans.length} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attributesOf(list: WireKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: WireAnyValue | undefined): unknown {
  if (!value) return undefined;
  const array = value.array_value ?? value.arrayValue;
  if (array) return (array.values ?? []).map(valueOf);
  const int = value.int_value ?? value.intValue;
  if (int !== undefined) return Number(int);
  return (
    value.string_value ??
    value.stringValue ??
    value.bool_value ??
    value.boolValue ??
    value.double_value ??
    value.doubleValue
  );
}
