/**
 * The simulated fleet is one fleet: no node pool's Run:ai pods hold more GPUs than the pool's
 * Fireworks nodes have. Capacity is computed here from the Fireworks records (nodes × GPUs per
 * node of the instance or machine type, the README's table restated) and set against the Run:ai
 * pods, at several seeds and scales.
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from '../../src/simulators/world.js';
import {
  generateFireworksData,
  type FireworksNodePoolRecord,
} from '../../src/vendors/fireworks/simulator/data.js';
import { generateRunaiData, type RunaiPod } from '../../src/vendors/runai/simulator/data.js';
import { createRunaiMotion } from '../../src/vendors/runai/simulator/motion.js';
import { GPUS_PER_NODE } from '../helpers/ground-truth.js';

const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
const gpusOf = (pods: readonly RunaiPod[]) =>
  r6(pods.reduce((s, p) => s + (p.allocatedResources?.gpu ?? 0), 0));
// Pods that hold a node's GPUs: everything bound to a node that has not finished.
const holdsNode = (p: RunaiPod) =>
  p.nodeName !== null && p.k8sPhase !== 'Succeeded' && p.k8sPhase !== 'Failed';

function perNode(pool: FireworksNodePoolRecord): number {
  const type = (pool.eksNodePool?.instanceType ?? pool.fakeNodePool?.machineType) as string;
  expect(Object.hasOwn(GPUS_PER_NODE, type), type).toBe(true);
  return GPUS_PER_NODE[type] as number;
}

/** Given a world's options, returns each pool's capacity and the Run:ai pods on it. */
function poolsOf(options: { seed: number; scale: number }) {
  const world = createWorld(options);
  const fireworks = generateFireworksData(world);
  const runai = generateRunaiData(world);
  return fireworks.nodePools.map((pool) => {
    const [, clusterId, poolId] = /\/clusters\/([^/]+)\/nodePools\/([^/]+)$/.exec(
      pool.name,
    ) as RegExpExecArray;
    const uuid = world.clusters.find((c) => c.id === clusterId)?.runaiClusterUuid;
    const nodes = pool.nodePoolStats?.nodeCount ?? 0;
    const pods = runai.pods.filter((p) => p.clusterId === uuid && p.currentNodePool === poolId);
    return { name: `${clusterId}/${poolId}`, pool, nodes, gpusPerNode: perNode(pool), pods };
  });
}

describe('the simulated fleet', () => {
  it.each([
    { seed: 42, scale: 1 },
    { seed: 7, scale: 0.4 },
    { seed: 1234, scale: 3 },
    { seed: 2026, scale: 12 },
  ])('never allocates more GPUs on a pool than its nodes have (%o)', (options) => {
    const pools = poolsOf(options);
    let running = 0;
    for (const { name, pool, nodes, gpusPerNode, pods } of pools) {
      const capacity = nodes * gpusPerNode;
      const live = pods.filter((p) => p.k8sPhase === 'Running' && !p.deletedAt);
      expect(gpusOf(live), name).toBeLessThanOrEqual(capacity);
      running += live.length;
      // Per node too: no node holds more than its GPUs, and only as many nodes as the pool has.
      const byNode = new Map<string, RunaiPod[]>();
      for (const pod of pods.filter(holdsNode)) {
        byNode.set(pod.nodeName as string, [...(byNode.get(pod.nodeName as string) ?? []), pod]);
      }
      expect(byNode.size, name).toBeLessThanOrEqual(nodes);
      for (const [node, onNode] of byNode)
        expect(gpusOf(onNode), `${name} ${node}`).toBeLessThanOrEqual(gpusPerNode);
      if (nodes === 0) expect(live, name).toEqual([]);
      expect(
        live.filter((p) => p.nodeName === null),
        name,
      ).toEqual([]);
      // Pods with no room wait on the pool, bound to no node and holding nothing.
      for (const pod of pods.filter((p) => p.nodeName === null)) {
        expect(pod, name).toMatchObject({ k8sPhase: 'Pending', ip: null, allocatedResources: null });
      }
      expect(pool.nodePoolStats?.nodeCount, name).toBeGreaterThanOrEqual(0);
      if (pool.state === 'READY') {
        expect(nodes, name).toBeGreaterThanOrEqual(pool.minNodeCount ?? 0);
        expect(nodes, name).toBeLessThanOrEqual(pool.maxNodeCount ?? 0);
      }
    }
    expect(running).toBeGreaterThan(300 * options.scale);
  });

  it('leaves a spread on the demo data: full pools with waiting pods, and mostly idle ones', () => {
    const pools = poolsOf({ seed: 42, scale: 1 }).filter((p) => p.gpusPerNode > 0 && p.nodes > 0);
    const share = pools.map((p) => {
      const running = p.pods.filter((x) => x.k8sPhase === 'Running');
      return gpusOf(running) / (p.nodes * p.gpusPerNode);
    });
    expect(Math.max(...share)).toBeGreaterThan(0.75);
    expect(Math.min(...share)).toBeLessThan(0.5);
    const waiting = pools.flatMap((p) =>
      p.pods.filter((x) => x.k8sPhase === 'Pending' && x.nodeName === null),
    );
    expect(waiting.length).toBeGreaterThan(0);
  });

  it('stays within capacity as the Run:ai pods move: a pod with no node never starts running', () => {
    const world = createWorld({ seed: 42, scale: 1 });
    const runai = generateRunaiData(world);
    const motion = createRunaiMotion(runai);
    const capacity = new Map(
      generateFireworksData(world).nodePools.map((p) => [p.name.split('/').pop(), perNode(p)]),
    );
    for (let k = 0; k < 300; k++)
      motion.evolve(world.prng(`evolve:runai:${k}`), () => '2026-03-02T00:00:00Z');
    expect(runai.pods.filter((p) => p.k8sPhase === 'Running' && p.nodeName === null)).toEqual([]);
    const byNode = new Map<string, RunaiPod[]>();
    for (const pod of runai.pods.filter(holdsNode)) {
      const key = `${pod.clusterId} ${pod.nodeName}`;
      byNode.set(key, [...(byNode.get(key) ?? []), pod]);
    }
    for (const [node, pods] of byNode) {
      expect(gpusOf(pods), node).toBeLessThanOrEqual(
        capacity.get(pods[0]?.currentNodePool as string) as number,
      );
    }
  });

  it('keeps the vendors apart: the Run:ai data set does not move when Fireworks is generated first', () => {
    const alone = generateRunaiData(createWorld({ seed: 42 }));
    const world = createWorld({ seed: 42 });
    generateFireworksData(world);
    expect(JSON.stringify(generateRunaiData(world))).toBe(JSON.stringify(alone));
  });
});
