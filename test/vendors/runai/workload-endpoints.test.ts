/**
 * get_workload_pods, get_revision_pods, get_workload_pod_metrics and the deprecated getPods,
 * checked against expectations computed here from `generateRunaiData(world)`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunaiPod, RunaiWorkload } from '../../../src/vendors/runai/simulator/index.js';
import {
  brief,
  expectValidResponse,
  inDefaultOrder,
  runaiErrorBody,
  startRunai,
  walkPods,
  type RunaiHarness,
} from '../../helpers/runai-sim.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let h: RunaiHarness;
beforeAll(async () => {
  h = await startRunai();
});
afterAll(() => h.sim.close());

const podsOf = (workload: RunaiWorkload): RunaiPod[] =>
  h.data.pods.filter((p) => p.workloadId === workload.id);

async function expectError(
  operationId: string,
  path: string,
  query: Record<string, string | string[]>,
  status: number,
  message: string,
) {
  const res = await h.get(path, query);
  expect(res.status).toBe(status);
  expectValidResponse(operationId, status, res.body);
  expect(res.body).toEqual(runaiErrorBody(status, message));
}

describe('get_workload_pods', () => {
  const biggest = () => h.data.workloads.reduce((a, b) => (b.podIds.length > a.podIds.length ? b : a));
  const withDeleted = () => {
    const w = h.data.workloads.find(
      (w) => podsOf(w).some((p) => p.deletedAt) && podsOf(w).some((p) => !p.deletedAt),
    );
    if (!w) throw new Error('fixture: no workload with both deleted and live pods');
    return w;
  };

  it.each([1, 3, 50])('walks the live pods of a workload at limit %i with exact next', async (limit) => {
    const workload = biggest();
    const want = inDefaultOrder(podsOf(workload).filter((p) => !p.deletedAt));
    expect(want.length).toBeGreaterThan(limit === 50 ? 0 : limit);
    const { pods } = await walkPods(
      h,
      'get_workload_pods',
      `/api/v1/workloads/${workload.id}/pods`,
      {},
      limit,
      want.length,
    );
    expect(pods).toEqual(want.map(brief));
  });

  it('deleted=true returns only the deleted pods of the workload', async () => {
    const workload = withDeleted();
    const res = await h.get(`/api/v1/workloads/${workload.id}/pods`, { deleted: 'true' });
    expectValidResponse('get_workload_pods', 200, res.body);
    expect(res.body).toEqual({
      pods: inDefaultOrder(podsOf(workload).filter((p) => p.deletedAt)).map(brief),
    });
  });

  it('search narrows the workload pods case-insensitively', async () => {
    const workload = h.data.workloads.find(
      (w) => w.kind === 'distributed' && w.podIds.length >= 3 && podsOf(w).every((p) => !p.deletedAt),
    );
    if (!workload) throw new Error('fixture: no live distributed workload');
    const res = await h.get(`/api/v1/workloads/${workload.id}/pods`, { search: 'WORKER' });
    expect(res.body).toEqual({
      pods: inDefaultOrder(podsOf(workload).filter((p) => p.name.includes('worker'))).map(brief),
    });
    expect((res.body as { pods: unknown[] }).pods.length).toBe(workload.podIds.length - 1);
  });

  it('answers an unknown workload with 404 and a malformed id with 400', async () => {
    await expectError(
      'get_workload_pods',
      `/api/v1/workloads/${UNKNOWN}/pods`,
      {},
      404,
      `workload ${UNKNOWN} not found`,
    );
    await expectError(
      'get_workload_pods',
      '/api/v1/workloads/not-a-uuid/pods',
      {},
      400,
      'workloadId must be a UUID, got "not-a-uuid"',
    );
  });

  it('validates limit like list_pods', async () => {
    const id = biggest().id;
    await expectError(
      'get_workload_pods',
      `/api/v1/workloads/${id}/pods`,
      { limit: '501' },
      400,
      'limit must be an integer from 1 to 500, got "501"',
    );
  });
});

describe('get_revision_pods', () => {
  it('returns every live pod of a revision, unpaged, in the default order', async () => {
    const revision = h.data.revisions.reduce((a, b) => (b.podIds.length > a.podIds.length ? b : a));
    const res = await h.get(`/api/v1/workloads/inferences/revisions/${revision.id}/pods`);
    expect(res.status).toBe(200);
    expectValidResponse('get_revision_pods', 200, res.body);
    const want = inDefaultOrder(h.data.pods.filter((p) => p.revisionId === revision.id && !p.deletedAt));
    expect(want.length).toBeGreaterThan(1);
    expect(res.body).toEqual({ pods: want.map(brief) });
  });

  it('deleted=true returns the deleted pods of the revision', async () => {
    const revision = h.data.revisions.find((r) =>
      h.data.pods.some((p) => p.revisionId === r.id && p.deletedAt),
    );
    if (!revision) throw new Error('fixture: no revision with a deleted pod');
    const res = await h.get(`/api/v1/workloads/inferences/revisions/${revision.id}/pods`, {
      deleted: 'true',
    });
    expect(res.body).toEqual({
      pods: inDefaultOrder(h.data.pods.filter((p) => p.revisionId === revision.id && p.deletedAt)).map(brief),
    });
  });

  it('answers an unknown revision with 404', async () => {
    await expectError(
      'get_revision_pods',
      `/api/v1/workloads/inferences/revisions/${UNKNOWN}/pods`,
      {},
      404,
      `revision ${UNKNOWN} not found`,
    );
  });
});

describe('get_workload_pod_metrics', () => {
  const pathOf = (pod: RunaiPod) => `/api/v1/workloads/${pod.workloadId}/pods/${pod.id}/metrics`;
  const runningMultiGpu = (): RunaiPod => {
    const pod = h.data.pods.find(
      (p) => p.k8sPhase === 'Running' && (p.allocatedResources?.gpu ?? 0) >= 2 && !p.deletedAt,
    );
    if (!pod) throw new Error('fixture: no running multi-GPU pod');
    return pod;
  };
  const window = (pod: RunaiPod) => {
    const from = Date.parse(pod.containers[0]?.startedAt as string) + 60_000;
    return { start: new Date(from).toISOString(), end: new Date(from + 4 * 3_600_000).toISOString() };
  };

  it('returns one series per aggregate type and one per GPU for *_PER_GPU types, with evenly spaced samples', async () => {
    const pod = runningMultiGpu();
    const devices = Math.ceil(pod.allocatedResources?.gpu as number);
    const { start, end } = window(pod);
    const res = await h.get(pathOf(pod), {
      metricType: 'GPU_UTILIZATION_PER_GPU,GPU_UTILIZATION,CPU_USAGE_CORES,GPU_MEMORY_USAGE_BYTES_PER_GPU',
      start,
      end,
      numberOfSamples: '5',
    });
    expect(res.status).toBe(200);
    expectValidResponse('get_workload_pod_metrics', 200, res.body);
    const { measurements } = res.body as {
      measurements: {
        type: string;
        labels: Record<string, string> | null;
        values: { value: string; timestamp: string }[];
      }[];
    };
    const gpus = Array.from({ length: devices }, (_, g) => ({ gpu: String(g) }));
    expect(measurements.map((m) => [m.type, m.labels])).toEqual([
      ...gpus.map((l) => ['GPU_UTILIZATION_PER_GPU', l]),
      ['GPU_UTILIZATION', null],
      ['CPU_USAGE_CORES', null],
      ...gpus.map((l) => ['GPU_MEMORY_USAGE_BYTES_PER_GPU', l]),
    ]);
    const step = (Date.parse(end) - Date.parse(start)) / 4;
    const times = [0, 1, 2, 3, 4].map((i) => new Date(Date.parse(start) + i * step).toISOString());
    for (const m of measurements) expect(m.values.map((v) => v.timestamp)).toEqual(times);

    const numbers = (type: string) =>
      measurements.filter((m) => m.type === type).map((m) => m.values.map((v) => Number(v.value)));
    for (const v of numbers('GPU_UTILIZATION_PER_GPU').flat()) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    const [aggregate] = numbers('GPU_UTILIZATION') as [number[]];
    const perGpu = numbers('GPU_UTILIZATION_PER_GPU');
    aggregate.forEach((v, i) =>
      expect(v).toBeCloseTo(perGpu.reduce((s, series) => s + (series[i] as number), 0) / devices, 1),
    );
    for (const v of numbers('CPU_USAGE_CORES')[0] ?? []) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(pod.requestedResources?.cpu?.request as number);
    }
    const perDeviceBytes =
      (Number.parseInt(pod.allocatedResources?.gpuMemory as string, 10) * 2 ** 30) / devices;
    for (const series of numbers('GPU_MEMORY_USAGE_BYTES_PER_GPU')) {
      for (const v of series) {
        expect(Number.isInteger(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(perDeviceBytes);
      }
    }
  });

  it('is deterministic, and overlapping windows agree on shared timestamps', async () => {
    const pod = runningMultiGpu();
    const { start, end } = window(pod);
    const query = { metricType: 'GPU_UTILIZATION', start, end, numberOfSamples: '5' };
    const a = await h.get(pathOf(pod), query);
    const b = await h.get(pathOf(pod), query);
    expect(a.body).toEqual(b.body);
    const mid = new Date((Date.parse(start) + Date.parse(end)) / 2).toISOString();
    const half = await h.get(pathOf(pod), { ...query, end: mid, numberOfSamples: '3' });
    type Series = { measurements: { values: { value: string; timestamp: string }[] }[] };
    const full = (a.body as Series).measurements[0]?.values ?? [];
    expect((half.body as Series).measurements[0]?.values).toEqual(full.slice(0, 3));
  });

  it('defaults to 20 samples, treats 0 as the default, and samples once at start for 1', async () => {
    const pod = runningMultiGpu();
    const { start, end } = window(pod);
    type Series = { measurements: { values: { timestamp: string }[] }[] };
    const lengthFor = async (extra: Record<string, string>) =>
      ((await h.get(pathOf(pod), { metricType: 'CPU_USAGE_CORES', start, end, ...extra })).body as Series)
        .measurements[0]?.values;
    expect((await lengthFor({}))?.length).toBe(20);
    expect((await lengthFor({ numberOfSamples: '0' }))?.length).toBe(20);
    expect((await lengthFor({ numberOfSamples: '1000' }))?.length).toBe(1000);
    expect((await lengthFor({ numberOfSamples: '1' }))?.map((v) => v.timestamp)).toEqual([start]);
  });

  it('reports zeros for a pod that never started', async () => {
    const pod = h.data.pods.find((p) => p.currentNodePool === null) as RunaiPod;
    const res = await h.get(pathOf(pod), {
      metricType: ['GPU_UTILIZATION', 'CPU_MEMORY_USAGE_BYTES'],
      start: '2025-12-31T00:00:00Z',
      end: '2025-12-31T01:00:00Z',
      numberOfSamples: '3',
    });
    expectValidResponse('get_workload_pod_metrics', 200, res.body);
    const zeros = ['2025-12-31T00:00:00.000Z', '2025-12-31T00:30:00.000Z', '2025-12-31T01:00:00.000Z'].map(
      (timestamp) => ({ value: '0', timestamp }),
    );
    expect(res.body).toEqual({
      measurements: [
        { type: 'GPU_UTILIZATION', labels: null, values: zeros },
        { type: 'CPU_MEMORY_USAGE_BYTES', labels: null, values: zeros },
      ],
    });
  });

  const START = '2025-12-01T00:00:00Z';
  const END = '2025-12-02T00:00:00Z';
  it.each([
    [{ start: START, end: END }, 'metricType is required: one or more of'],
    [
      { metricType: 'GPU_TEMPERATURE', start: START, end: END },
      'metricType must be one of GPU_UTILIZATION_PER_GPU',
    ],
    [
      { metricType: 'GPU_UTILIZATION,', start: START, end: END },
      'metricType must be one of GPU_UTILIZATION_PER_GPU',
    ],
    [
      { metricType: 'GPU_UTILIZATION', end: END },
      'start is required: an ISO 8601 timestamp such as 2026-01-01T00:00:00Z',
    ],
    [
      { metricType: 'GPU_UTILIZATION', start: START },
      'end is required: an ISO 8601 timestamp such as 2026-01-01T00:00:00Z',
    ],
    [
      { metricType: 'GPU_UTILIZATION', start: '2025-12-01', end: END },
      'start must be an ISO 8601 timestamp such as 2026-01-01T00:00:00Z, got "2025-12-01"',
    ],
    [
      { metricType: 'GPU_UTILIZATION', start: END, end: START },
      `start must not be after end, got start=${END} end=${START}`,
    ],
    [
      { metricType: 'GPU_UTILIZATION', start: START, end: END, numberOfSamples: '1001' },
      'numberOfSamples must be an integer from 0 to 1000, got "1001"',
    ],
    [
      { metricType: 'GPU_UTILIZATION', start: START, end: END, numberOfSamples: '-1' },
      'numberOfSamples must be an integer from 0 to 1000, got "-1"',
    ],
  ])('rejects %o with 400', async (query, messageStart) => {
    const pod = runningMultiGpu();
    const res = await h.get(pathOf(pod), query);
    expect(res.status).toBe(400);
    expectValidResponse('get_workload_pod_metrics', 400, res.body);
    expect(res.body).toMatchObject({ code: 400, details: 'Bad Request' });
    expect((res.body as { message: string }).message.startsWith(messageStart)).toBe(true);
  });

  it('answers 404 for an unknown workload, an unknown pod, and a pod of another workload', async () => {
    const pod = runningMultiGpu();
    const other = h.data.workloads.find((w) => w.id !== pod.workloadId) as RunaiWorkload;
    const query = { metricType: 'GPU_UTILIZATION', start: START, end: END };
    const op = 'get_workload_pod_metrics';
    await expectError(
      op,
      `/api/v1/workloads/${UNKNOWN}/pods/${pod.id}/metrics`,
      query,
      404,
      `workload ${UNKNOWN} not found`,
    );
    await expectError(
      op,
      `/api/v1/workloads/${pod.workloadId}/pods/${UNKNOWN}/metrics`,
      query,
      404,
      `pod ${UNKNOWN} not found`,
    );
    await expectError(
      op,
      `/api/v1/workloads/${other.id}/pods/${pod.id}/metrics`,
      query,
      404,
      `pod ${pod.id} not found in workload ${other.id}`,
    );
    await expectError(
      op,
      `/api/v1/workloads/${pod.workloadId}/pods/pod-0/metrics`,
      query,
      400,
      'podId must be a UUID, got "pod-0"',
    );
  });

  describe("the tenant's settings: 207 partial answers", () => {
    afterEach(() => h.sim.reset());
    type Measurement = { type: string; labels: Record<string, string> | null; values: unknown[] };
    const typesOf = (body: unknown) =>
      (body as { measurements: Measurement[] }).measurements.map((m) => [m.type, m.labels]);
    const ask = (pod: RunaiPod, metricType: string) =>
      h.get(pathOf(pod), { metricType, ...window(pod), numberOfSamples: '4' });

    it("with 'Advanced GPU Metrics' off, answers 207 with the basic types only, the same series as with it on", async () => {
      const pod = runningMultiGpu();
      const devices = Math.ceil(pod.allocatedResources?.gpu as number);
      const types = 'GPU_SM_ACTIVITY_PER_GPU,GPU_UTILIZATION,GPU_TENSOR_ACTIVITY_PER_GPU,CPU_USAGE_CORES';
      const full = await ask(pod, types);
      expect(full.status).toBe(200);
      expect(h.sim.applySettings({ advancedGpuMetrics: false })).toEqual({
        advancedGpuMetrics: false,
        unavailableMetrics: [],
      });
      const partial = await ask(pod, types);
      expect(partial.status).toBe(207);
      expectValidResponse('get_workload_pod_metrics', 207, partial.body);
      const basic = (full.body as { measurements: Measurement[] }).measurements.filter(
        (m) => m.type === 'GPU_UTILIZATION' || m.type === 'CPU_USAGE_CORES',
      );
      expect(partial.body).toEqual({ measurements: basic });
      expect(typesOf(full.body)).toHaveLength(2 * devices + 2);
    });

    it('answers 207 with no measurements when no asked type is available, and 200 when none is left out', async () => {
      const pod = runningMultiGpu();
      h.sim.applySettings({ advancedGpuMetrics: false });
      const none = await ask(pod, 'GPU_FP16_ENGINE_ACTIVITY_PER_GPU,GPU_SWAP_MEMORY_BYTES_PER_GPU');
      expect([none.status, none.body]).toEqual([207, { measurements: [] }]);
      const basic = await ask(pod, 'GPU_UTILIZATION_PER_GPU,GPU_MEMORY_USAGE_BYTES');
      expect(basic.status).toBe(200);
      expect(typesOf(basic.body).map(([type]) => type)).toContain('GPU_MEMORY_USAGE_BYTES');
    });

    it('leaves out the types made unavailable, basic or advanced', async () => {
      const pod = runningMultiGpu();
      h.sim.applySettings({ unavailableMetrics: ['GPU_UTILIZATION'] });
      const res = await ask(pod, 'GPU_UTILIZATION,CPU_MEMORY_USAGE_BYTES');
      expect(res.status).toBe(207);
      expect(typesOf(res.body)).toEqual([['CPU_MEMORY_USAGE_BYTES', null]]);
    });

    it('refuses a bad setting over /_sim/settings with 400, and /_sim/reset restores the defaults', async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${h.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as unknown };
      };
      expect(await post('/_sim/settings', { advancedGpuMetrics: 'no' })).toEqual({
        status: 400,
        body: {
          error:
            'unknown or bad setting "advancedGpuMetrics": expected advancedGpuMetrics (boolean) or unavailableMetrics (PodMetricType[])',
        },
      });
      expect((await post('/_sim/settings', { unavailableMetrics: ['GPU_TEMPERATURE'] })).status).toBe(400);
      expect(await post('/_sim/settings', { unavailableMetrics: ['CPU_USAGE_CORES'] })).toEqual({
        status: 200,
        body: { settings: { advancedGpuMetrics: true, unavailableMetrics: ['CPU_USAGE_CORES'] } },
      });
      expect((await ask(runningMultiGpu(), 'CPU_USAGE_CORES')).status).toBe(207);
      await post('/_sim/reset', {});
      expect((await ask(runningMultiGpu(), 'CPU_USAGE_CORES')).status).toBe(200);
    });
  });
});

describe('getPods (deprecated)', () => {
  /** The documented legacy mapping, written independently of the simulator's. */
  function expectedLegacy(pod: RunaiPod): Record<string, unknown> {
    const workload = h.data.workloads.find((w) => w.id === pod.workloadId) as RunaiWorkload;
    const bytes = (q: string) => Number.parseInt(q, 10) * 2 ** 30;
    const request: Record<string, number> = {};
    const r = pod.requestedResources;
    if (typeof r?.gpu?.request === 'number') request.gpu = r.gpu.request;
    if (r?.gpuMemory?.request) request.gpuMemory = bytes(r.gpuMemory.request);
    request.cpu = r?.cpu?.request as number;
    request.memory = bytes(r?.cpuMemory?.request as string);
    const a = pod.allocatedResources;
    const allocation: Record<string, number> = a
      ? {
          gpu: a.gpu as number,
          gpuMemory: bytes(a.gpuMemory as string),
          cpu: a.cpu as number,
          memory: bytes(a.cpuMemory as string),
        }
      : {};
    const statuses: Record<string, string> = {
      Succeeded: 'Completed',
      Failed: 'Error',
      Running: 'Running',
      Unknown: 'Unknown',
    };
    const started = pod.containers[0]?.startedAt;
    return {
      podId: pod.id,
      jobId: pod.workloadId,
      podGroupId: workload.podGroupId,
      clusterUuid: pod.clusterId,
      podName: pod.name,
      imageName: pod.containers[0]?.image,
      phase: pod.k8sPhase,
      status: statuses[pod.k8sPhase] ?? (pod.nodeName ? 'ContainerCreating' : 'Pending'),
      created: Date.parse(pod.createdAt),
      completed: pod.completedAt ? Date.parse(pod.completedAt) : 0,
      lastUpdated: Date.parse(pod.updatedAt),
      existsInCluster: !pod.deletedAt,
      resourceRequest: request,
      resourceAllocation: allocation,
      namespace: `runai-${workload.projectName}`,
      ...(started ? { started: Date.parse(started) } : {}),
      ...(pod.nodeName ? { nodeId: pod.nodeName } : {}),
      ...(pod.currentNodePool ? { nodePool: pod.currentNodePool } : {}),
    };
  }

  it('lists every pod of the cluster, deleted ones included, in the legacy shape with epoch-millisecond times', async () => {
    for (const cluster of h.world.clusters) {
      const res = await h.get(`/v1/k8s/clusters/${cluster.runaiClusterUuid}/pods`);
      expect(res.status).toBe(200);
      expectValidResponse('getPods', 200, res.body);
      const want = inDefaultOrder(h.data.pods.filter((p) => p.clusterId === cluster.runaiClusterUuid));
      expect(res.body).toEqual(want.map(expectedLegacy));
    }
  });

  it('answers an unknown cluster with the Error1 body {code, message}', async () => {
    for (const uuid of [UNKNOWN, 'not-a-uuid']) {
      const res = await h.get(`/v1/k8s/clusters/${uuid}/pods`);
      expect(res.status).toBe(404);
      expectValidResponse('getPods', 404, res.body);
      expect(res.body).toEqual({ code: 404, message: `cluster ${uuid} not found` });
    }
  });
});
