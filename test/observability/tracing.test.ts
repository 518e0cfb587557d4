/**
 * OpenTelemetry tracing against a local OTLP/HTTP receiver (the real protocol, both encodings):
 * the span tree of a request continues the client's W3C trace, has one client span per upstream
 * request the simulators saw, carries URL templates (never filter values or credentials), and the
 * trace id reaches the vendors and every log line of the request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const SECRET_FILTER = 'zz-secret-filter-value-7781';
const GATEWAY_KEY = 'gateway-key-for-tracing-test-5512';

const QUERY = `query Dash {
  clusters(first: 2) {
    nodes {
      name
      nodePools(first: 1) { nodes { nodePoolId batchJobs(first: 1) { totalCount } pods(first: 1) { totalCount } } }
    }
  }
  pods(first: 1, filter: { nodeNameContains: "${SECRET_FILTER}" }) { nodes { name } }
}`;

describe.each(['http/protobuf', 'http/json'] as const)('tracing over OTLP %s', (protocol) => {
  let receiver: OtlpReceiver;
  let gw: TestGateway;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    gw = await startTestGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_SERVICE_NAME: 'fleetgraph-test',
      OTEL_BSP_SCHEDULE_DELAY: '20',
      GATEWAY_API_KEYS: GATEWAY_KEY,
    });
  });
  afterAll(async () => {
    await gw.stop();
    await receiver.close();
  });
  beforeEach(() => {
    gw.reset();
    receiver.spans.length = 0;
  });

  it('continues the client trace: one server span with parse/validate/execute events, one client span per upstream request', async () => {
    const response = await gw.query(QUERY, undefined, {
      traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`,
      authorization: `Bearer ${GATEWAY_KEY}`,
    });
    expect(response.errors).toBeUndefined();
    const calls = gw.calls();
    const sent = Object.values(calls).reduce(
      (n, ops) => n + Object.values(ops).reduce((a, b) => a + b, 0),
      0,
    );
    await receiver.waitFor(
      (spans) => spans.some((s) => s.kind === 2) && spans.filter((s) => s.kind === 3).length >= sent,
    );

    const server = receiver.spans.filter((s) => s.kind === 2);
    expect(server).toHaveLength(1);
    const root = server[0] as ReceivedSpan;
    expect(root).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: CLIENT_SPAN,
      name: 'POST /graphql',
      serviceName: 'fleetgraph-test',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.name': 'Dash',
        'graphql.operation.type': 'query',
        'fleetgraph.outcome': 'ok',
      },
    });
    // Parse, validate and execute are events of the server span, each with its duration.
    expect(root.events.map((e) => e.name)).toEqual(['graphql.parse', 'graphql.validate', 'graphql.execute']);
    for (const event of root.events) {
      expect(event.attributes).toEqual({ 'fleetgraph.duration_ms': expect.any(Number) });
    }
    expect(receiver.spans.filter((s) => s.kind !== 2 && s.kind !== 3)).toEqual([]);

    // One client span per request the simulators received, by vendor and operation.
    const clients = receiver.spans.filter((s) => s.kind === 3);
    expect(clients.every((s) => s.traceId === TRACE_ID && s.parentSpanId === root.spanId)).toBe(true);
    const perOperation: Record<string, Record<string, number>> = { fireworks: {}, runai: {}, gitpod: {} };
    for (const span of clients) {
      const vendor = span.attributes['fleetgraph.vendor'] as string;
      const operation = span.attributes['fleetgraph.upstream.operation'] as string;
      (perOperation[vendor] as Record<string, number>)[operation] =
        ((perOperation[vendor] as Record<string, number>)[operation] ?? 0) + 1;
    }
    expect(perOperation).toEqual(calls);
    expect(calls).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: 2 },
      runai: { list_pods: 3, count_pods: 2 },
      gitpod: {},
    });
    const listPods = clients.find((s) => s.attributes['fleetgraph.upstream.operation'] === 'list_pods');
    expect(listPods?.name).toBe('GET /api/v1/workloads/pods');
    expect(listPods?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.template': '/api/v1/workloads/pods',
      'server.address': '127.0.0.1',
      'server.port': expect.any(Number),
      'fleetgraph.vendor': 'runai',
      'fleetgraph.upstream.operation': 'list_pods',
      'http.response.status_code': 200,
    });

    // The vendors got the trace: each request's traceparent names its own client span.
    const clientIds = new Set(clients.map((s) => s.spanId));
    for (const vendor of ['fireworks', 'runai'] as const) {
      for (const request of gw.requests(vendor)) {
        const [, trace, parent, flags] = (request.traceparent ?? '').split('-');
        expect([trace, flags]).toEqual([TRACE_ID, '01']);
        expect(clientIds.has(parent as string)).toBe(true);
      }
    }

    // Neither the filter value nor a credential is in any span.
    const everything = JSON.stringify(receiver.spans);
    for (const secret of [SECRET_FILTER, GATEWAY_KEY, 'runai-demo-token-4012', 'fw-demo-key-4011']) {
      expect(everything).not.toContain(secret);
    }

    // The request's log lines carry its trace id.
    const line = gw
      .logs()
      .filter((l) => l.msg === 'graphql request')
      .at(-1);
    expect(line).toMatchObject({ traceId: TRACE_ID, operationName: 'Dash', outcome: 'ok', errorCodes: [] });
    expect(
      receiver.contentTypes.every((t) =>
        t.startsWith(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'),
      ),
    ).toBe(true);
  });

  it('starts a new trace without a traceparent, and records a retried call as one client span per attempt', async () => {
    gw.faults('gitpod', { ListWarmPools: { status: 503, rate: 1 } });
    const response = await gw.query('{ warmPools(first: 1) { nodes { id } } }', undefined, {
      'x-api-key': GATEWAY_KEY,
    });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(gw.calls().gitpod).toEqual({ ListWarmPools: 3 });
    const isRoot = (s: ReceivedSpan) => s.kind === 2 && s.parentSpanId === '';
    await receiver.waitFor((spans) => {
      const root = spans.find(isRoot);
      return !!root && spans.filter((s) => s.kind === 3 && s.traceId === root.traceId).length >= 3;
    });
    const root = receiver.spans.find(isRoot) as ReceivedSpan;
    expect(root.traceId).not.toBe(TRACE_ID);
    expect(root.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'fleetgraph.outcome': 'error',
    });
    const attempts = receiver.spans
      .filter((s) => s.kind === 3 && s.traceId === root.traceId)
      .map((s) => [
        s.attributes['http.request.resend_count'] ?? 0,
        s.attributes['http.response.status_code'],
        s.attributes['error.type'],
        s.statusCode,
      ]);
    expect(attempts).toEqual([
      [0, 503, '503', 2],
      [1, 503, '503', 2],
      [2, 503, '503', 2],
    ]);
    // Lines written on the request's behalf (the retries, at debug) carry its trace id.
    const retries = gw
      .logs()
      .filter((l) => l.msg === 'retrying an upstream read' && l.traceId === root.traceId);
    expect(retries.map((l) => [l.upstream, l.attempt])).toEqual([
      ['gitpod', 1],
      ['gitpod', 2],
    ]);
  });
});

describe('tracing off', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('sends no traceparent upstream, and still logs the client trace id for correlation', async () => {
    await gw.query('{ clusters(first: 1) { nodes { name } } }', undefined, {
      traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`,
    });
    expect(gw.requests('fireworks').map((r) => r.traceparent)).toEqual([undefined]);
    expect(
      gw
        .logs()
        .filter((l) => l.msg === 'graphql request')
        .at(-1),
    ).toMatchObject({ traceId: TRACE_ID });
  });
});
