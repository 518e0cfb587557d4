/**
 * GPU capacity per node pool, per cluster and for the fleet, checked against a computation over
 * the simulators' records written here (the instance-type table restated from the README), with
 * the exact upstream calls of the plan: one walk of the fleet's not-completed pods per request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { poolCapacity, totalCapacity } from '../../src/joins/gpus.js';
import type { NodePoolModel } from '../../src/vendors/fireworks/index.js';
import type { PodModel } from '../../src/vendors/runai/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { mutate } from '../helpers/live.js';
import {
  CREDENTIALS,
  groundTruth,
  type Fleet,
  type FireworksNodePoolRecord,
} from '../helpers/ground-truth.js';
import { GPUS_PER_NODE } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const r6 = (n: number) => Math.round(n * 1e6) / 1e6;

function expectedPool(pool: FireworksNodePoolRecord, table: Record<string, number> = GPUS_PER_NODE) {
  return expectedPoolOf(fleet, pool, table);
}

function expectedPoolOf(
  fleet: Fleet,
  pool: FireworksNodePoolRecord,
  table: Record<string, number> = GPUS_PER_NODE,
) {
  const type = (pool.eksNodePool?.instanceType ?? pool.fakeNodePool?.machineType) as string;
  const perNode = type in table ? table[type]! : null;
  const nodes = pool.nodePoolStats?.nodeCount ?? null;
  const pods = fleet.podsOfNodePool(pool.name).filter((p) => p.k8sPhase === 'Running' && !p.completedAt);
  const allocated = r6(pods.reduce((s, p) => s + (p.allocatedResources?.gpu ?? 0), 0));
  const capacity = perNode === null || nodes === null ? null : perNode * nodes;
  return {
    gpusPerNode: perNode,
    nodes,
    capacity,
    requested: r6(pods.reduce((s, p) => s + (p.requestedResources?.gpu?.request ?? 0), 0)),
    allocated,
    idle: capacity === null ? null : r6(capacity - allocated),
    runningPods: pods.length,
    unknownInstanceTypes: perNode === null ? [type] : [],
  };
}

function sumOf(pools: ReturnType<typeof expectedPool>[]) {
  const known = pools.filter((p) => p.capacity !== null);
  const capacity = known.reduce((s, p) => s + p.capacity!, 0);
  return {
    gpusPerNode: null,
    nodes: pools.reduce((s, p) => s + (p.nodes ?? 0), 0),
    capacity,
    requested: r6(pools.reduce((s, p) => s + p.requested, 0)),
    allocated: r6(pools.reduce((s, p) => s + p.allocated, 0)),
    idle: r6(capacity - known.reduce((s, p) => s + p.allocated, 0)),
    runningPods: pools.reduce((s, p) => s + p.runningPods, 0),
    unknownInstanceTypes: [...new Set(pools.flatMap((p) => p.unknownInstanceTypes))].sort(),
  };
}

const FIELDS = `gpusPerNode nodes capacity requested allocated idle runningPods unknownInstanceTypes`;
const notCompletedCalls = (count: number) =>
  Array.from({ length: Math.ceil(count / 500) || 1 }, (_, i) => ({
    operation: 'list_pods',
    method: 'GET',
    path: '/api/v1/workloads/pods',
    query: { offset: `${i * 500}`, limit: '500', completed: 'false' },
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  }));

describe('GPU capacity', () => {
  it('every node pool, every cluster and the fleet, in one request with one pod walk', async () => {
    const query = `{
      fleetGpus { ${FIELDS} }
      clusters(first: 10) { nodes { name gpus { ${FIELDS} } nodePools(first: 50) { nodes { name gpus { ${FIELDS} } } } } }
    }`;
    const res = await gw.post({ query });
    expect(res.errors).toBeUndefined();
    const pools = fleet.nodePools.map((p) => expectedPool(p));
    expect(pools.some((p) => p.allocated > 0 && p.capacity !== null)).toBe(true);
    expect(res.data).toEqual({
      fleetGpus: sumOf(pools),
      clusters: {
        nodes: fleet.clusters.map((c) => ({
          name: c.name,
          gpus: sumOf(fleet.nodePoolsOf(c.name).map((p) => expectedPool(p))),
          nodePools: {
            nodes: fleet.nodePoolsOf(c.name).map((p) => ({ name: p.name, gpus: expectedPool(p) })),
          },
        })),
      },
    });
    const notCompleted = [...fleet.pods, ...fleet.deletedPods].filter((p) => !p.deletedAt && !p.completedAt);
    expect(gw.requests('runai')).toEqual(notCompletedCalls(notCompleted.length));
    // fleetGpus: 1 ListNodePools; clusters: 1 ListClusters, and the first pages of every cluster's
    // pools (Cluster.nodePools and Cluster.gpus alike) from one account-level list.
    expect(gw.calls().fireworks).toEqual({ ListClusters: 1, ListNodePools: 2 });
  });

  it('no pool of the demo world holds more GPUs than its nodes have: idle ≥ 0 everywhere', async () => {
    const { status, data } = await gw.post({
      query: `{ nodePools(first: 50) { nodes { name gpus { ${FIELDS} } } } }`,
    });
    const pools = fleet.nodePools.map((p) => expectedPool(p));
    expect({ status, data }).toEqual({
      status: 200,
      data: { nodePools: { nodes: fleet.nodePools.map((p, i) => ({ name: p.name, gpus: pools[i] })) } },
    });
    for (const pool of pools) expect(pool.idle).toBeGreaterThanOrEqual(0);
    // Pools without nodes have no running pods; the others have some, and a spread of idle GPUs.
    expect(pools.filter((p) => p.nodes === 0 && p.runningPods > 0)).toEqual([]);
    const used = pools.filter((p) => p.capacity! > 0).map((p) => p.allocated / p.capacity!);
    expect(Math.max(...used)).toBeGreaterThan(0.75);
    expect(Math.min(...used)).toBeLessThan(0.5);
    const notCompleted = [...fleet.pods, ...fleet.deletedPods].filter((p) => !p.deletedAt && !p.completedAt);
    expect(gw.requests('runai')).toEqual(notCompletedCalls(notCompleted.length));
    expect(gw.calls().fireworks).toEqual({ ListNodePools: 1 });
  });

  it('a pool scaled down under its running pods shows a negative idle, not clamped', async () => {
    const moved = await startTestGateway();
    try {
      const pool = fleet.nodePools.find((p) => expectedPool(p).allocated > 0) as FireworksNodePoolRecord;
      const before = expectedPool(pool);
      expect((await mutate(moved, { nodePool: pool.name, set: { nodeCount: 1 } })).status).toBe(200);
      const { status, data } = await moved.post({
        query: `{ nodePool(name: "${pool.name}") { gpus { ${FIELDS} } } }`,
      });
      const capacity = before.gpusPerNode! * 1;
      expect(capacity - before.allocated).toBeLessThan(0);
      expect({ status, data }).toEqual({
        status: 200,
        data: {
          nodePool: { gpus: { ...before, nodes: 1, capacity, idle: r6(capacity - before.allocated) } },
        },
      });
    } finally {
      await moved.stop();
    }
  });

  it('GPU_INSTANCE_TYPES overrides and extends the table', async () => {
    const custom = await startTestGateway({ GPU_INSTANCE_TYPES: '{"p5.48xlarge": 4, "m7i.8xlarge": 1}' });
    try {
      const table = { ...GPUS_PER_NODE, 'p5.48xlarge': 4, 'm7i.8xlarge': 1 };
      const res = await custom.post({ query: `{ fleetGpus { ${FIELDS} } }` });
      expect(res.data).toEqual({ fleetGpus: sumOf(fleet.nodePools.map((p) => expectedPool(p, table))) });
    } finally {
      await custom.stop();
    }
  });

  it('an unknown instance type counts no capacity and is named, in the pool and in sums', () => {
    const pool = {
      name: 'accounts/a/clusters/c/nodePools/p',
      backend: { __typename: 'EksNodePool', instanceType: 'x9.mega' },
      stats: { nodeCount: 3 },
    } as unknown as NodePoolModel;
    const pod = { allocatedResources: { gpu: 2 }, requestedResources: { gpu: { request: 2 } } } as PodModel;
    const unknown = poolCapacity(pool, [pod], {});
    expect(unknown).toEqual({
      gpusPerNode: null,
      nodes: 3,
      capacity: null,
      requested: 2,
      allocated: 2,
      idle: null,
      runningPods: 1,
      unknownInstanceTypes: ['x9.mega'],
    });
    const known = poolCapacity(pool, [pod], { 'x9.mega': 2 });
    expect(known).toMatchObject({ gpusPerNode: 2, capacity: 6, idle: 4, unknownInstanceTypes: [] });
    expect(totalCapacity([unknown, known])).toEqual({
      gpusPerNode: null,
      nodes: 6,
      capacity: 6,
      requested: 4,
      allocated: 4,
      idle: 4,
      runningPods: 2,
      unknownInstanceTypes: ['x9.mega'],
    });
  });

  it('refuses a malformed GPU_INSTANCE_TYPES at start', async () => {
    await expect(startTestGateway({ GPU_INSTANCE_TYPES: '{"p5.48xlarge": 2.5}' })).rejects.toThrow(
      'GPU_INSTANCE_TYPES["p5.48xlarge"] must be an integer from 0 to 64, got 2.5',
    );
  });
});

describe('GPU_SCAN_BUDGET: the one fleet walk per request is bounded, and an operator can raise it', () => {
  let big: TestGateway;
  let bigFleet: Fleet;
  let notCompleted: number;
  beforeAll(async () => {
    big = await startTestGateway({ SIM_SCALE: '10' });
    bigFleet = groundTruth(big.world);
    notCompleted = bigFleet.pods.filter((p) => !p.completedAt).length;
  });
  afterAll(() => big.stop());

  const pool = () => bigFleet.nodePools.find((p) => p.name.endsWith('/a100-spot-3'))!;
  const QUERY = `query($n: String!) { nodePool(name: $n) { gpus { capacity allocated runningPods } } }`;

  it('past the default 5000 pods the gpus field fails after 10 list_pods calls, naming the variable', async () => {
    expect(notCompleted).toBeGreaterThan(5000);
    big.reset();
    const res = await big.query(QUERY, { n: pool().name });
    expect(res.data).toEqual({ nodePool: { gpus: null } });
    expect(res.errors).toEqual([
      {
        message:
          "NodePool.gpus: GPU figures read the whole fleet's not-completed Run:ai pods in one walk per request " +
          '(Run:ai cannot filter on several node pools at once), at most 5000 pods (10 list_pods calls, ' +
          'GPU_SCAN_BUDGET), and this fleet has more. An operator can raise GPU_SCAN_BUDGET (each 500 pods is ' +
          'one more list_pods call per request asking GPU figures); until then, leave the gpus fields out.',
        path: ['nodePool', 'gpus'],
        locations: expect.any(Array) as unknown,
        extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 5000, limit: 'GPU_SCAN_BUDGET' },
      },
    ]);
    expect(big.calls().runai).toEqual({ list_pods: 10 });
  });

  it('fields sharing the walk each name themselves in the error, after one walk of 10 calls', async () => {
    big.reset();
    const res = await big.query(
      `query($n: String!) { fleetGpus { idle } nodePool(name: $n) { gpus { idle } } }`,
      { n: pool().name },
    );
    expect(res.data).toEqual({ fleetGpus: null, nodePool: { gpus: null } });
    // Errors come in the order the fields fail, which the shared walk does not fix.
    const named = res.errors?.map((e) => [e.path, e.message.slice(0, e.message.indexOf(':'))]);
    expect(named?.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      [['fleetGpus'], 'fleetGpus'],
      [['nodePool', 'gpus'], 'NodePool.gpus'],
    ]);
    expect(big.calls().runai).toEqual({ list_pods: 10 });
  });

  it('with GPU_SCAN_BUDGET above the fleet, the same query answers the independent figures', async () => {
    const budget = Math.ceil((notCompleted + 1) / 500) * 500;
    const raised = await startTestGateway({ SIM_SCALE: '10', GPU_SCAN_BUDGET: String(budget) });
    try {
      const res = await raised.post({ query: QUERY, variables: { n: pool().name } });
      const { capacity, allocated, runningPods } = expectedPoolOf(bigFleet, pool());
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ nodePool: { gpus: { capacity, allocated, runningPods } } });
      // Pages of 500 until one comes back short: ⌊n/500⌋ + 1 calls, within the budget's calls.
      expect(raised.calls().runai).toEqual({ list_pods: Math.floor(notCompleted / 500) + 1 });
      expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 1 + budget / 500 });
    } finally {
      await raised.stop();
    }
  });

  it('refuses a GPU_SCAN_BUDGET out of range at start', async () => {
    await expect(startTestGateway({ GPU_SCAN_BUDGET: '100' })).rejects.toThrow(
      'GPU_SCAN_BUDGET must be an integer from 500 to 100000 (pods), got "100"',
    );
  });
});
