/**
 * The world that moves: `/_sim/mutate` applies one precise change visible through every endpoint
 * that shows the object, `/_sim/evolve` takes deterministic steps, and bad controls are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../helpers/demo.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { generateFireworksData } from '../../src/vendors/fireworks/simulator/index.js';
import { generateRunaiData } from '../../src/vendors/runai/simulator/index.js';

const config = (evolveMs = 0) => ({
  simulator: { seed: 42, scale: 1, evolveMs },
  fireworks: { credential: DEMO_CREDENTIALS.fireworks, accountId: 'fleetgraph-demo', simulatorPort: 0 },
  runai: { credential: DEMO_CREDENTIALS.runai, simulatorPort: 0 },
  gitpod: { credential: DEMO_CREDENTIALS.gitpod, simulatorPort: 0 },
});

let sims: RunningSimulators;
beforeAll(async () => (sims = await startSimulators(config())));
afterAll(() => sims.close());

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const get = async (base: string, path: string, token: string) =>
  (await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<
    string,
    unknown
  >;

describe('/_sim/mutate', () => {
  it('a batch job state shows in filtered lists, its update time and its node pool stats', async () => {
    const data = generateFireworksData(sims.world);
    const job = data.batchJobs.find((j) => j.state === 'RUNNING')!;
    const pool = data.nodePools.find((p) => p.name.endsWith(`/nodePools/${job.nodePoolId}`))!;
    const answer = await post(`${sims.urls.runai}/_sim/mutate`, {
      batchJob: job.name,
      set: { state: 'FAILED' },
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        change: {
          kind: 'batchJob',
          id: job.name,
          set: { state: 'FAILED' },
          updateTime: '2026-03-02T00:00:01Z',
        },
      },
    });
    const fw = (path: string) =>
      get(sims.urls.fireworks, `/v1/accounts/fleetgraph-demo${path}`, DEMO_CREDENTIALS.fireworks);
    const failed = await fw(
      `/batchJobs?pageSize=200&filter=${encodeURIComponent('update_time >= "2026-03-02T00:00:00Z"')}`,
    );
    expect(failed.batchJobs).toEqual([
      {
        ...job,
        state: 'FAILED',
        status: 'exit code 1',
        endTime: '2026-03-02T00:00:01Z',
        updateTime: '2026-03-02T00:00:01Z',
      },
    ]);
    const pools = await fw(`/nodePools?pageSize=200&filter=${encodeURIComponent(`name = "${pool.name}"`)}`);
    const stats = (pools.nodePools as { nodePoolStats: { batchJobCount: Record<string, number> } }[])[0]!
      .nodePoolStats;
    const before = pool.nodePoolStats!.batchJobCount!;
    expect(stats.batchJobCount.RUNNING ?? 0).toBe((before.RUNNING ?? 0) - 1);
    expect(stats.batchJobCount.FAILED).toBe((before.FAILED ?? 0) + 1);
    expect((pools.nodePools as { updateTime: string }[])[0]!.updateTime).toBe(pool.updateTime);
  });

  it('a pod phase shows in list_pods, count_pods and the workload list', async () => {
    const pod = generateRunaiData(sims.world).pods.find((p) => p.k8sPhase === 'Pending' && !p.deletedAt)!;
    expect(
      (await post(`${sims.urls.gitpod}/_sim/mutate`, { pod: pod.id, set: { phase: 'Running' } })).status,
    ).toBe(200);
    const token = DEMO_CREDENTIALS.runai;
    const listed = await get(
      sims.urls.runai,
      `/api/v1/workloads/pods?filterBy=workloadId==${pod.workloadId}&limit=500`,
      token,
    );
    const mine = (listed.pods as { id: string; k8sPhase: string; updatedAt: string }[]).find(
      (p) => p.id === pod.id,
    )!;
    expect({ phase: mine.k8sPhase, updatedAt: mine.updatedAt }).toEqual({
      phase: 'Running',
      updatedAt: '2026-03-02T00:00:02Z',
    });
    const workload = await get(sims.urls.runai, `/api/v1/workloads/${pod.workloadId}/pods`, token);
    expect((workload.pods as { id: string; k8sPhase: string }[]).find((p) => p.id === pod.id)!.k8sPhase).toBe(
      'Running',
    );
  });

  it.each([
    [
      { batchJob: 'accounts/fleetgraph-demo/clusters/x/batchJobs/1', set: { state: 'FAILED' } },
      404,
      'no batch job named "accounts/fleetgraph-demo/clusters/x/batchJobs/1"',
    ],
    [{ pod: 'nope', set: { phase: 'Exploded' } }, 404, 'no pod with id "nope"'],
    [{ warmPool: 'x', set: {} }, 400, '"set" must be an object with at least one field'],
    [
      { nodePool: 'a', pod: 'b', set: { x: 1 } },
      400,
      'name exactly one of batchJob, pod, nodePool, warmPool and a "set" object',
    ],
  ])('refuses %j with %i', async (body, status, error) => {
    expect(await post(`${sims.urls.fireworks}/_sim/mutate`, body)).toEqual({ status, body: { error } });
  });
});

describe('/_sim/evolve', () => {
  it('is deterministic: the same seed and steps give the same changes', async () => {
    const a = await startSimulators(config());
    const b = await startSimulators(config());
    try {
      const first = await post(`${a.urls.fireworks}/_sim/evolve`, { steps: 5 });
      const second = await post(`${b.urls.gitpod}/_sim/evolve`, { steps: 5 });
      expect(first.status).toBe(200);
      expect(second).toEqual(first);
      const kinds = (first.body.changes as { kind: string }[]).map((c) => c.kind);
      expect(new Set(kinds)).toEqual(new Set(['batchJob', 'nodePool', 'pod', 'warmPool']));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses steps out of range', async () => {
    expect(await post(`${sims.urls.fireworks}/_sim/evolve`, { steps: 0 })).toEqual({
      status: 400,
      body: { error: '"steps" must be an integer from 1 to 10000' },
    });
  });

  it('SIM_EVOLVE_MS steps the world by time; 0 keeps it still', async () => {
    const moving = await startSimulators(config(20));
    const still = await startSimulators(config());
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(moving.world.motion.steps).toBeGreaterThan(2);
      expect(still.world.motion.steps).toBe(0);
    } finally {
      await Promise.all([moving.close(), still.close()]);
    }
  });
});
