/**
 * `/metrics` against the running gateway: after known queries the upstream counters rise by
 * exactly the requests the simulators saw, with the right labels; GraphQL requests are counted by
 * operation and outcome; guards, limits, rejected keys and cost are reported; the Node defaults
 * are there; label values stay bounded and hold neither credentials nor filter values.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type VendorName } from '../helpers/gateway.js';
import { scrape, type Scrape } from '../helpers/prometheus.js';

const DASHBOARD = `query Dashboard {
  clusters(first: 2) {
    totalCount
    nodes {
      name
      nodePools(first: 1) {
        totalCount
        nodes { nodePoolId batchJobs(first: 1) { totalCount } pods(first: 1) { totalCount nodes { name } } }
      }
    }
  }
}`;

/** Upstream request counts per vendor and operation between two scrapes, zero entries left out. */
function upstreamDelta(
  before: Scrape,
  after: Scrape,
  outcome?: string,
): Record<VendorName, Record<string, number>> {
  const out: Record<VendorName, Record<string, number>> = { fireworks: {}, runai: {}, gitpod: {} };
  const keys = new Set(
    after.samples
      .filter((s) => s.name === 'fleetgraph_upstream_requests_total')
      .map((s) => `${s.labels.vendor}/${s.labels.operation}`),
  );
  for (const key of keys) {
    const [vendor, operation] = key.split('/') as [VendorName, string];
    const labels = { vendor, operation, ...(outcome ? { outcome } : {}) };
    const n =
      after.sum('fleetgraph_upstream_requests_total', labels) -
      before.sum('fleetgraph_upstream_requests_total', labels);
    if (n > 0) out[vendor][operation] = n;
  }
  return out;
}

describe('/metrics on the gateway port', () => {
  let gw: TestGateway;
  let metricsUrl: string;
  beforeAll(async () => {
    gw = await startTestGateway({
      UPSTREAM_RETRY_BASE_DELAY_MS: '1',
      // The 429 and five 500s make six calls in the window, five of them failed: the breaker opens.
      UPSTREAM_BREAKER_MIN_CALLS: '6',
      UPSTREAM_BREAKER_FAILURE_RATE: '0.5',
      MAX_QUERY_DEPTH: '7',
    });
    metricsUrl = gw.url.replace(/\/graphql$/, '/metrics');
  });
  afterAll(async () => {
    await gw.stop();
  });
  beforeEach(() => gw.reset());

  it('serves the Prometheus text format with the Node process defaults', async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const metrics = await scrape(metricsUrl);
    for (const [name, type] of <[string, string][]>[
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_gc_duration_seconds', 'histogram'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
    ]) {
      expect(metrics.types.get(name), name).toBe(type);
    }
  });

  it('counts every upstream request as the simulators saw it, by vendor, operation and outcome', async () => {
    const before = await scrape(metricsUrl);
    const response = await gw.query(DASHBOARD);
    expect(response.errors).toBeUndefined();
    const after = await scrape(metricsUrl);
    const calls = gw.calls();
    expect(calls).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: 2 },
      runai: { list_pods: 2, count_pods: 2 },
      gitpod: {},
    });
    expect(upstreamDelta(before, after)).toEqual(calls);
    expect(upstreamDelta(before, after, '2xx')).toEqual(calls);
    for (const [vendor, operations] of Object.entries(calls)) {
      for (const [operation, n] of Object.entries(operations)) {
        const count = (s: Scrape) =>
          s.sum('fleetgraph_upstream_request_duration_seconds_count', { vendor, operation });
        expect(count(after) - count(before), `${vendor} ${operation}`).toBe(n);
      }
    }
    const requests = (s: Scrape) =>
      s.sum('fleetgraph_graphql_requests_total', {
        operation_name: 'Dashboard',
        operation_type: 'query',
        outcome: 'ok',
      });
    expect(requests(after) - requests(before)).toBe(1);
    const seconds = (s: Scrape) =>
      s.sum('fleetgraph_graphql_request_duration_seconds_count', {
        operation_name: 'Dashboard',
        operation_type: 'query',
      });
    expect(seconds(after) - seconds(before)).toBe(1);
    // The cost report: estimated against made, per request.
    const made = (s: Scrape) => s.sum('fleetgraph_graphql_actual_upstream_calls_sum');
    expect(made(after) - made(before)).toBe(8);
    const estimated = (s: Scrape) => s.sum('fleetgraph_graphql_estimated_upstream_calls_sum');
    expect(estimated(after) - estimated(before)).toBeGreaterThanOrEqual(8);
  });

  it('counts each retry as its own request, and the field error as partial with its code', async () => {
    gw.faults('runai', { count_pods: { status: 503, rate: 1 } });
    const before = await scrape(metricsUrl);
    const response = await gw.query(
      'query Counted { clusters(first: 1) { nodes { name } } pods(first: 1) { totalCount } }',
    );
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    const after = await scrape(metricsUrl);
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1 },
      runai: { list_pods: 1, count_pods: 3 },
      gitpod: {},
    });
    expect(upstreamDelta(before, after, '5xx')).toEqual({
      fireworks: {},
      runai: { count_pods: 3 },
      gitpod: {},
    });
    expect(upstreamDelta(before, after, '2xx')).toEqual({
      fireworks: { ListClusters: 1 },
      runai: { list_pods: 1 },
      gitpod: {},
    });
    const delta = (name: string, labels: Record<string, string>) =>
      after.sum(name, labels) - before.sum(name, labels);
    expect(delta('fleetgraph_upstream_retries_total', { vendor: 'runai', operation: 'count_pods' })).toBe(2);
    expect(
      delta('fleetgraph_graphql_requests_total', { operation_name: 'Counted', outcome: 'partial' }),
    ).toBe(1);
    expect(delta('fleetgraph_graphql_errors_total', { code: 'UPSTREAM_UNAVAILABLE' })).toBe(1);
  });

  it('counts 429s as rate limited, and reports the breaker opening and failing fast', async () => {
    gw.faults('gitpod', { ListWarmPools: { status: 429, rate: 1, retryAfter: 60 } });
    const before = await scrape(metricsUrl);
    await gw.query('{ warmPools(first: 1) { nodes { id } } }');
    let after = await scrape(metricsUrl);
    expect(
      after.sum('fleetgraph_upstream_rate_limited_total', { vendor: 'gitpod', operation: 'ListWarmPools' }) -
        before.sum('fleetgraph_upstream_rate_limited_total', {
          vendor: 'gitpod',
          operation: 'ListWarmPools',
        }),
    ).toBe(1);
    expect(upstreamDelta(before, after, '429')).toEqual({
      fireworks: {},
      runai: {},
      gitpod: { ListWarmPools: 1 },
    });

    // Five 500s (not retried) open the ListWarmPools breaker; the sixth call fails fast.
    gw.faults('gitpod', { ListWarmPools: { status: 500, rate: 1 } });
    expect(after.sum('fleetgraph_upstream_breaker_state', { vendor: 'gitpod', state: 'closed' })).toBe(1);
    for (let i = 0; i < 6; i++) await gw.query('{ warmPools(first: 1) { nodes { id } } }');
    after = await scrape(metricsUrl);
    expect(gw.calls().gitpod).toEqual({ ListWarmPools: 6 });
    expect(
      after.samples.filter(
        (s) => s.name === 'fleetgraph_upstream_breaker_state' && s.labels.vendor === 'gitpod',
      ),
    ).toEqual([
      { name: 'fleetgraph_upstream_breaker_state', labels: { vendor: 'gitpod', state: 'closed' }, value: 0 },
      {
        name: 'fleetgraph_upstream_breaker_state',
        labels: { vendor: 'gitpod', state: 'half-open' },
        value: 0,
      },
      { name: 'fleetgraph_upstream_breaker_state', labels: { vendor: 'gitpod', state: 'open' }, value: 1 },
    ]);
    expect(after.sum('fleetgraph_upstream_breaker_opened_total', { vendor: 'gitpod' })).toBe(1);
    expect(after.sum('fleetgraph_upstream_refused_total', { vendor: 'gitpod', reason: 'circuit_open' })).toBe(
      1,
    );
    expect(after.sum('fleetgraph_upstream_breaker_state', { vendor: 'runai', state: 'closed' })).toBe(1);
    expect(after.sum('fleetgraph_upstream_in_flight', { vendor: 'gitpod' })).toBe(0);
    expect(after.sum('fleetgraph_upstream_queued', { vendor: 'gitpod' })).toBe(0);
  });

  it('counts a request refused by a limit, with no upstream request', async () => {
    const before = await scrape(metricsUrl);
    const response = await gw.query(
      'query TooDeep { clusters { nodes { nodePools { nodes { pods { nodes { nodePool { name } } } } } } } }',
    );
    expect(response.errors?.[0]?.extensions?.limit).toBe('MAX_QUERY_DEPTH');
    const after = await scrape(metricsUrl);
    expect(upstreamDelta(before, after)).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
    const delta = (name: string, labels: Record<string, string>) =>
      after.sum(name, labels) - before.sum(name, labels);
    expect(delta('fleetgraph_limit_refusals_total', { limit: 'MAX_QUERY_DEPTH' })).toBe(1);
    expect(
      delta('fleetgraph_graphql_requests_total', { operation_name: 'TooDeep', outcome: 'refused' }),
    ).toBe(1);
    expect(delta('fleetgraph_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
  });

  it('logs each request with its operation, outcome and error codes', async () => {
    await gw.query('query Broken { clusters(first: 1) { nodes { nope } } }');
    const line = gw
      .logs()
      .filter((l) => l.msg === 'graphql request')
      .at(-1);
    expect(line).toMatchObject({
      method: 'POST',
      status: 400,
      operationName: 'Broken',
      operationType: 'query',
      outcome: 'refused',
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
      upstreamCalls: { fireworks: 0, runai: 0, gitpod: 0 },
    });
    expect(line?.traceId).toBeUndefined();
    expect(typeof line?.durationMs).toBe('number');
  });
});

describe('bounded labels, without secrets', () => {
  let gw: TestGateway;
  let metricsUrl: string;
  const KEY = 'gateway-key-metrics-test-0001';
  const auth = { authorization: `Bearer ${KEY}` };
  beforeAll(async () => {
    // LOG_LEVEL=warn: 10,000 request lines would only slow the suite down.
    gw = await startTestGateway({
      METRICS_MAX_OPERATION_NAMES: '50',
      GATEWAY_API_KEYS: KEY,
      LOG_LEVEL: 'warn',
    });
    metricsUrl = gw.url.replace(/\/graphql$/, '/metrics');
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('folds 10,000 random operation names into at most 50 + 1 label values', async () => {
    const names = Array.from(
      { length: 10_000 },
      (_, i) => `Op_${i}_${Math.random().toString(36).slice(2, 10)}`,
    );
    for (let i = 0; i < names.length; i += 100) {
      await Promise.all(
        names.slice(i, i + 100).map((name) => gw.post({ query: `query ${name} { __typename }` }, auth)),
      );
    }
    await gw.post({ query: `query ${'L'.repeat(200)} { __typename }` }, auth);
    await gw.post({ query: '{ __typename }' }, auth);
    const metrics = await scrape(metricsUrl, auth);
    const values = new Set(
      metrics.samples
        .filter((s) => s.name === 'fleetgraph_graphql_requests_total')
        .map((s) => s.labels.operation_name),
    );
    expect(values.size).toBe(52);
    expect(values.has('(other)')).toBe(true);
    expect(values.has('(anonymous)')).toBe(true);
    expect(metrics.sum('fleetgraph_graphql_requests_total', { operation_name: '(other)' })).toBe(
      10_000 - 50 + 1,
    );
    const buckets = metrics.samples.filter(
      (s) => s.name === 'fleetgraph_graphql_request_duration_seconds_bucket',
    );
    expect(new Set(buckets.map((s) => s.labels.operation_name)).size).toBe(52);
    // The whole scrape stays small: bounded series, whatever the clients sent.
    expect(metrics.samples.length).toBeLessThan(3_000);
  }, 180_000);

  it('has no credential or filter value in any label, and logs rejected keys by fingerprint', async () => {
    const filter = 'zz-filter-value-in-no-label-4242';
    await gw.query(
      `{ pods(first: 1, filter: { nodeNameContains: "${filter}" }) { nodes { name } } }`,
      undefined,
      {
        ...auth,
        'x-runai-token': 'runai-demo-token-4012',
      },
    );
    const wrong = 'not-the-gateway-key-000000001';
    const refused = await gw.post({ query: '{ __typename }' }, { 'x-api-key': wrong });
    expect(refused.status).toBe(401);
    const missing = await gw.post({ query: '{ __typename }' });
    expect(missing.status).toBe(401);
    expect((await fetch(metricsUrl)).status).toBe(401);
    const text = await (await fetch(metricsUrl, { headers: auth })).text();
    for (const secret of [
      filter,
      KEY,
      wrong,
      'runai-demo-token-4012',
      'fw-demo-key-4011',
      'gitpod-demo-key-4013',
    ]) {
      expect(text).not.toContain(secret);
    }
    const metrics = await scrape(metricsUrl, auth);
    expect(metrics.sum('fleetgraph_gateway_key_rejections_total', { reason: 'invalid' })).toBe(1);
    expect(metrics.sum('fleetgraph_gateway_key_rejections_total', { reason: 'missing' })).toBe(2);
    expect(
      metrics.sum('fleetgraph_graphql_requests_total', { operation_name: '(unknown)', outcome: 'refused' }) +
        metrics.sum('fleetgraph_graphql_requests_total', {
          operation_name: '(anonymous)',
          outcome: 'refused',
        }),
    ).toBe(2);
    const rejections = gw.logs().filter((l) => l.msg === 'gateway API key rejected');
    const { createHash } = await import('node:crypto');
    expect(
      rejections.map(({ keyFingerprint, clientAddress }) => ({ keyFingerprint, clientAddress })),
    ).toEqual([
      {
        keyFingerprint: createHash('sha256').update(wrong).digest('hex').slice(0, 8),
        clientAddress: '127.0.0.1',
      },
      { keyFingerprint: 'missing', clientAddress: '127.0.0.1' },
      { keyFingerprint: 'missing', clientAddress: '127.0.0.1' },
    ]);
    expect(rejections.every((l) => typeof l.reqId === 'string')).toBe(true);
    expect(JSON.stringify(gw.logs())).not.toContain(wrong);
    expect(JSON.stringify(gw.logs())).not.toContain(filter);
  });
});

describe('METRICS_PORT and METRICS_ENABLED', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  it('serves /metrics only on METRICS_PORT when it is set', async () => {
    gw = await startTestGateway({ METRICS_PORT: '0' });
    const metricsUrl = gw.gateway.metricsUrl as string;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
    await gw.query('query OnPort { __typename }');
    const metrics = await scrape(metricsUrl);
    expect(
      metrics.sum('fleetgraph_graphql_requests_total', { operation_name: 'OnPort', outcome: 'ok' }),
    ).toBe(1);
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
  });

  it('serves no /metrics with METRICS_ENABLED=false', async () => {
    gw = await startTestGateway({ METRICS_ENABLED: 'false', METRICS_PORT: '0' });
    expect(gw.gateway.metricsUrl).toBeUndefined();
    expect((await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
  });
});
