/**
 * The walk caps that make the upstream-call estimate an upper bound (README, Query limits and
 * cost), tried from outside at world scale 10 (13 clusters, 1400 warm pools, 10,000 pods), where
 * the walks take many pages: warm pools by ID read the pages their projects and classes can fill,
 * and getPods stops at 8 Run:ai clusters per request whichever batches they arrive in.
 */
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpstreamRequest, UpstreamSession } from '../../src/upstream/http.js';
import { createFireworksApi } from '../../src/vendors/fireworks/api.js';
import { createGitpodApi } from '../../src/vendors/gitpod/api.js';
import { createRunaiApi } from '../../src/vendors/runai/api.js';
import type { CompiledPodFilter } from '../../src/vendors/runai/filter.js';
import { checkWatchedCount, maxWatchedPages } from '../../src/subscriptions/detectors.js';
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

/**
 * An upstream whose lists never end (a next token or offset on every page, as a misbehaving or
 * changing vendor could answer): each walk stops at its cap, which the estimate counts, with a
 * coded error or its documented fallback. The vendors' APIs run over a session that answers
 * from a function and records the calls.
 */
describe('against an upstream whose lists never end', () => {
  function endless(answer: (request: UpstreamRequest, call: number) => unknown) {
    const calls: UpstreamRequest[] = [];
    const session = {
      json: (request: UpstreamRequest) => Promise.resolve(answer(request, calls.push(request) - 1)),
    } as unknown as UpstreamSession;
    return { session, calls };
  }
  const deps = { settings: { accountId: 'a' }, selected: () => new Map(), alwaysSelected: {} };
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('a pod by ID: its workload walk stops at 1000 pods (2 calls) with SCAN_BUDGET_EXCEEDED', async () => {
    const { session, calls } = endless((_request, call) => ({
      pods: Array.from({ length: 500 }, (_, i) => ({ id: uuid(call * 500 + i + 100), workloadId: uuid(1) })),
      next: (call + 1) * 500,
    }));
    const api = createRunaiApi({ ...deps, session });
    const error = await api.pod(uuid(1), uuid(2)).catch((e: unknown) => e as GraphQLError);
    expect(error).toBeInstanceOf(GraphQLError);
    expect({
      message: (error as GraphQLError).message,
      extensions: (error as GraphQLError).extensions,
    }).toEqual({
      message:
        `Workload ${uuid(1)} has more than 1000 pods, the most Fleetgraph reads for one workload (2 calls of 500) ` +
        'to find a pod by ID or page workloadPods. Use pods(filter: { workloadId: … }) instead, which pages upstream.',
      extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 1000, upstream: 'runai' },
    });
    expect(calls.map((c) => [c.operation, c.query?.offset])).toEqual([
      ['get_workload_pods', 0],
      ['get_workload_pods', 500],
    ]);
  });

  it('Fireworks names: one page per 50 names, then UPSTREAM_ERROR', async () => {
    const { session, calls } = endless(() => ({ nodePools: [], nextPageToken: 'more' }));
    const api = createFireworksApi({ ...deps, session });
    const names = ['accounts/a/clusters/c/nodePools/p1', 'accounts/a/clusters/c/nodePools/p2'];
    const results = await api.nodePoolByName.loadMany(names);
    expect(results.map((r) => [(r as GraphQLError).message, (r as GraphQLError).extensions])).toEqual(
      names.map(() => [
        'Fireworks answered more than one page of 200 for 2 names, which one page holds; Fleetgraph reads one page ' +
          'per lookup. Ask for fewer objects at once.',
        { code: 'UPSTREAM_ERROR', upstream: 'fireworks' },
      ]),
    );
    expect(calls).toHaveLength(1);
  });

  it('Fireworks names: a next token on a page that already holds every name is ignored (AIP-158 allows one)', async () => {
    const names = ['accounts/a/clusters/c/nodePools/p1', 'accounts/a/clusters/c/nodePools/p2'];
    const { session, calls } = endless(() => ({
      nodePools: names.map((name) => ({ name, state: 'READY' })),
      nextPageToken: 'more',
    }));
    const api = createFireworksApi({ ...deps, session });
    const results = await api.nodePoolByName.loadMany(names);
    expect(results.map((r) => (r as { name: string }).name)).toEqual(names);
    expect(calls).toHaveLength(1);
  });

  it('first pages of Cluster.nodePools: a combined walk of one page per cluster, then one list per cluster', async () => {
    const { session, calls } = endless((request) => ({
      nodePools: [{ name: `accounts/a/clusters/c1/nodePools/p-${String(request.query?.pageToken ?? 0)}` }],
      nextPageToken: `${Number(request.query?.pageToken ?? 0) + 1}`,
      totalSize: 1000,
    }));
    const api = createFireworksApi({ ...deps, session });
    const request = { args: { first: 2 }, filter: undefined, orderBy: 'name' };
    const parents = ['accounts/a/clusters/c1', 'accounts/a/clusters/c2', 'accounts/a/clusters/c3'];
    const pages = await Promise.all(parents.map((parent) => api.clusterNodePools(parent, request)));
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, true]);
    // 3 pages of the combined list (min(parents, 10)), then one list per cluster: the estimate.
    expect(calls.map((c) => c.query?.pageToken ?? null)).toEqual([null, '1', '2', null, null, null]);
    expect(calls.slice(3).map((c) => c.query?.filter)).toEqual(
      parents.map((p) => `name = "${p}/nodePools/*"`),
    );
  });

  it('warm pools by ID: the planned pages only, then UPSTREAM_ERROR', async () => {
    const { session, calls } = endless(() => ({ warmPools: [], pagination: { nextToken: 'more' } }));
    const api = createGitpodApi({ ...deps, session });
    const error = await api
      .warmPool({ id: uuid(1), projectId: uuid(2), environmentClassId: uuid(3) })
      .catch((e: unknown) => e as GraphQLError);
    expect({
      message: (error as GraphQLError).message,
      extensions: (error as GraphQLError).extensions,
    }).toEqual({
      message:
        'Gitpod listed more than 100 warm pools for 1 projects and 1 environment classes, more than its one warm pool ' +
        'per project and class allows.',
      extensions: { code: 'UPSTREAM_ERROR', upstream: 'gitpod' },
    });
    expect(calls).toHaveLength(1);
  });

  it("a subscription's poll of Gitpod: empty pages with a next token stop at the watched objects' pages", async () => {
    const { session, calls } = endless(() => ({ warmPools: [], pagination: { nextToken: 'more' } }));
    const pages = maxWatchedPages(100);
    const error = (await createGitpodApi({ ...deps, session })
      .allWarmPools(undefined, checkWatchedCount, pages)
      .catch((e: unknown) => e)) as GraphQLError;
    expect({ message: error.message, extensions: error.extensions }).toEqual({
      message: `Gitpod kept listing past 101 pages, more than a subscription's watched objects can fill; the poll stopped. This is an upstream fault: retry later.`,
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    // 10,000 watched objects are 100 pages of 100, and one more sees the list end.
    expect(calls).toHaveLength(101);
  });

  it("a subscription's poll of Run:ai: full pages forever stop past the 10,000 watched pods", async () => {
    const { session, calls } = endless((_request, call) => ({
      pods: Array.from({ length: 500 }, (_, i) => ({ id: uuid(call * 500 + i + 100), workloadId: uuid(1) })),
      next: (call + 1) * 500,
    }));
    const error = (await createRunaiApi({ ...deps, session })
      .allPods({ filterBy: [] } as unknown as CompiledPodFilter, checkWatchedCount, maxWatchedPages(500))
      .catch((e: unknown) => e)) as GraphQLError;
    expect({ message: error.message, extensions: error.extensions }).toEqual({
      message:
        "This subscription's filter matches more than 10000 objects, which it would re-read every interval; narrow the filter.",
      extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_WATCHED_OBJECTS', maximum: 10000 },
    });
    // An empty page ends a Run:ai walk; 21 full pages pass the bound.
    expect(calls).toHaveLength(21);
  });
});
