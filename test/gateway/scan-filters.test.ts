/**
 * Filters the vendors cannot apply, applied by the gateway within its scan budget:
 * PodFilter.phases (Run:ai has no phase filter) and WarmPoolFilter.phases (Gitpod has none).
 * Pages are exact and cursors stateless (every page is compared with the simulator's data, and a
 * cursor resumes in a fresh request); the estimate counts the scan; a fleet larger than the
 * budget is refused with SCAN_BUDGET_EXCEEDED naming the budget and how to narrow.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CREDENTIALS, gql, groundTruth, loc, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

type Page<K extends string> = {
  nodes: Record<K, string>[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
};

describe('PodFilter.phases', () => {
  const QUERY = `query($a: String, $f: PodFilter) {
    pods(first: 25, after: $a, filter: $f) { nodes { podId } pageInfo { endCursor hasNextPage } }
  }`;

  it('pages through the failed and unknown pods exactly, each page resuming from its cursor', async () => {
    const expected = fleet.pods.filter((p) => p.k8sPhase === 'Failed' || p.k8sPhase === 'Unknown');
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: { data?: { pods: Page<'podId'> } | null } = await gql(gw, QUERY, {
        a: after,
        f: { phases: ['UNKNOWN', 'FAILED'] },
      });
      const page = res.data!.pods;
      expect(page.nodes.length).toBe(Math.min(25, expected.length - seen.length));
      seen.push(...page.nodes.map((n) => n.podId));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected.map((p) => p.id));
  });

  it('reads list_pods pages of 500 until one match past the page is found', async () => {
    const failed = fleet.pods.filter((p) => p.k8sPhase === 'Failed');
    // The 11th failed pod decides hasNextPage; it sits at this upstream offset.
    const eleventh = fleet.pods.indexOf(failed[10]!);
    const res = await gw.post({
      query: `{ pods(first: 10, filter: {phases: [FAILED]}) { nodes { podId } pageInfo { hasNextPage } } }`,
    });
    expect(res.data).toEqual({
      pods: { nodes: failed.slice(0, 10).map((p) => ({ podId: p.id })), pageInfo: { hasNextPage: true } },
    });
    const pages = Math.floor(eleventh / 500) + 1;
    expect(gw.requests('runai')).toEqual(
      Array.from({ length: pages }, (_, i) => ({
        operation: 'list_pods',
        method: 'GET',
        path: '/api/v1/workloads/pods',
        query: { offset: `${i * 500}`, limit: '500' },
        body: null,
        credential: CREDENTIALS.runai.masked,
        status: 200,
      })),
    );
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 4, actualUpstreamCalls: pages });
  });

  it('totalCount scans the whole filtered list; narrowed upstream filters go along', async () => {
    const cluster = fleet.clusters[0]!;
    const uuid = fleet.uuidOf(cluster.name);
    const expected = fleet.pods.filter((p) => p.clusterId === uuid && p.k8sPhase === 'Pending');
    const res = await gw.post({
      query: `query($f: PodFilter) { pods(first: 3, filter: $f) { nodes { podId } totalCount } }`,
      variables: { f: { phases: ['PENDING'], clusterUuid: { equals: uuid } } },
    });
    expect(res.data).toEqual({
      pods: { nodes: expected.slice(0, 3).map((p) => ({ podId: p.id })), totalCount: expected.length },
    });
    expect(gw.requests('runai').every((r) => r.query.filterBy === `clusterId==${uuid}`)).toBe(true);
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 8 });
  });

  it('backward paging and an empty list are refused before any call', async () => {
    const last = `{ pods(last: 5, filter: {phases: [RUNNING]}) { nodes { podId } } }`;
    expect((await gql(gw, last)).errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'last',
    });
    const empty = `{ pods(first: 5, filter: {phases: []}) { nodes { podId } } }`;
    expect(await gql(gw, empty)).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          message: 'filter.phases cannot be empty: omit it to accept every phase.',
          locations: [loc(empty, 'pods')],
          path: ['pods'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.phases' },
        },
      ],
    });
    expect(gw.calls().runai).toEqual({});
  });
});

describe('WarmPoolFilter.phases', () => {
  const QUERY = `query($a: String) {
    warmPools(first: 4, after: $a, filter: {phases: [DEGRADED, PENDING]}) { nodes { id } pageInfo { endCursor hasNextPage } }
  }`;

  it('pages through the degraded and pending warm pools exactly, cursors resuming mid-page', async () => {
    const expected = fleet.warmPools.filter(
      (w) => w.status?.phase === 'WARM_POOL_PHASE_DEGRADED' || w.status?.phase === 'WARM_POOL_PHASE_PENDING',
    );
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const res: { data?: { warmPools: Page<'id'> } | null } = await gql(gw, QUERY, { a: after });
      const page = res.data!.warmPools;
      ids.push(...page.nodes.map((n) => n.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(ids.length).toBe(expected.length);
    expect(ids).toEqual(
      expected.map((w) =>
        Buffer.from(`WarmPool:${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`).toString(
          'base64url',
        ),
      ),
    );
  });

  it('totalCount counts the matching pools of the whole list', async () => {
    const expected = fleet.warmPools.filter((w) => w.status?.phase === 'WARM_POOL_PHASE_DELETED');
    const res = await gw.post({
      query: `{ warmPools(first: 1, filter: {phases: [DELETED]}) { totalCount } }`,
    });
    expect(res.data).toEqual({ warmPools: { totalCount: expected.length } });
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 20 });
  });
});

describe('past the scan budget', () => {
  let big: TestGateway;
  let bigFleet: Fleet;
  beforeAll(async () => {
    big = await startTestGateway({ SIM_SCALE: '9' });
    bigFleet = groundTruth(big.world);
  });
  afterAll(() => big.stop());

  it('a rare pod phase over more than 2000 pods fails with SCAN_BUDGET_EXCEEDED after 4 calls', async () => {
    // Newest completion first puts the pods that never completed first (nulls sort first
    // descending); more than 2000 of them, none failed, so no failed pod is within the budget.
    const open = bigFleet.pods.filter((p) => !p.completedAt);
    expect(open.length).toBeGreaterThan(2000);
    expect(open.some((p) => p.k8sPhase === 'Failed')).toBe(false);
    expect(bigFleet.pods.some((p) => p.k8sPhase === 'Failed')).toBe(true);
    const query = `{ pods(first: 1, filter: {phases: [FAILED]}, orderBy: {field: COMPLETED_AT, direction: DESC}) { nodes { podId } } }`;
    big.reset();
    expect(await gql(big, query)).toEqual({
      status: 200,
      data: { pods: null },
      errors: [
        {
          message:
            'pods: filter.phases is applied by the gateway, which reads at most 2000 pods (4 list_pods calls of 500) per field, ' +
            'and more match the other conditions. Narrow the query with filters Run:ai applies itself ' +
            '(cluster, nodePool, workload, createdAt, completed, …) or page on from an earlier cursor.',
          locations: [loc(query, 'pods')],
          path: ['pods'],
          extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 2000, argument: 'filter.phases' },
        },
      ],
    });
    expect(big.calls().runai).toEqual({ list_pods: 4 });
  });

  it('a warm pool phase over more than 1000 pools fails the same way after 10 calls', async () => {
    expect(bigFleet.warmPools.length).toBeGreaterThan(1000);
    const query = `{ warmPools(first: 1, filter: {phases: [DEGRADED]}) { totalCount } }`;
    big.reset();
    const res = await gql(big, query);
    expect(res.errors).toEqual([
      {
        message:
          'warmPools: filter.phases is applied by the gateway, which reads at most 1000 warm pools (10 ListWarmPools calls of 100) per field, ' +
          'and more match the other conditions. Narrow the query with filter.projectIds or filter.environmentClassIds (Gitpod applies them), ' +
          'or page on from an earlier cursor.',
        locations: [loc(query, 'totalCount')],
        path: ['warmPools', 'totalCount'],
        extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 1000, argument: 'filter.phases' },
      },
    ]);
  });
});
