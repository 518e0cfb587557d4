/**
 * Cross-vendor joins under a non-default key: with RUNAI_NODE_POOL_KEY=annotation:<key>, a
 * Fireworks node pool and a Run:ai pod meet on the node pool's annotation instead of its short id,
 * in both directions, batched like the default join.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { globalId, gql, groundTruth, MAPPING_ONLY, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';

describe('the node pool join by annotation (RUNAI_NODE_POOL_KEY=annotation:run.ai/node-pool)', () => {
  let byAnnotation: TestGateway;
  let fleet: Fleet;
  beforeAll(async () => {
    byAnnotation = await startTestGateway({
      ...MAPPING_ONLY,
      RUNAI_NODE_POOL_KEY: 'annotation:run.ai/node-pool',
    });
    fleet = groundTruth(byAnnotation.world);
  });
  afterAll(() => byAnnotation.stop());
  beforeEach(() => byAnnotation.reset());

  it('lists a node pool’s pods by the annotation’s value, reading the annotation in the readMask', async () => {
    const pool = fleet.nodePools.find((p) => fleet.podsOfNodePool(p.name).length > 0)!;
    const res = await gql(
      byAnnotation,
      `{ nodePool(name: "${pool.name}") { pods(first: 1) { totalCount } } }`,
    );
    expect(res).toEqual({
      status: 200,
      data: { nodePool: { pods: { totalCount: fleet.podsOfNodePool(pool.name).length } } },
    });
    expect(byAnnotation.requests('fireworks').map((r) => r.query.readMask)).toEqual(['annotations,name']);
    expect(byAnnotation.requests('runai')[0]?.query.filterBy).toMatch(
      new RegExp(`,currentNodepool==${pool.annotations?.['run.ai/node-pool']}$`),
    );
  });

  it('finds the node pools of 50 pods with one ListNodePools filtered by cluster and annotation', async () => {
    const res = await gql<{
      pods: { nodes: { currentNodePoolId: string | null; nodePool: { nodePoolId: string } | null }[] };
    }>(byAnnotation, '{ pods(first: 50) { nodes { currentNodePoolId nodePool { nodePoolId } } } }');
    const nodes = res.data?.pods.nodes ?? [];
    expect(nodes.length).toBe(50);
    for (const node of nodes) {
      expect(node.nodePool?.nodePoolId ?? null).toBe(node.currentNodePoolId);
    }
    expect(byAnnotation.calls()).toEqual({
      ...NO_CALLS,
      fireworks: { ListNodePools: 1 },
      runai: { list_pods: 1 },
    });
    expect(byAnnotation.requests('fireworks')[0]?.query.filter).toContain(
      'annotations."run.ai/node-pool" = ',
    );
  });
});

describe("a node pool's cluster is fetched ahead only where this path asks for it", () => {
  let gw: TestGateway;
  let fleet: Fleet;
  beforeAll(async () => {
    gw = await startTestGateway(MAPPING_ONLY);
    fleet = groundTruth(gw.world);
  });
  afterAll(() => gw.stop());
  beforeEach(() => gw.reset());

  const job = () =>
    fleet.batchJobs.find((j) => j.nodePoolId && j.name.includes('/clusters/us-west-2-prod/'))!;
  const poolName = () => `${job().name.split('/batchJobs/')[0]}/nodePools/${job().nodePoolId}`;

  it('NodePool.cluster selected on another type only: no GetCluster, within the estimate of 2', async () => {
    const res = await gw.post({
      query: `query($id: ID!) { node(id: $id) {
        ... on BatchJob { nodePool { nodePoolId } }
        ... on NodePool { cluster { displayName } }
      } }`,
      variables: { id: globalId('BatchJob', job().name) },
    });
    expect(res.data).toEqual({ node: { nodePool: { nodePoolId: job().nodePoolId } } });
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListBatchJobs: 1, ListNodePools: 1 } });
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 2, actualUpstreamCalls: 2 });
  });

  it('NodePool.cluster selected under BatchJob.nodePool: fetched alongside the node pool', async () => {
    const cluster = fleet.clusters.find((c) => poolName().startsWith(`${c.name}/`))!;
    const res = await gw.post({
      query: `query($id: ID!) { node(id: $id) { ... on BatchJob { nodePool { cluster { displayName } } } } }`,
      variables: { id: globalId('BatchJob', job().name) },
    });
    expect(res.data).toEqual({ node: { nodePool: { cluster: { displayName: cluster.displayName } } } });
    expect(gw.calls()).toEqual({
      ...NO_CALLS,
      fireworks: { ListBatchJobs: 1, ListNodePools: 1, GetCluster: 1 },
    });
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 3, actualUpstreamCalls: 3 });
  });
});
