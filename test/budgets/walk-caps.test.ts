/**
 * The walk caps that make the upstream-call estimate an upper bound (README, Query limits and
 * cost), tried from outside at world scale 10 (13 clusters, 1400 warm pools, 10,000 pods), where
 * the walks take many pages: warm pools by ID read the pages their projects and classes can fill,
 * and getPods stops at 8 Run:ai clusters per request whichever batches they arrive in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CREDENTIALS, globalId, groundTruth, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
beforeAll(async () => {
  gw = await startTestGateway({ SIM_SCALE: '10' });
  fleet = groundTruth(gw.world);
});
afterAll(() => gw?.stop());
beforeEach(() => gw.reset());

interface Cost {
  estimatedUpstreamCalls: number;
  actualUpstreamCalls: number;
}

describe('warm pools by ID', () => {
  it('100 of them: one list over their projects × classes, its pages only, every pool found', async () => {
    const pools = fleet.warmPools.slice(0, 100);
    const ids = pools.map((w) =>
      globalId('WarmPool', `${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`),
    );
    const res = await gw.post<{ nodes: { warmPoolId: string }[] }>({
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on WarmPool { warmPoolId } } }',
      variables: { ids },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ nodes: pools.map((w) => ({ warmPoolId: w.id })) });

    const projectIds = [...new Set(pools.map((w) => w.metadata.projectId))].sort();
    const environmentClassIds = [...new Set(pools.map((w) => w.metadata.environmentClassId))].sort();
    const matching = fleet.warmPools.filter(
      (w) =>
        projectIds.includes(w.metadata.projectId) &&
        environmentClassIds.includes(w.metadata.environmentClassId),
    );
    const pages = Math.ceil(matching.length / 100);
    expect(pages).toBeGreaterThan(1);
    expect(gw.requests('gitpod')).toEqual(
      Array.from({ length: pages }, (_, page) => ({
        operation: 'ListWarmPools',
        method: 'POST',
        path: '/gitpod.v1.PrebuildService/ListWarmPools',
        query: {},
        body: {
          pagination: page === 0 ? { pageSize: 100 } : { pageSize: 100, token: expect.any(String) },
          filter: { projectIds, environmentClassIds },
        },
        credential: CREDENTIALS.gitpod.masked,
        status: 200,
      })),
    );
    // The estimate: the pages one warm pool per project and class could fill.
    const cost = res.extensions?.cost as Cost;
    expect(cost.actualUpstreamCalls).toBe(pages);
    expect(cost.estimatedUpstreamCalls).toBe(
      Math.ceil((projectIds.length * environmentClassIds.length) / 100),
    );
  });
});

describe('getPods: at most 8 Run:ai clusters per request', () => {
  it('pods of 100 node pools over 13 clusters, each page its own batch: 8 getPods, the rest refused by name', async () => {
    const query = '{ nodePools(first: 100) { nodes { pods(first: 2) { nodes { podId namespace } } } } }';
    const res = await gw.post<{
      nodePools: { nodes: { pods: { nodes: { podId: string; namespace: string | null }[] } | null }[] };
    }>({ query });
    const legacy = gw.requests('runai').filter((r) => r.operation === 'getPods');
    expect(legacy).toHaveLength(8);
    expect(new Set(legacy.map((r) => r.path)).size).toBe(8);
    const message =
      "Pod.namespace, Pod.statusReason and Pod.podGroupId come from Run:ai's deprecated getPods, one unpaged call per cluster, " +
      'at most 8 clusters per request: ask them of pods of fewer clusters (filter.cluster or clusterUuid).';
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(new Set(res.errors?.map((e) => JSON.stringify([e.message, e.extensions])))).toEqual(
      new Set([JSON.stringify([message, { argument: 'Pod.namespace', code: 'BAD_USER_INPUT' }])]),
    );
    // Pods of the 8 clusters read have their namespace; the others null, one error each.
    const read = new Set(legacy.map((r) => r.path.split('/')[4]));
    const pods = res.data!.nodePools.nodes.flatMap((p) => p.pods?.nodes ?? []);
    const byId = new Map(fleet.pods.map((p) => [p.id, p]));
    for (const pod of pods) {
      expect(pod.namespace === null).toBe(!read.has(byId.get(pod.podId)!.clusterId));
    }
    expect(pods.filter((p) => p.namespace === null)).toHaveLength(res.errors!.length);
    const cost = res.extensions?.cost as Cost;
    expect(cost.actualUpstreamCalls).toBeLessThanOrEqual(cost.estimatedUpstreamCalls);
  });

  it('asked of pods of one cluster, whatever their number: one getPods', async () => {
    const uuid = fleet.pods[0]!.clusterId;
    const res = await gw.post({
      query: `{ pods(first: 100, filter: { clusterUuid: { equals: "${uuid}" } }) { nodes { namespace } } }`,
    });
    expect(res.errors).toBeUndefined();
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1, getPods: 1 } });
  });
});
