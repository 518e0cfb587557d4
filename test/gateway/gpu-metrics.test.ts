/**
 * Pod metrics from Run:ai's get_workload_pod_metrics: the 207 partial answer surfaced as a coded
 * error on each missing series, Pod.gpuUtilization (the call shared with Pod.metrics on the same
 * window) and GpuCapacity.utilization within its per-request budget of pods. Expected figures are
 * computed here from the simulator's own answers (asked directly, before the gateway is) and the
 * fleet's records; every test states the exact upstream calls.
 */
import { describe, expect, it } from 'vitest';
import { weightedUtilization } from '../../src/joins/gpus.js';
import type { RecordedRequest } from '../../src/simulators/harness.js';
import type { RunaiPod } from '../../src/vendors/runai/simulator/index.js';
import { shareGateway, type TestGateway } from '../helpers/gateway.js';
import { CREDENTIALS, gql, globalId, loc, type Fleet } from '../helpers/ground-truth.js';
import { getWithBearer } from '../helpers/http.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

type Measurement = { type: string; labels: Record<string, string> | null; values: { value: string }[] };

/** A window of whole seconds inside the pod's running time, as the gateway sends it upstream. */
function windowOf(pod: RunaiPod, hours = 4) {
  const from = Math.ceil(Date.parse(pod.containers[0]!.startedAt!) / 1000) * 1000 + 60_000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  return { start: iso(from), end: iso(from + hours * 3_600_000) };
}

/** The simulator's own answer to a metrics request, asked directly (then the stats are cleared). */
async function simMetrics(
  pod: RunaiPod,
  types: string[],
  window: { start: string; end: string },
  samples = 20,
) {
  const params = new URLSearchParams({
    metricType: types.join(','),
    ...window,
    numberOfSamples: String(samples),
  });
  const res = await getWithBearer(
    `${gw.sims.runai.url}/api/v1/workloads/${pod.workloadId}/pods/${pod.id}/metrics`,
    params,
    CREDENTIALS.runai.value,
  );
  expect(res.status).toBe(200);
  gw.reset();
  return (res.body as { measurements: Measurement[] }).measurements;
}

/** A measurement as the graph shows it with `type labels { key value } samples { value }`. */
const asSeries = (m: Measurement) => ({
  type: m.type,
  labels: Object.entries(m.labels ?? {}).map(([key, value]) => ({ key, value })),
  samples: m.values.map((v) => ({ value: Number(v.value) })),
});

const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
const mean = (values: number[]) => r6(values.reduce((a, b) => a + b, 0) / values.length);

/** The metrics call the gateway makes for a pod, types and window, as the simulator records it. */
function metricsCall(
  pod: RunaiPod,
  types: string[],
  window: { start: string; end: string },
  samples = 20,
  status = 200,
) {
  return {
    operation: 'get_workload_pod_metrics',
    method: 'GET',
    path: `/api/v1/workloads/${pod.workloadId}/pods/${pod.id}/metrics`,
    query: { metricType: types.join(','), ...window, numberOfSamples: String(samples) },
    body: null,
    credential: CREDENTIALS.runai.masked,
    status,
  };
}

/** The live-pods walk of the pod's workload that `node(id:)` makes (one page). */
function workloadWalk(pod: RunaiPod) {
  return {
    operation: 'get_workload_pods',
    method: 'GET',
    path: `/api/v1/workloads/${pod.workloadId}/pods`,
    query: { offset: '0', limit: '500' },
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  };
}

const running = () => fleet.pods.filter((p) => p.k8sPhase === 'Running' && !p.completedAt);
const multiGpu = () => running().find((p) => (p.allocatedResources?.gpu ?? 0) >= 2)!;

const POD_QUERY = `query($id: ID!, $types: [PodMetricType!]!, $start: DateTime!, $end: DateTime!) {
  node(id: $id) { ... on Pod {
    metrics(types: $types, start: $start, end: $end) { type labels { key value } samples { value } }
  } }
}`;

describe("Run:ai's 207 partial metrics answer", () => {
  it('each series left out is a null entry with METRIC_UNAVAILABLE naming it and the feature flag; the others stay', async () => {
    const pod = multiGpu();
    const window = windowOf(pod);
    const types = [
      'GPU_SM_ACTIVITY_PER_GPU',
      'GPU_UTILIZATION',
      'GPU_TENSOR_ACTIVITY_PER_GPU',
      'CPU_USAGE_CORES',
    ];
    const truth = await simMetrics(pod, ['GPU_UTILIZATION', 'CPU_USAGE_CORES'], window);
    gw.sims.runai.applySettings({ advancedGpuMetrics: false });
    const id = globalId('Pod', `${pod.workloadId}/${pod.id}`);
    const res = await gql(gw, POD_QUERY, { id, types, ...window });
    const why = (type: string) => ({
      message:
        `Run:ai answered 207 (partial success) without ${type} for pod ${JSON.stringify(pod.name)}: it is an advanced GPU metric, which ` +
        "Run:ai serves only with the 'Advanced GPU Metrics' feature flag enabled in its settings. The other series asked came back.",
      locations: [loc(POD_QUERY, 'metrics(')],
      path: ['node', 'metrics', types.indexOf(type)],
      extensions: { code: 'METRIC_UNAVAILABLE', upstream: 'runai', upstreamStatus: 207, metricType: type },
    });
    expect(res).toEqual({
      status: 200,
      data: { node: { metrics: [null, asSeries(truth[0]!), null, asSeries(truth[1]!)] } },
      errors: [why('GPU_SM_ACTIVITY_PER_GPU'), why('GPU_TENSOR_ACTIVITY_PER_GPU')],
    });
    expect(gw.requests('runai')).toEqual([workloadWalk(pod), metricsCall(pod, types, window, 20, 207)]);
  });

  it('a basic type Run:ai has no data for is named with that reason; a whole 200 answer has no error', async () => {
    const pod = multiGpu();
    const window = windowOf(pod);
    const truth = await simMetrics(pod, ['GPU_UTILIZATION_PER_GPU'], window);
    gw.sims.runai.applySettings({ unavailableMetrics: ['GPU_MEMORY_USAGE_BYTES'] });
    const id = globalId('Pod', `${pod.workloadId}/${pod.id}`);
    const types = ['GPU_MEMORY_USAGE_BYTES', 'GPU_UTILIZATION_PER_GPU'];
    const res = await gql(gw, POD_QUERY, { id, types, ...window });
    expect(res.data).toEqual({ node: { metrics: [null, ...truth.map(asSeries)] } });
    expect(truth.length).toBe(Math.ceil(pod.allocatedResources!.gpu!));
    expect(res.errors).toEqual([
      {
        message:
          `Run:ai answered 207 (partial success) without GPU_MEMORY_USAGE_BYTES for pod ${JSON.stringify(pod.name)}: Run:ai had no data for it ` +
          'over this window; ask again later or for another window. The other series asked came back.',
        locations: [loc(POD_QUERY, 'metrics(')],
        path: ['node', 'metrics', 0],
        extensions: {
          code: 'METRIC_UNAVAILABLE',
          upstream: 'runai',
          upstreamStatus: 207,
          metricType: 'GPU_MEMORY_USAGE_BYTES',
        },
      },
    ]);

    gw.reset();
    const whole = await gql(gw, POD_QUERY, { id, types: ['GPU_UTILIZATION_PER_GPU'], ...window });
    expect(whole).toEqual({ status: 200, data: { node: { metrics: truth.map(asSeries) } } });
  });

  it('when no series asked came back, each error says so', async () => {
    const pod = multiGpu();
    const window = windowOf(pod);
    const types = ['GPU_MEMORY_USAGE_BYTES', 'CPU_USAGE_CORES'];
    gw.sims.runai.applySettings({ unavailableMetrics: types });
    const id = globalId('Pod', `${pod.workloadId}/${pod.id}`);
    const res = await gql(gw, POD_QUERY, { id, types, ...window });
    expect(res).toEqual({
      status: 200,
      data: { node: { metrics: [null, null] } },
      errors: types.map((type, index) => ({
        message:
          `Run:ai answered 207 (partial success) without ${type} for pod ${JSON.stringify(pod.name)}: Run:ai had no data ` +
          'for it over this window; ask again later or for another window. None of the series asked came back.',
        locations: [loc(POD_QUERY, 'metrics(')],
        path: ['node', 'metrics', index],
        extensions: { code: 'METRIC_UNAVAILABLE', upstream: 'runai', upstreamStatus: 207, metricType: type },
      })),
    });
    expect(gw.requests('runai')).toEqual([workloadWalk(pod), metricsCall(pod, types, window, 20, 207)]);
  });
});

describe('Pod.gpuUtilization', () => {
  it('is the mean of the GPU_UTILIZATION samples, asked in the same call as metrics on the same window', async () => {
    const pod = multiGpu();
    const window = windowOf(pod);
    const truth = await simMetrics(pod, ['GPU_UTILIZATION', 'CPU_USAGE_CORES'], window);
    const query = `query($id: ID!, $start: DateTime!, $end: DateTime!) { node(id: $id) { ... on Pod {
      gpuUtilization(start: $start, end: $end)
      metrics(types: [CPU_USAGE_CORES], start: $start, end: $end) { type labels { key value } samples { value } }
    } } }`;
    const res = await gql(gw, query, { id: globalId('Pod', `${pod.workloadId}/${pod.id}`), ...window });
    const utilization = mean(truth[0]!.values.map((v) => Number(v.value)));
    expect(utilization).toBeGreaterThan(0);
    expect(res).toEqual({
      status: 200,
      data: { node: { gpuUtilization: utilization, metrics: [asSeries(truth[1]!)] } },
    });
    expect(gw.requests('runai')).toEqual([
      workloadWalk(pod),
      metricsCall(pod, ['GPU_UTILIZATION', 'CPU_USAGE_CORES'], window),
    ]);
  });

  it('over a page of pods: one list_pods and one metrics call per pod, counted in the estimate', async () => {
    const pods = fleet.pods.slice(0, 3);
    const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-08T00:00:00Z' };
    const expected: (number | null)[] = [];
    for (const pod of pods) {
      const [series] = await simMetrics(pod, ['GPU_UTILIZATION'], window, 50);
      expected.push(mean(series!.values.map((v) => Number(v.value))));
    }
    const res = await gw.post({
      query: `{ pods(first: 3) { nodes { podId gpuUtilization(start: "${window.start}", end: "${window.end}", samples: 50) } } }`,
    });
    expect(res.data).toEqual({
      pods: { nodes: pods.map((p, i) => ({ podId: p.id, gpuUtilization: expected[i] })) },
    });
    expect(gw.calls().runai).toEqual({ list_pods: 1, get_workload_pod_metrics: 3 });
    expect(gw.requests('runai').filter((r) => r.operation !== 'list_pods')).toEqual(
      pods.map((p) => metricsCall(p, ['GPU_UTILIZATION'], window, 50)),
    );
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 4, actualUpstreamCalls: 4 });
  });

  it('fails alone with METRIC_UNAVAILABLE when the 207 answer leaves GPU_UTILIZATION out', async () => {
    const pod = multiGpu();
    const window = windowOf(pod);
    gw.sims.runai.applySettings({ unavailableMetrics: ['GPU_UTILIZATION'] });
    const query = `query($id: ID!, $start: DateTime!, $end: DateTime!) { node(id: $id) { ... on Pod { podId gpuUtilization(start: $start, end: $end) } } }`;
    const res = await gql(gw, query, { id: globalId('Pod', `${pod.workloadId}/${pod.id}`), ...window });
    expect(res.data).toEqual({ node: { podId: pod.id, gpuUtilization: null } });
    expect(res.errors?.map((e) => [e.path, e.message, e.extensions])).toEqual([
      [
        ['node', 'gpuUtilization'],
        `Run:ai answered 207 (partial success) without GPU_UTILIZATION for pod ${JSON.stringify(pod.name)}: ` +
          'Run:ai had no data for it over this window; ask again later or for another window.',
        { code: 'METRIC_UNAVAILABLE', upstream: 'runai', upstreamStatus: 207, metricType: 'GPU_UTILIZATION' },
      ],
    ]);
    expect(gw.requests('runai')).toEqual([
      workloadWalk(pod),
      metricsCall(pod, ['GPU_UTILIZATION'], window, 20, 207),
    ]);
  });

  it.each([
    [
      'gpuUtilization(start: "2026-01-02T00:00:00Z", end: "2026-01-01T00:00:00Z")',
      'Pod.gpuUtilization: `start` must not be after `end`.',
      'start',
    ],
    [
      'gpuUtilization(start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z", samples: 1001)',
      'Pod.gpuUtilization: `samples` must be from 1 to 1000, got 1001.',
      'samples',
    ],
  ])('refuses the whole operation for %s, before any call', async (field, message, argument) => {
    const res = await gql(gw, `{ pods(first: 1) { nodes { ${field} } } }`);
    expect(res).toEqual({
      status: 400,
      errors: [{ message, extensions: { code: 'BAD_USER_INPUT', argument } }],
    });
    expect(gw.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });
});

/** The not-completed pods walk of the GPU figures (pages of 500). */
function notCompletedWalk(): Partial<RecordedRequest>[] {
  const count = [...fleet.pods].filter((p) => !p.completedAt).length;
  return Array.from({ length: Math.ceil(count / 500) }, (_, i) => ({
    operation: 'list_pods',
    query: { offset: `${i * 500}`, limit: '500', completed: 'false' },
  }));
}

describe('GpuCapacity.utilization', () => {
  const WINDOW = { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' };
  const QUERY = `query($name: String!, $start: DateTime!, $end: DateTime!) {
    nodePool(name: $name) { gpus { allocated runningPods utilization(start: $start, end: $end, samples: 10) } }
  }`;

  /** Running pods with allocated GPUs per node pool, smallest pool first. */
  function poolsByGpuPods() {
    return fleet.nodePools
      .map((pool) => ({
        pool,
        pods: fleet
          .podsOfNodePool(pool.name)
          .filter((p) => p.k8sPhase === 'Running' && !p.completedAt && (p.allocatedResources?.gpu ?? 0) > 0),
      }))
      .filter((p) => p.pods.length > 0)
      .sort((a, b) => a.pods.length - b.pods.length);
  }

  it("a node pool's: its running pods' mean utilization weighted by allocated GPUs, one metrics call each", async () => {
    const { pool, pods } = poolsByGpuPods()[0]!;
    expect(pods.length).toBeGreaterThan(1);
    let weighted = 0;
    let weight = 0;
    for (const pod of pods) {
      const [series] = await simMetrics(pod, ['GPU_UTILIZATION'], WINDOW, 10);
      const allocated = pod.allocatedResources!.gpu!;
      weighted += allocated * mean(series!.values.map((v) => Number(v.value)));
      weight += allocated;
    }
    const res = await gw.post({ query: QUERY, variables: { name: pool.name, ...WINDOW } });
    expect(res.errors).toBeUndefined();
    const gpus = (
      res.data as { nodePool: { gpus: { allocated: number; runningPods: number; utilization: number } } }
    ).nodePool.gpus;
    expect(gpus.allocated).toBe(r6(weight));
    expect(gpus.utilization).toBeCloseTo(weighted / weight, 5);
    expect(gpus.utilization).toBeGreaterThan(0);
    const metrics = gw.requests('runai').filter((r) => r.operation === 'get_workload_pod_metrics');
    expect(metrics).toEqual(
      expect.arrayContaining(pods.map((p) => metricsCall(p, ['GPU_UTILIZATION'], WINDOW, 10))),
    );
    expect(metrics).toHaveLength(pods.length);
    expect(gw.requests('runai').filter((r) => r.operation === 'list_pods')).toMatchObject(notCompletedWalk());
    expect(res.extensions?.cost).toMatchObject({
      actualUpstreamCalls: 1 + notCompletedWalk().length + pods.length,
    });
  });

  it("shares each pod's call with Pod.gpuUtilization on the same window: one metrics call per pod", async () => {
    const { pool, pods } = poolsByGpuPods()[0]!;
    const query = `query($name: String!, $start: DateTime!, $end: DateTime!) { nodePool(name: $name) {
      gpus { utilization(start: $start, end: $end, samples: 10) }
      pods(first: 3, filter: { phases: [RUNNING] }) { nodes { podId gpuUtilization(start: $start, end: $end, samples: 10) } }
    } }`;
    const res = await gql(gw, query, { name: pool.name, ...WINDOW });
    expect(res.errors).toBeUndefined();
    const shown = (res.data as { nodePool: { pods: { nodes: { podId: string }[] } } }).nodePool.pods.nodes;
    expect(shown.map((n) => n.podId)).toEqual(
      fleet
        .podsOfNodePool(pool.name)
        .filter((p) => p.k8sPhase === 'Running')
        .slice(0, 3)
        .map((p) => p.id),
    );
    expect(shown.every((n) => pods.some((p) => p.id === n.podId))).toBe(true);
    expect(gw.calls().runai.get_workload_pod_metrics).toBe(pods.length);
  });

  it("fails with METRIC_UNAVAILABLE when Run:ai's 207 leaves a pod's GPU_UTILIZATION out", async () => {
    const { pool, pods } = poolsByGpuPods()[0]!;
    gw.sims.runai.applySettings({ unavailableMetrics: ['GPU_UTILIZATION'] });
    const res = await gql(gw, QUERY, { name: pool.name, ...WINDOW });
    expect(res.data).toEqual({
      nodePool: {
        gpus: {
          allocated: expect.any(Number) as number,
          runningPods: expect.any(Number) as number,
          utilization: null,
        },
      },
    });
    // The pool's first pod is named, whichever pod's answer came first.
    expect(res.errors?.map((e) => [e.path, e.message, e.extensions])).toEqual([
      [
        ['nodePool', 'gpus', 'utilization'],
        `Run:ai answered 207 (partial success) without GPU_UTILIZATION for pod ${JSON.stringify(pods[0]!.name)}: ` +
          'Run:ai had no data for it over this window; ask again later or for another window. ' +
          'This utilization weighs every pod with allocated GPUs, so it is not answered.',
        { code: 'METRIC_UNAVAILABLE', upstream: 'runai', upstreamStatus: 207, metricType: 'GPU_UTILIZATION' },
      ],
    ]);
    expect(gw.calls().runai.get_workload_pod_metrics).toBe(pods.length);
  });

  it('refuses a window that ends before it starts with BAD_USER_INPUT, before any call', async () => {
    const query = `{ fleetGpus { utilization(start: "2026-01-02T00:00:00Z", end: "2026-01-01T00:00:00Z") } }`;
    const res = await gql(gw, query);
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message: 'GpuCapacity.utilization: `start` must not be after `end`.',
          extensions: { code: 'BAD_USER_INPUT', argument: 'start' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: {} });
  });

  it('past 100 pods per request the field fails with SCAN_BUDGET_EXCEEDED before any metrics call', async () => {
    const query = `{ fleetGpus { utilization(start: "${WINDOW.start}", end: "${WINDOW.end}") } }`;
    const gpuPods = poolsByGpuPods().flatMap((p) => p.pods);
    expect(gpuPods.length).toBeGreaterThan(100);
    const res = await gql(gw, query);
    expect(res).toEqual({
      status: 200,
      data: { fleetGpus: { utilization: null } },
      errors: [
        {
          message:
            'GpuCapacity.utilization: the gateway asks Run:ai for the metrics of each running pod with allocated GPUs, one call per pod, ' +
            `at most 100 pods per request over every utilization field; this one needs ${gpuPods.length} more and 0 are taken. ` +
            'Ask it of fewer or smaller node pools (NodePool.gpus on a filtered nodePools page rather than Cluster.gpus or fleetGpus), ' +
            'or ask Pod.gpuUtilization on a page of pods.',
          locations: [loc(query, 'utilization')],
          path: ['fleetGpus', 'utilization'],
          extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 100 },
        },
      ],
    });
    expect(gw.calls().runai).toEqual({ list_pods: notCompletedWalk().length });
  });

  it('the budget is shared by every utilization field of the request: the pool that would pass it fails alone', async () => {
    const [a, b] = poolsByGpuPods().reverse();
    expect(a!.pods.length + b!.pods.length).toBeGreaterThan(100);
    expect(a!.pods.length).toBeLessThanOrEqual(100);
    const query = `query($a: String!, $b: String!) {
      a: nodePool(name: $a) { gpus { utilization(start: "${WINDOW.start}", end: "${WINDOW.end}") } }
      b: nodePool(name: $b) { gpus { utilization(start: "${WINDOW.start}", end: "${WINDOW.end}") } }
    }`;
    const res = await gql(gw, query, { a: a!.pool.name, b: b!.pool.name });
    const data = res.data as {
      a: { gpus: { utilization: number | null } };
      b: { gpus: { utilization: number | null } };
    };
    expect(data.a.gpus.utilization).toBeGreaterThan(0);
    expect(data.b.gpus.utilization).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions])).toEqual([
      [['b', 'gpus', 'utilization'], { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 100 }],
    ]);
    expect(gw.calls().runai.get_workload_pod_metrics).toBe(a!.pods.length);
  });
});

describe('weightedUtilization', () => {
  it('weighs each pod by its allocated GPUs and leaves out pods without GPUs or samples', () => {
    expect(
      weightedUtilization([
        { allocated: 2, utilization: 50 },
        { allocated: 0, utilization: 90 },
        { allocated: 1, utilization: null },
        { allocated: 6, utilization: 10 },
      ]),
    ).toBe(20);
    expect(weightedUtilization([{ allocated: 1, utilization: null }])).toBeNull();
    expect(weightedUtilization([])).toBeNull();
  });
});
