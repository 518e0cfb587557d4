/**
 * Pods ordered by GPUs (PodOrderField REQUESTED_GPUS / ALLOCATED_GPUS), which Run:ai's sortBy
 * cannot do: the gateway reads the filtered pods within its 2000-pod scan budget and sorts them.
 * Every page is compared with a sort of the simulator's records written here; the exact list_pods
 * calls, the estimate, misplaced and edited cursors, and the budget at a larger world are checked.
 */
import { describe, expect, it } from 'vitest';
import type { RunaiPod } from '../../src/vendors/runai/simulator/index.js';
import { shareGateway, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  byCodeUnit,
  CREDENTIALS,
  gql,
  groundTruth,
  loc,
  NO_CALLS,
  refusedAtRoot,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

const requested = (p: RunaiPod) => p.requestedResources?.gpu?.request ?? 0;
const allocated = (p: RunaiPod) => p.allocatedResources?.gpu ?? 0;

/** The pods sorted by a GPU figure in a direction, ties by id ascending (as Run:ai breaks ties). */
function sortedBy(pods: readonly RunaiPod[], figure: (p: RunaiPod) => number, direction: 1 | -1) {
  return [...pods].sort((a, b) => direction * (figure(a) - figure(b)) || byCodeUnit(a.id, b.id));
}

/** The list_pods calls of one scan of `count` pods with the given extra query parameters. */
function scanCalls(count: number, query: Record<string, string> = {}) {
  return Array.from({ length: Math.max(1, Math.ceil(count / 500)) }, (_, i) => ({
    operation: 'list_pods',
    method: 'GET',
    path: '/api/v1/workloads/pods',
    query: { offset: `${i * 500}`, limit: '500', ...query },
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  }));
}

const PAGE = `query($after: String, $before: String, $first: Int, $last: Int, $order: PodOrder!, $filter: PodFilter) {
  pods(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {
    totalCount
    nodes { podId }
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
  }
}`;

type PodPage = {
  pods: {
    totalCount: number;
    nodes: { podId: string }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string; startCursor: string };
  };
};

describe('pods ordered by GPUs', () => {
  it('walks every pod by allocated GPUs, most first, in exact pages; each page is one scan of the fleet', async () => {
    const expected = sortedBy(fleet.pods, allocated, -1);
    expect(new Set(expected.map(allocated)).size).toBeGreaterThan(3);
    const order = { field: 'ALLOCATED_GPUS', direction: 'DESC' };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      gw.reset();
      const res: { data?: PodPage | null; errors?: unknown } = await gql<PodPage>(gw, PAGE, {
        first: 100,
        after,
        order,
      });
      expect(res.errors).toBeUndefined();
      const page = res.data!.pods;
      const want = expected.slice(seen.length, seen.length + 100);
      expect(page.nodes).toEqual(want.map((p) => ({ podId: p.id })));
      expect(page.totalCount).toBe(expected.length);
      expect(page.pageInfo).toMatchObject({
        hasNextPage: seen.length + 100 < expected.length,
        hasPreviousPage: seen.length > 0,
      });
      expect(gw.requests('runai')).toEqual(scanCalls(expected.length));
      seen.push(...page.nodes.map((n) => n.podId));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected.map((p) => p.id));
  });

  it('sends the filter upstream and sorts what it selects, the phase filter included; totalCount is free', async () => {
    const cluster = fleet.clusters[0]!;
    const uuid = fleet.uuidOf(cluster.name);
    const selected = fleet.pods.filter((p) => p.clusterId === uuid && p.k8sPhase === 'Running');
    const expected = sortedBy(selected, requested, 1);
    const res = await gw.post<PodPage>({
      query: PAGE,
      variables: {
        first: 10,
        order: { field: 'REQUESTED_GPUS' },
        filter: { clusterUuid: { equals: uuid }, phases: ['RUNNING'] },
      },
    });
    expect(res.data!.pods.nodes).toEqual(expected.slice(0, 10).map((p) => ({ podId: p.id })));
    expect(res.data!.pods.totalCount).toBe(expected.length);
    const all = fleet.pods.filter((p) => p.clusterId === uuid);
    expect(gw.requests('runai')).toEqual(scanCalls(all.length, { filterBy: `clusterId==${uuid}` }));
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 4, actualUpstreamCalls: 1 });
  });

  it('pages backwards from the end with last and before', async () => {
    const expected = sortedBy(fleet.pods, requested, 1);
    const order = { field: 'REQUESTED_GPUS', direction: 'ASC' };
    const last = await gql<PodPage>(gw, PAGE, { last: 7, order });
    expect(last.data!.pods.nodes).toEqual(expected.slice(-7).map((p) => ({ podId: p.id })));
    expect(last.data!.pods.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await gql<PodPage>(gw, PAGE, {
      last: 5,
      before: last.data!.pods.pageInfo.startCursor,
      order,
    });
    expect(before.data!.pods.nodes).toEqual(expected.slice(-12, -7).map((p) => ({ podId: p.id })));
  });

  it('with the phase filter too, pages backwards (the sorted list is held whole)', async () => {
    const expected = sortedBy(
      fleet.pods.filter((p) => p.k8sPhase === 'Failed'),
      allocated,
      -1,
    );
    const res = await gql<PodPage>(gw, PAGE, {
      last: 4,
      order: { field: 'ALLOCATED_GPUS', direction: 'DESC' },
      filter: { phases: ['FAILED'] },
    });
    expect(res.data!.pods.nodes).toEqual(expected.slice(-4).map((p) => ({ podId: p.id })));
    expect(res.data!.pods.totalCount).toBe(expected.length);
    expect(gw.requests('runai')).toEqual(scanCalls(fleet.pods.length));
  });

  it('NodePool.pods by GPUs: one scan per node pool, estimated at the scan budget per pool', async () => {
    const cluster = fleet.clusters[0]!;
    const pools = fleet.nodePoolsOf(cluster.name).slice(0, 2);
    const query = `query($c: String!) { cluster(name: $c) { nodePools(first: 2) { nodes {
      pods(first: 3, orderBy: { field: ALLOCATED_GPUS, direction: DESC }) { nodes { podId } }
    } } } }`;
    const res = await gw.post({ query, variables: { c: cluster.name } });
    expect(res.data).toEqual({
      cluster: {
        nodePools: {
          nodes: pools.map((pool) => ({
            pods: {
              nodes: sortedBy(fleet.podsOfNodePool(pool.name), allocated, -1)
                .slice(0, 3)
                .map((p) => ({ podId: p.id })),
            },
          })),
        },
      },
    });
    expect(gw.calls().runai).toEqual({ list_pods: 2 });
    // GetCluster, the node pools' first page (its combined list, then the per-parent fallback the
    // estimate also counts), and the scan budget of each of the two pools.
    expect(res.extensions?.cost).toMatchObject({ estimatedUpstreamCalls: 1 + 2 + 2 * 4 });
  });
});

describe('cursors of a GPU order', () => {
  const FOREIGN =
    '`after` belongs to another connection, to the same field under another parent, or to this one with another filter or orderBy. Cursors only resume the connection and arguments that issued them: restart from the first page.';
  const INVALID =
    "`after` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.";
  const QUERY = `query($after: String, $order: PodOrder) { pods(first: 2, after: $after, orderBy: $order) { nodes { id } } }`;

  async function cursorOf(order: object): Promise<string> {
    const res = await gql<PodPage>(gw, PAGE, { first: 2, order });
    gw.reset();
    return res.data!.pods.pageInfo.endCursor;
  }

  it.each([
    [{ field: 'REQUESTED_GPUS' }, { field: 'ALLOCATED_GPUS' }],
    [{ field: 'REQUESTED_GPUS' }, { field: 'REQUESTED_GPUS', direction: 'DESC' }],
    [{ field: 'CREATED_AT' }, { field: 'ALLOCATED_GPUS' }],
    [{ field: 'ALLOCATED_GPUS' }, { field: 'CREATED_AT' }],
  ])('a cursor issued under %o is refused under %o, with no upstream call', async (issued, presented) => {
    const after = await cursorOf(issued);
    expect(await gql(gw, QUERY, { after, order: presented })).toEqual(
      refusedAtRoot(QUERY, 'pods', FOREIGN, 'after'),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a cursor whose offset was edited (its MAC kept) is refused, with no upstream call', async () => {
    const cursor = await cursorOf({ field: 'ALLOCATED_GPUS' });
    const [payload, mac] = cursor.split('.') as [string, string];
    const real = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p: { o: number } };
    const forged = `${Buffer.from(JSON.stringify({ ...real, p: { o: real.p.o + 40 } })).toString('base64url')}.${mac}`;
    expect(await gql(gw, QUERY, { after: forged, order: { field: 'ALLOCATED_GPUS' } })).toEqual(
      refusedAtRoot(QUERY, 'pods', INVALID, 'after'),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('the scan budget of a GPU order', () => {
  it('a fleet of more than 2000 matching pods is refused after 4 list_pods calls; a filter narrows it', async () => {
    const big = await startTestGateway({ SIM_SCALE: '3' });
    try {
      const bigFleet = groundTruth(big.world);
      expect(bigFleet.pods.length).toBeGreaterThan(2000);
      const query = `{ pods(first: 5, orderBy: { field: REQUESTED_GPUS, direction: DESC }) { nodes { podId } } }`;
      const res = await gql(big, query);
      expect(res).toEqual({
        status: 200,
        data: { pods: null },
        errors: [
          {
            message:
              'pods: Run:ai cannot sort pods by GPUs, so the gateway reads every pod the filter selects and sorts them; it reads at most 2000 pods ' +
              '(4 list_pods calls of 500) per field, and more match the other conditions. ' +
              'Narrow the query with filters Run:ai applies itself (cluster, nodePool, workload, createdAt, completed, …).',
            locations: [loc(query, 'pods')],
            path: ['pods'],
            extensions: { code: 'SCAN_BUDGET_EXCEEDED', scanBudget: 2000, argument: 'orderBy.field' },
          },
        ],
      });
      expect(big.requests('runai')).toEqual(scanCalls(2000));

      big.reset();
      const cluster = bigFleet.clusters[0]!;
      const uuid = bigFleet.uuidOf(cluster.name);
      const narrowed = await gql(
        big,
        `{ pods(first: 5, filter: { clusterUuid: { equals: "${uuid}" } }, orderBy: { field: REQUESTED_GPUS, direction: DESC }) { nodes { podId } } }`,
      );
      const inCluster = bigFleet.pods.filter((p) => p.clusterId === uuid);
      expect(narrowed).toEqual({
        status: 200,
        data: {
          pods: {
            nodes: sortedBy(inCluster, requested, -1)
              .slice(0, 5)
              .map((p) => ({ podId: p.id })),
          },
        },
      });
      expect(big.requests('runai')).toEqual(scanCalls(inCluster.length, { filterBy: `clusterId==${uuid}` }));
    } finally {
      await big.stop();
    }
  });
});
