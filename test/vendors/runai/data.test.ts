import { describe, expect, it } from 'vitest';
import { createWorld } from '../../../src/simulators/world.js';
import { generateRunaiData } from '../../../src/vendors/runai/simulator/index.js';
import { expectValidResponse } from '../../helpers/runai-sim.js';

describe('generateRunaiData', () => {
  it('is a pure function of the world', () => {
    const a = generateRunaiData(createWorld({ seed: 42 }));
    const b = generateRunaiData(createWorld({ seed: 42 }));
    const c = generateRunaiData(createWorld({ seed: 43 }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.pods[0]?.id).not.toBe(a.pods[0]?.id);
  });

  it.each([
    { seed: 42, scale: 1 },
    { seed: 7, scale: 0.4 },
    { seed: 1234, scale: 3 },
  ])('places exactly podCount pods on every GPU pool and counts unscheduled pods apart (%o)', (options) => {
    const world = createWorld(options);
    const data = generateRunaiData(world);
    let unscheduled = 0;
    for (const cluster of world.clusters) {
      const pods = data.pods.filter((p) => p.clusterId === cluster.runaiClusterUuid);
      let placed = 0;
      for (const pool of cluster.nodePools) {
        const onPool = pods.filter((p) => p.currentNodePool === pool.id);
        expect(onPool.length, `${cluster.id}/${pool.id}`).toBe(
          pool.accelerator === 'cpu' ? 0 : pool.podCount,
        );
        placed += onPool.length;
      }
      const waiting = pods.filter((p) => p.currentNodePool === null);
      expect(waiting.length).toBe(Math.max(1, Math.round(placed * 0.05)));
      expect(pods.length).toBe(placed + waiting.length);
      const gpuPoolIds = cluster.nodePools.filter((p) => p.accelerator !== 'cpu').map((p) => p.id);
      for (const pod of waiting) {
        expect(pod).toMatchObject({
          k8sPhase: 'Pending',
          nodeName: null,
          ip: null,
          allocatedResources: null,
        });
        expect(pod.requestedNodePools?.length).toBeGreaterThan(0);
        for (const id of pod.requestedNodePools ?? []) expect(gpuPoolIds).toContain(id);
      }
      unscheduled += waiting.length;
    }
    expect(data.unscheduledPodCount).toBe(unscheduled);
    expect(data.clusterIds).toEqual(world.clusters.map((c) => c.runaiClusterUuid));
  });

  it('groups pods into workloads of 1..8 pods and inference revisions', () => {
    const data = generateRunaiData(createWorld());
    const podsById = new Map(data.pods.map((p) => [p.id, p]));
    expect(new Set(data.pods.map((p) => p.id)).size).toBe(data.pods.length);
    expect(data.workloads.reduce((n, w) => n + w.podIds.length, 0)).toBe(data.pods.length);
    for (const workload of data.workloads) {
      expect(workload.podIds.length).toBeGreaterThanOrEqual(1);
      expect(workload.podIds.length).toBeLessThanOrEqual(8);
      for (const id of workload.podIds) {
        expect(podsById.get(id)).toMatchObject({
          workloadId: workload.id,
          clusterId: workload.clusterId,
          projectId: workload.projectId,
          projectName: workload.projectName,
          workloadName: workload.name,
        });
      }
      expect(workload.revisionIds.length > 0).toBe(workload.kind === 'inference');
    }
    for (const revision of data.revisions) {
      for (const id of revision.podIds) expect(podsById.get(id)?.revisionId).toBe(revision.id);
    }
    expect(data.workloads.some((w) => w.revisionIds.length >= 3)).toBe(true);
    expect(data.pods.filter((p) => p.revisionId).length).toBe(
      data.revisions.reduce((n, r) => n + r.podIds.length, 0),
    );
  });

  it('covers every phase with consistent timestamps, none after the epoch', () => {
    const world = createWorld();
    const data = generateRunaiData(world);
    const phases = new Set(data.pods.map((p) => p.k8sPhase));
    expect([...phases].sort()).toEqual(['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown']);
    const epoch = world.epoch.getTime();
    for (const pod of data.pods) {
      expect(Boolean(pod.completedAt)).toBe(pod.k8sPhase === 'Succeeded' || pod.k8sPhase === 'Failed');
      const created = Date.parse(pod.createdAt);
      expect(created).toBeLessThanOrEqual(Date.parse(pod.k8sPhaseUpdatedAt));
      expect(Date.parse(pod.k8sPhaseUpdatedAt)).toBeLessThanOrEqual(Date.parse(pod.updatedAt));
      for (const t of [pod.updatedAt, pod.completedAt, pod.deletedAt]) {
        if (t) expect(Date.parse(t)).toBeLessThanOrEqual(epoch);
      }
      if (pod.deletedAt) expect(Date.parse(pod.deletedAt)).toBeGreaterThanOrEqual(created);
    }
    const deleted = data.pods.filter((p) => p.deletedAt);
    expect(deleted.length).toBeGreaterThan(50);
    expect(deleted.length).toBeLessThan(data.pods.length / 4);
  });

  it('holds names with the characters filterBy and search must escape', () => {
    const data = generateRunaiData(createWorld());
    const nodes = new Set(data.pods.map((p) => p.nodeName));
    expect(nodes).toContain('gpu=node@rack^a$1');
    expect(nodes).toContain('rack,7=node@b^c$');
    const awkward = data.workloads.filter((w) => /[,=@^$]/.test(w.name));
    expect(awkward.length).toBeGreaterThanOrEqual(4);
    expect(awkward.some((w) => w.name.includes(','))).toBe(true);
  });

  it('renders every pod in the documented Pod1 shape', () => {
    const data = generateRunaiData(createWorld());
    expectValidResponse('list_pods', 200, { pods: data.pods });
    expectValidResponse('get_revision_pods', 200, { pods: data.pods });
  });
});
