/**
 * Pagination of every connection, end to end: full walks at several page sizes, forwards on every
 * connection and backwards on the Run:ai ones. Each page is compared whole against the ground
 * truth (the simulators' data sets in each upstream's documented order, sorted here), so an item
 * skipped, repeated or out of place, a wrong `hasNextPage` or a wrong `totalCount` fails the walk.
 */
import { describe, expect, it } from 'vitest';
import { shareGateway, type TestGateway, type VendorName } from '../helpers/gateway.js';
import { BATCH_JOB_STATES } from '../helpers/fireworks-sim.js';
import { byCodeUnit, gql, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

interface Conn {
  edges: { cursor: string; node: Record<string, string> }[];
  nodes: Record<string, string>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** A connection under test: where it sits in a query, and what it must list. */
interface Walkable {
  /** Builds the operation; `args` is the Relay argument list, `selection` the connection selection. */
  query(args: string, selection: string): string;
  /** The path of the connection in `data`. */
  path: string[];
  /** The node field identifying an item. */
  key: string;
  /** The expected keys, in order. */
  expected(): string[];
  /**
   * The upstream calls one page may cost (its totalCount included), or a function of whether the
   * page is the last one of the walk (a last forward page proves the total, sparing count_pods).
   */
  callsPerPage: Calls | ((page: { last: boolean; direction: 'forward' | 'backward' }) => Calls);
}

type Calls = Record<VendorName, Record<string, unknown>>;

function callsOf(c: Walkable, page: { last: boolean; direction: 'forward' | 'backward' }): Calls {
  return typeof c.callsPerPage === 'function' ? c.callsPerPage(page) : c.callsPerPage;
}

const SELECTION = (key: string) =>
  `edges { cursor node { ${key} } } nodes { ${key} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, field) => ({ [field]: inner }), value as never);
}

function dig(data: unknown, path: string[]): Conn {
  return path.reduce<unknown>((v, field) => (v as Record<string, unknown>)[field], data) as Conn;
}

/** The whole expected page of `keys` (cursors are opaque: any string, checked for consistency). */
function expectedPage(
  key: string,
  keys: string[],
  flags: { next: boolean; previous: boolean },
  total: number,
) {
  return {
    edges: keys.map((k) => ({ cursor: expect.any(String), node: { [key]: k } })),
    nodes: keys.map((k) => ({ [key]: k })),
    pageInfo: {
      hasNextPage: flags.next,
      hasPreviousPage: flags.previous,
      startCursor: keys.length ? expect.any(String) : null,
      endCursor: keys.length ? expect.any(String) : null,
    },
    totalCount: total,
  };
}

function expectConsistentCursors(conn: Conn): void {
  expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
  expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1]?.cursor ?? null);
}

/** Walks forwards with `first`, asserting every page whole and its upstream calls. */
async function walkForward(c: Walkable, first: number): Promise<void> {
  const all = c.expected();
  let after: string | null = null;
  let offset = 0;
  let pages = 0;
  for (;;) {
    gw.reset();
    const query = c
      .query('first: $first, after: $after', SELECTION(c.key))
      .replace(V, '$first: Int, $after: String');
    const res = await gql(gw, query, { first, after });
    const keys = all.slice(offset, offset + first);
    const next = offset + first < all.length;
    expect(res).toEqual({
      status: 200,
      data: nest(c.path, expectedPage(c.key, keys, { next, previous: offset > 0 }, all.length)),
    });
    const conn = dig(res.data, c.path);
    expectConsistentCursors(conn);
    expect(gw.calls()).toEqual(callsOf(c, { last: !next, direction: 'forward' }));
    pages++;
    if (!next) break;
    after = conn.pageInfo.endCursor;
    offset += first;
  }
  expect(pages).toBe(Math.max(1, Math.ceil(all.length / first)));
}

/** Walks backwards from the end with `last`, asserting every page whole. */
async function walkBackward(c: Walkable, last: number): Promise<void> {
  const all = c.expected();
  let before: string | null = null;
  let end = all.length;
  let pages = 0;
  for (;;) {
    gw.reset();
    const query = c
      .query('last: $last, before: $before', SELECTION(c.key))
      .replace(V, '$last: Int, $before: String');
    const res = await gql(gw, query, { last, before });
    const start = Math.max(0, end - last);
    const keys = all.slice(start, end);
    expect(res).toEqual({
      status: 200,
      data: nest(
        c.path,
        expectedPage(c.key, keys, { next: end < all.length, previous: start > 0 }, all.length),
      ),
    });
    const conn = dig(res.data, c.path);
    expectConsistentCursors(conn);
    expect(gw.calls()).toEqual(callsOf(c, { last: start === 0, direction: 'backward' }));
    pages++;
    if (start === 0) break;
    before = conn.pageInfo.startCursor;
    end = start;
  }
  expect(pages).toBe(Math.max(1, Math.ceil(all.length / last)));
}

// One page of an AIP-158 list is one call: it asks for exactly the page, from the token where the
// previous page's last edge ends, and totalSize comes with it.
const fireworksPage = (operation: string) => ({
  fireworks: { [operation]: 1 },
  runai: {},
  gitpod: {},
});
// A Run:ai page is one list_pods slice (offset, limit = count + 1) plus count_pods for totalCount,
// except a last forward page, which proves the total itself.
const runaiPage = ({ last, direction }: { last: boolean; direction: 'forward' | 'backward' }) => ({
  fireworks: {},
  runai: last && direction === 'forward' ? { list_pods: 1 } : { list_pods: 1, count_pods: 1 },
  gitpod: {},
});

// Replaced by the walkers with the variable definitions of their direction.
const V = '%VARIABLES%';

describe('Query.clusters (by name)', () => {
  const c: Walkable = {
    query: (args, sel) => `query(${V}) { clusters(${args}) { ${sel} } }`,
    path: ['clusters'],
    key: 'name',
    expected: () => fleet.clusters.map((x) => x.name),
    callsPerPage: fireworksPage('ListClusters'),
  };
  it.each([1, 3, 100])('walks every cluster once at first: %i', (first) => walkForward(c, first));
});

describe('Query.nodePools (by name)', () => {
  const c: Walkable = {
    query: (args, sel) => `query(${V}) { nodePools(${args}) { ${sel} } }`,
    path: ['nodePools'],
    key: 'name',
    expected: () => fleet.nodePools.map((x) => x.name),
    callsPerPage: fireworksPage('ListNodePools'),
  };
  it.each([1, 7, 50])('walks every node pool once at first: %i', (first) => walkForward(c, first));
});

describe('Query.batchJobs (create_time desc, then name)', () => {
  const c: Walkable = {
    query: (args, sel) => `query(${V}) { batchJobs(${args}) { ${sel} } }`,
    path: ['batchJobs'],
    key: 'name',
    expected: () => fleet.batchJobs.map((x) => x.name),
    callsPerPage: fireworksPage('ListBatchJobs'),
  };
  // first: 7 is walked on NodePool.batchJobs below (over 200 jobs, across an upstream page).
  it.each([50, 100])('walks every batch job once at first: %i', (first) => walkForward(c, first));
});

describe('Query.pods (createdAt, then id)', () => {
  const c: Walkable = {
    query: (args, sel) => `query(${V}) { pods(${args}) { ${sel} } }`,
    path: ['pods'],
    key: 'podId',
    expected: () => fleet.pods.map((x) => x.id),
    callsPerPage: runaiPage,
  };
  // Small pages are walked on NodePool.pods below, a shorter list.
  it.each([50, 100])('walks every pod once at first: %i', (first) => walkForward(c, first));
  it.each([100])('walks every pod once backwards at last: %i, from the end to the start', (last) =>
    walkBackward(c, last),
  );
});

describe('Query.warmPools (createdAt, then id)', () => {
  const c: Walkable = {
    query: (args, sel) => `query(${V}) { warmPools(${args}) { ${sel} } }`,
    path: ['warmPools'],
    key: 'warmPoolId',
    expected: () => fleet.warmPools.map((x) => x.id as string),
    // The page (one call, two across a 100-item upstream page) plus the count walk (100 per call).
    callsPerPage: { fireworks: {}, runai: {}, gitpod: { ListWarmPools: expect.toBeOneOf([2, 3, 4]) } },
  };
  it.each([7, 50, 100])('walks every warm pool once at first: %i', (first) => walkForward(c, first));
});

describe('Query.workloadPods (createdAt, then id)', () => {
  const largestWorkload = () => {
    const sizes = new Map<string, number>();
    for (const p of fleet.pods) sizes.set(p.workloadId, (sizes.get(p.workloadId) ?? 0) + 1);
    return [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] as string;
  };
  const c: Walkable = {
    query: (args, sel) =>
      `query(${V}) { workloadPods(workloadId: "${largestWorkload()}", ${args}) { ${sel} } }`,
    path: ['workloadPods'],
    key: 'podId',
    expected: () => fleet.podsOfWorkload(largestWorkload()).map((p) => p.id),
    callsPerPage: { fireworks: {}, runai: { get_workload_pods: 1 }, gitpod: {} },
  };
  it('the walked workload has several pods', () => {
    expect(fleet.podsOfWorkload(largestWorkload()).length).toBeGreaterThan(3);
  });
  it.each([1, 3, 100])('walks every pod of a workload once at first: %i', (first) => walkForward(c, first));
  it.each([1, 3])('walks every pod of a workload once backwards at last: %i', (last) =>
    walkBackward(c, last),
  );
});

describe('Cluster.nodePools (by name)', () => {
  const forCluster = (name: string): Walkable => ({
    query: (args, sel) => `query(${V}) { cluster(name: "${name}") { nodePools(${args}) { ${sel} } } }`,
    path: ['cluster', 'nodePools'],
    key: 'name',
    expected: () => fleet.nodePoolsOf(name).map((p) => p.name),
    callsPerPage: fireworksPage('ListNodePools'),
  });
  it.each([1, 2, 100])('walks every node pool of every cluster once at first: %i', async (first) => {
    for (const cluster of fleet.clusters) {
      const c = forCluster(cluster.name);
      // The cluster itself costs one GetCluster on every page.
      await walkForward(
        { ...c, callsPerPage: { fireworks: { GetCluster: 1, ListNodePools: 1 }, runai: {}, gitpod: {} } },
        first,
      );
    }
  });
});

describe('NodePool.batchJobs (create_time desc, then name)', () => {
  const forPool = (name: string): Walkable => ({
    query: (args, sel) => `query(${V}) { nodePool(name: "${name}") { batchJobs(${args}) { ${sel} } } }`,
    path: ['nodePool', 'batchJobs'],
    key: 'name',
    expected: () => fleet.batchJobsOf(name).map((j) => j.name),
    // The node pool itself (one ListNodePools by name) and the page.
    callsPerPage: {
      fireworks: { ListNodePools: 1, ListBatchJobs: 1 },
      runai: {},
      gitpod: {},
    },
  });
  const busiest = () =>
    [...fleet.nodePools].sort(
      (a, b) => fleet.batchJobsOf(b.name).length - fleet.batchJobsOf(a.name).length,
    )[0]!.name;
  const quietest = () =>
    [...fleet.nodePools].sort(
      (a, b) => fleet.batchJobsOf(a.name).length - fleet.batchJobsOf(b.name).length,
    )[0]!.name;
  it.each([7, 50, 100])('walks the busiest pool (over 200 jobs) once at first: %i', async (first) => {
    expect(fleet.batchJobsOf(busiest()).length).toBeGreaterThan(200);
    await walkForward(forPool(busiest()), first);
  });
  it('walks the quietest pool once at first: 1', () => walkForward(forPool(quietest()), 1));
});

describe('NodePool.pods (createdAt, then id)', () => {
  const forPool = (name: string): Walkable => ({
    query: (args, sel) => `query(${V}) { nodePool(name: "${name}") { pods(${args}) { ${sel} } } }`,
    path: ['nodePool', 'pods'],
    key: 'podId',
    expected: () => fleet.podsOfNodePool(name).map((p) => p.id),
    callsPerPage: (page) => ({ ...runaiPage(page), fireworks: { ListNodePools: 1 } }),
  });
  const gpuPools = () => fleet.nodePools.filter((p) => fleet.podsOfNodePool(p.name).length > 0);
  const busiest = () =>
    [...gpuPools()].sort(
      (a, b) => fleet.podsOfNodePool(b.name).length - fleet.podsOfNodePool(a.name).length,
    )[0]!.name;
  const quietest = () =>
    [...gpuPools()].sort(
      (a, b) => fleet.podsOfNodePool(a.name).length - fleet.podsOfNodePool(b.name).length,
    )[0]!.name;
  it.each([7, 50, 100])('walks the busiest pool once at first: %i', (first) =>
    walkForward(forPool(busiest()), first),
  );
  it('walks the quietest pool once at first: 1', () => walkForward(forPool(quietest()), 1));
  it.each([7, 50])('walks the busiest pool once backwards at last: %i', (last) =>
    walkBackward(forPool(busiest()), last),
  );
  it('answers an empty connection for a pool without pods', async () => {
    const cpu = fleet.nodePools.find((p) => fleet.podsOfNodePool(p.name).length === 0)!.name;
    await walkForward(forPool(cpu), 10);
  });
});

describe('Cluster.pods (createdAt, then id)', () => {
  const forCluster = (name: string): Walkable => ({
    query: (args, sel) => `query(${V}) { cluster(name: "${name}") { pods(${args}) { ${sel} } } }`,
    path: ['cluster', 'pods'],
    key: 'podId',
    expected: () => fleet.podsOfCluster(name).map((p) => p.id),
    callsPerPage: (page) => ({ ...runaiPage(page), fireworks: { GetCluster: 1 } }),
  });
  const smallest = () =>
    [...fleet.clusters].sort(
      (a, b) => fleet.podsOfCluster(a.name).length - fleet.podsOfCluster(b.name).length,
    )[0]!.name;
  const largest = () =>
    [...fleet.clusters].sort(
      (a, b) => fleet.podsOfCluster(b.name).length - fleet.podsOfCluster(a.name).length,
    )[0]!.name;
  it.each([7, 50])('walks the smallest cluster once at first: %i', (first) =>
    walkForward(forCluster(smallest()), first),
  );
  it('walks the largest cluster once at first: 100', () => walkForward(forCluster(largest()), 100));
  it('walks the largest cluster once backwards at last: 50', () => walkBackward(forCluster(largest()), 50));
});

describe('walks in a requested order (ties broken by name for Fireworks, by id for Run:ai)', () => {
  const root = (
    field: string,
    orderBy: string,
    key: string,
    expected: () => string[],
    calls: Walkable['callsPerPage'],
  ): Walkable => ({
    query: (args, sel) => `query(${V}) { ${field}(${args}, orderBy: ${orderBy}) { ${sel} } }`,
    path: [field],
    key,
    expected,
    callsPerPage: calls,
  });

  it('batch jobs by state (enum order), at first: 100', () =>
    walkForward(
      root(
        'batchJobs',
        '{field: STATE}',
        'name',
        () =>
          [...fleet.batchJobs]
            .sort(
              (a, b) =>
                BATCH_JOB_STATES.indexOf(a.state as string) - BATCH_JOB_STATES.indexOf(b.state as string) ||
                byCodeUnit(a.name, b.name),
            )
            .map((j) => j.name),
        fireworksPage('ListBatchJobs'),
      ),
      100,
    ));

  it('batch jobs by display name descending, at first: 100', () =>
    walkForward(
      root(
        'batchJobs',
        '{field: DISPLAY_NAME, direction: DESC}',
        'name',
        () =>
          [...fleet.batchJobs]
            .sort(
              (a, b) =>
                byCodeUnit(b.displayName as string, a.displayName as string) || byCodeUnit(a.name, b.name),
            )
            .map((j) => j.name),
        fireworksPage('ListBatchJobs'),
      ),
      100,
    ));

  it('node pools by creation time descending (bootstrap pools tie), at first: 3', () =>
    walkForward(
      root(
        'nodePools',
        '{field: CREATE_TIME, direction: DESC}',
        'name',
        () =>
          [...fleet.nodePools]
            .sort(
              (a, b) =>
                Date.parse(b.createTime as string) - Date.parse(a.createTime as string) ||
                byCodeUnit(a.name, b.name),
            )
            .map((p) => p.name),
        fireworksPage('ListNodePools'),
      ),
      3,
    ));

  it('pods by node name descending (pods on no node first), at first: 100', () =>
    walkForward(
      root(
        'pods',
        '{field: NODE_NAME, direction: DESC}',
        'podId',
        () =>
          [...fleet.pods]
            .sort((a, b) => {
              const [x, y] = [a.nodeName ?? null, b.nodeName ?? null];
              const byNode = x === y ? 0 : x === null ? -1 : y === null ? 1 : -byCodeUnit(x, y);
              return byNode || byCodeUnit(a.id, b.id);
            })
            .map((p) => p.id),
        runaiPage,
      ),
      100,
    ));

  it('completed pods by completion time, backwards at last: 50', () =>
    walkBackward(
      {
        query: (args, sel) =>
          `query(${V}) { pods(${args}, filter: {completed: true}, orderBy: {field: COMPLETED_AT}) { ${sel} } }`,
        path: ['pods'],
        key: 'podId',
        expected: () =>
          fleet.pods
            .filter((p) => p.completedAt)
            .sort(
              (a, b) =>
                Date.parse(a.completedAt as string) - Date.parse(b.completedAt as string) ||
                byCodeUnit(a.id, b.id),
            )
            .map((p) => p.id),
        callsPerPage: runaiPage,
      },
      50,
    ));

  it('Cluster.nodePools by creation time descending: batched first pages resume on each cluster', async () => {
    const orderBy = '{field: CREATE_TIME, direction: DESC}';
    const expected = (cluster: string) =>
      fleet
        .nodePoolsOf(cluster)
        .sort(
          (a, b) =>
            Date.parse(b.createTime as string) - Date.parse(a.createTime as string) ||
            byCodeUnit(a.name, b.name),
        )
        .map((p) => p.name);
    const first = await gql<{
      clusters: {
        nodes: {
          name: string;
          nodePools: { nodes: { name: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
        }[];
      };
    }>(
      gw,
      `{ clusters(first: 10) { nodes { name nodePools(first: 2, orderBy: ${orderBy}) { nodes { name } pageInfo { endCursor hasNextPage } } } } }`,
    );
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1, ListNodePools: 1 }, runai: {}, gitpod: {} });
    for (const c of first.data!.clusters.nodes) {
      const names = c.nodePools.nodes.map((n) => n.name);
      let { endCursor: after, hasNextPage } = c.nodePools.pageInfo;
      while (hasNextPage) {
        const next = await gql<{
          cluster: {
            nodePools: { nodes: { name: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
          };
        }>(
          gw,
          `query($after: String) { cluster(name: "${c.name}") { nodePools(first: 2, after: $after, orderBy: ${orderBy}) { nodes { name } pageInfo { endCursor hasNextPage } } } }`,
          { after },
        );
        expect(next.errors).toBeUndefined();
        names.push(...next.data!.cluster.nodePools.nodes.map((n) => n.name));
        ({ endCursor: after, hasNextPage } = next.data!.cluster.nodePools.pageInfo);
      }
      expect(names).toEqual(expected(c.name));
    }
  });
});

describe('walks of filtered connections', () => {
  const filtered = (
    field: string,
    filter: string,
    key: string,
    expected: () => string[],
    calls: Walkable['callsPerPage'],
  ): Walkable => ({
    query: (args, sel) => `query(${V}) { ${field}(${args}, filter: ${filter}) { ${sel} } }`,
    path: [field],
    key,
    expected,
    callsPerPage: calls,
  });

  it('deleted pods only, at first: 50', () =>
    walkForward(
      filtered('pods', '{deleted: true}', 'podId', () => fleet.deletedPods.map((p) => p.id), runaiPage),
      50,
    ));

  it('pods created in a window (both ends inclusive), at first: 50', () => {
    const times = fleet.pods.map((p) => p.createdAt).sort();
    const [from, to] = [times[200]!, times[400]!];
    const inWindow = () =>
      fleet.pods
        .filter(
          (p) => Date.parse(p.createdAt) >= Date.parse(from) && Date.parse(p.createdAt) <= Date.parse(to),
        )
        .map((p) => p.id);
    return walkForward(
      filtered('pods', `{createdAfter: "${from}", createdBefore: "${to}"}`, 'podId', inWindow, runaiPage),
      50,
    );
  });

  it('batch jobs in two states, at first: 50', () =>
    walkForward(
      filtered(
        'batchJobs',
        '{states: [FAILED, PENDING]}',
        'name',
        () => fleet.batchJobs.filter((j) => j.state === 'FAILED' || j.state === 'PENDING').map((j) => j.name),
        fireworksPage('ListBatchJobs'),
      ),
      50,
    ));

  it('warm pools of three environment classes, at first: 1', () => {
    const classes = [...new Set(fleet.warmPools.map((w) => w.metadata.environmentClassId as string))].slice(
      0,
      3,
    );
    return walkForward(
      filtered(
        'warmPools',
        `{environmentClassIds: ${JSON.stringify(classes)}}`,
        'warmPoolId',
        () =>
          fleet.warmPools
            .filter((w) => classes.includes(w.metadata.environmentClassId as string))
            .map((w) => w.id as string),
        { fireworks: {}, runai: {}, gitpod: { ListWarmPools: expect.toBeOneOf([1, 2, 3]) } },
      ),
      1,
    );
  });
});
