/**
 * The bench's fixed query set, and for each query the fewest upstream calls the vendors' APIs
 * allow for it, derived from the answer and the data set (never from what Fleetgraph happened to
 * send), with the reasoning as text for the results table.
 *
 * What "minimum" means here: the fewest calls of any plan that asks each vendor only for what the
 * answer shows (a page plus the one look-ahead item that makes `hasNextPage` exact, and the
 * objects it names). Walking a whole collection to emulate a group-by the API lacks is not such a
 * plan. Under that rule the vendors' APIs give:
 * - Fireworks lists are account-level with AIP-160 filters, so any set of names or parents is one
 *   list with an OR filter, as long as the URL fits the request-head limit (16 KiB on the
 *   simulator, Node's default; above that a server answers 431). `totalSize` comes free with a
 *   page, but it counts the whole filter: a per-parent count or first page needs its own list.
 * - Run:ai `filterBy` entries are ANDed (no OR), `count_pods` has no group-by, and pods have no
 *   lookup by id: a pod is found through its workload. A list asked for `first + 1` items that
 *   comes back with at most `first` proves the count, so `count_pods` is needed only when the
 *   first page is full.
 * - Gitpod filters by sets of projects and environment classes (AND between the sets): a set of
 *   warm pools is one list over their projects and classes, at 100 per page.
 *
 * `depth` is the number of dependent upstream round trips on the critical path of the best plan,
 * and `levels` says which round trip each operation belongs to; the bench replays the calls level
 * by level to measure that chain.
 */
import type { World } from '../src/simulators/world.js';
import { generateGitpodData } from '../src/vendors/gitpod/simulator/data.js';
import { generateRunaiData } from '../src/vendors/runai/simulator/data.js';

export type Vendor = 'fireworks' | 'runai' | 'gitpod';
export const VENDORS: readonly Vendor[] = ['fireworks', 'runai', 'gitpod'];

/** Operation counts per vendor, without zero entries (the shape of the test helper's `calls()`). */
export type CallCounts = Record<Vendor, Record<string, number>>;

/** The fewest calls for one answer, per operation, with one line of reasoning per operation. */
export interface Minimum {
  calls: CallCounts;
  why: string[];
}

/** Facts of the data set a minimum needs beyond the answer itself. */
export interface Fleet {
  /** The pods of a workload that get_workload_pods lists (not deleted), in its order. */
  workloadPodIds(workloadId: string): string[];
  /** Every warm pool with the keys Gitpod filters on. */
  warmPools: { id: string; projectId: string; environmentClassId: string }[];
}

/** Global IDs collected beforehand for `nodes(ids:)`. */
export interface Prep {
  nodeIds: string[];
}

export interface BenchQuery {
  name: string;
  title: string;
  query: string;
  variables?: (prep: Prep) => Record<string, unknown>;
  depth: number;
  levels: Record<string, number>;
  /** A plan with fewer round trips but more calls, timed for comparison. */
  shallower?: { levels: Record<string, number>; note: string };
  /** Given one answer's `data` and its variables, returns the fewest calls it needs. */
  minimum(data: unknown, variables: Record<string, unknown>, fleet: Fleet): Minimum;
  /** Set on the paging walk: each request follows the previous page's `endCursor`. */
  walk?: { pageInfo(data: unknown): { hasNextPage: boolean; endCursor: string | null } };
}

/** Request-head budget of one Fireworks list: the 16 KiB limit minus room for the headers. */
const REQUEST_LINE_BUDGET = 16 * 1024 - 1024;
const FIREWORKS_PAGE = 200;
const RUNAI_PAGE = 500;
const GITPOD_PAGE = 100;

const DASHBOARD_CLUSTERS = 3;
const DASHBOARD_POOLS = 5;
const DASHBOARD_ITEMS = 5;

export const dashboard: BenchQuery = {
  name: 'dashboard',
  title: 'Dashboard: clusters → node pools → batch jobs and pods, with totalCount',
  query: `query Dashboard {
  clusters(first: ${DASHBOARD_CLUSTERS}) {
    totalCount
    nodes {
      name
      state
      nodePools(first: ${DASHBOARD_POOLS}) {
        totalCount
        nodes {
          nodePoolId
          state
          batchJobs(first: ${DASHBOARD_ITEMS}) { totalCount nodes { displayName state } }
          pods(first: ${DASHBOARD_ITEMS}) { totalCount nodes { name phase } }
        }
      }
    }
  }
}`,
  // A count_pods can be skipped only once its pool's list_pods came back short, so in the plan
  // with the fewest calls count_pods waits for list_pods: four round trips.
  depth: 4,
  levels: { ListClusters: 1, ListNodePools: 2, ListBatchJobs: 3, list_pods: 3, count_pods: 4 },
  shallower: {
    levels: { ListClusters: 1, ListNodePools: 2, ListBatchJobs: 3, list_pods: 3, count_pods: 3 },
    note: 'count_pods sent with list_pods (for every pool: one round trip fewer, more calls)',
  },
  minimum(data) {
    const clusters = (data as DashboardData).clusters.nodes;
    const poolsListed = clusters.reduce((n, c) => n + c.nodePools.totalCount, 0);
    const pools = clusters.flatMap((c) => c.nodePools.nodes);
    const fullPages = pools.filter((p) => p.pods.totalCount > DASHBOARD_ITEMS).length;
    const poolPages = Math.max(1, Math.ceil(poolsListed / FIREWORKS_PAGE));
    return {
      calls: counts({
        fireworks: { ListClusters: 1, ListNodePools: poolPages, ListBatchJobs: pools.length },
        runai: { list_pods: pools.length, count_pods: fullPages },
      }),
      why: [
        `ListClusters 1: one page of ${DASHBOARD_CLUSTERS} (+1 look-ahead); totalCount is its totalSize.`,
        `ListNodePools ${poolPages}: one account-level list with an OR of the ${clusters.length} clusters' name prefixes returns all ${poolsListed} of their pools (${FIREWORKS_PAGE} per page); per-cluster counts are counted from it.`,
        `ListBatchJobs ${pools.length}: one per pool shown; a pool's first page and its totalSize need a filter on that pool alone (AIP-158 has no per-group limit or count).`,
        `list_pods ${pools.length}: one per pool; filterBy entries are ANDed, so two pools cannot share a list.`,
        `count_pods ${fullPages}: only for the pools whose first page (${DASHBOARD_ITEMS}+1 asked) came back full; for the other ${pools.length - fullPages} the page is the count. Knowing that takes the page, so these counts are a fourth round trip.`,
      ],
    };
  },
};

interface DashboardData {
  clusters: {
    nodes: {
      nodePools: {
        totalCount: number;
        nodes: { batchJobs: { totalCount: number }; pods: { totalCount: number } }[];
      };
    }[];
  };
}

type ReverseData = Record<
  'batchJobs' | 'pods',
  { nodes: { nodePool: { nodePoolId: string; cluster: { name: string } } | null }[] }
>;

function reverseMinimum(root: 'batchJobs' | 'pods') {
  return (data: unknown): Minimum => {
    const nodes = (data as ReverseData)[root].nodes;
    const pools = new Set<string>();
    const clusters = new Set<string>();
    for (const n of nodes) {
      if (!n.nodePool) continue;
      clusters.add(n.nodePool.cluster.name);
      pools.add(`${n.nodePool.cluster.name}/nodePools/${n.nodePool.nodePoolId}`);
    }
    const poolLists = nameListCalls('nodePools', [...pools]);
    const clusterCalls = lookupClusters([...clusters]);
    const page = root === 'batchJobs' ? { fireworks: { ListBatchJobs: 1 } } : { runai: { list_pods: 1 } };
    return {
      calls: addCalls(counts(page), { fireworks: { ListNodePools: poolLists, ...clusterCalls.calls } }),
      why: [
        root === 'batchJobs'
          ? `ListBatchJobs 1: 100 (+1 look-ahead) fit one page of ${FIREWORKS_PAGE}.`
          : `list_pods 1: 100 (+1 look-ahead) fit one page of ${RUNAI_PAGE}.`,
        `ListNodePools ${poolLists}: the ${pools.size} distinct pools in one OR-of-names filter (fits the URL budget).`,
        clusterCalls.why,
      ],
    };
  };
}

export const reverseJobs: BenchQuery = {
  name: 'reverse-jobs',
  title: 'Reverse lookup: 100 batch jobs → node pool → cluster',
  query: `query ReverseJobs {
  batchJobs(first: 100) {
    nodes { name state nodePool { nodePoolId state cluster { name state } } }
  }
}`,
  depth: 3,
  levels: { ListBatchJobs: 1, ListNodePools: 2, ListClusters: 3, GetCluster: 3 },
  minimum: reverseMinimum('batchJobs'),
};

export const reversePods: BenchQuery = {
  name: 'reverse-pods',
  title: 'Reverse lookup: 100 pods → node pool → cluster',
  query: `query ReversePods {
  pods(first: 100) {
    nodes { name phase nodePool { nodePoolId state cluster { name state } } }
  }
}`,
  depth: 3,
  levels: { list_pods: 1, ListNodePools: 2, ListClusters: 3, GetCluster: 3 },
  minimum: reverseMinimum('pods'),
};

export const podWalk: BenchQuery = {
  name: 'pod-walk',
  title: 'Deep walk: every pod, 100 per page, following endCursor (figures per page)',
  query: `query PodWalk($after: String) {
  pods(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { podId name phase nodeName createdAt }
  }
}`,
  depth: 1,
  levels: { list_pods: 1 },
  minimum: () => ({
    calls: counts({ runai: { list_pods: 1 } }),
    why: [
      `list_pods 1 per page: offset from the cursor, limit 101; the look-ahead item makes hasNextPage exact without count_pods.`,
    ],
  }),
  walk: {
    pageInfo: (data) =>
      (data as { pods: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).pods.pageInfo,
  },
};

/** How many objects of each type `nodes(ids:)` asks for; short types are topped up with batch jobs. */
export const NODE_MIX = { Cluster: 10, NodePool: 20, BatchJob: 30, Pod: 30, WarmPool: 10 } as const;

/** Collects the global IDs of `nodes(ids:)` from these lists (run once, before the bench). */
export const NODE_IDS_QUERY = `query NodeIds {
  clusters(first: 100) { nodes { id } }
  nodePools(first: 100) { nodes { id } }
  batchJobs(first: 100) { nodes { id } }
  pods(first: 100) { nodes { id } }
  warmPools(first: 100) { nodes { id } }
}`;

/** Given the answer of NODE_IDS_QUERY, returns 100 IDs mixed per NODE_MIX, spread over each list. */
export function pickNodeIds(data: unknown): string[] {
  const d = data as Record<
    'clusters' | 'nodePools' | 'batchJobs' | 'pods' | 'warmPools',
    { nodes: { id: string }[] }
  >;
  const spread = (ids: string[], k: number) =>
    Array.from(
      { length: Math.min(k, ids.length) },
      (_, i) => ids[Math.floor((i * ids.length) / Math.min(k, ids.length))] as string,
    );
  const ids = (key: keyof typeof d) => d[key].nodes.map((n) => n.id);
  const picked = [
    ...spread(ids('clusters'), NODE_MIX.Cluster),
    ...spread(ids('nodePools'), NODE_MIX.NodePool),
    ...spread(ids('pods'), NODE_MIX.Pod),
    ...spread(ids('warmPools'), NODE_MIX.WarmPool),
  ];
  const jobs = spread(ids('batchJobs'), 100 - picked.length);
  // Interleave types so the list is mixed, as a client refreshing a mixed view would send it.
  return interleave([picked, jobs].flat());
}

export const nodeLookup: BenchQuery = {
  name: 'nodes',
  title: 'nodes(ids:) of 100 mixed objects (clusters, node pools, batch jobs, pods, warm pools)',
  query: `query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    id
    ... on Cluster { name clusterState: state }
    ... on NodePool { name nodePoolState: state }
    ... on BatchJob { name batchJobState: state }
    ... on Pod { name phase workloadId }
    ... on WarmPool { warmPoolId status { phase } }
  }
}`,
  variables: (prep) => ({ ids: prep.nodeIds }),
  depth: 1,
  levels: {
    GetCluster: 1,
    ListClusters: 1,
    ListNodePools: 1,
    ListBatchJobs: 1,
    get_workload_pods: 1,
    list_pods: 1,
    ListWarmPools: 1,
  },
  minimum(_data, variables, fleet) {
    const byType = new Map<string, string[]>();
    for (const id of variables.ids as string[]) {
      const text = Buffer.from(id, 'base64url').toString('utf8');
      const colon = text.indexOf(':');
      const type = text.slice(0, colon);
      byType.set(type, [...(byType.get(type) ?? []), text.slice(colon + 1)]);
    }
    const distinct = (type: string) => [...new Set(byType.get(type) ?? [])];
    const clusters = lookupClusters(distinct('Cluster'));
    const pools = distinct('NodePool');
    const jobs = distinct('BatchJob');
    const poolCalls = nameListCalls('nodePools', pools);
    const jobCalls = nameListCalls('batchJobs', jobs);

    // Pods: one walk of each workload's pods, as far as the last pod asked for.
    const wanted = new Map<string, Set<string>>();
    for (const key of distinct('Pod')) {
      const [workloadId = '', podId = ''] = key.split('/');
      wanted.set(workloadId, (wanted.get(workloadId) ?? new Set()).add(podId));
    }
    let podCalls = 0;
    for (const [workloadId, podIds] of wanted) {
      const order = fleet.workloadPodIds(workloadId);
      const last = Math.max(...[...podIds].map((id) => order.indexOf(id)));
      podCalls += Math.max(1, Math.ceil((last + 1) / RUNAI_PAGE));
    }

    // Warm pools: one list over their projects × classes, or one per project or per class.
    const warm = distinct('WarmPool').map((key) => key.split('/'));
    const projects = new Set(warm.map((k) => k[1]));
    const classes = new Set(warm.map((k) => k[2]));
    const matching = fleet.warmPools.filter(
      (w) => projects.has(w.projectId) && classes.has(w.environmentClassId),
    ).length;
    const crossCalls = Math.max(1, Math.ceil(matching / GITPOD_PAGE));
    const warmCalls = warm.length === 0 ? 0 : Math.min(crossCalls, projects.size, classes.size);

    return {
      calls: counts({
        fireworks: { ...clusters.calls, ListNodePools: poolCalls, ListBatchJobs: jobCalls },
        runai: { get_workload_pods: podCalls },
        gitpod: { ListWarmPools: warmCalls },
      }),
      why: [
        clusters.why,
        `ListNodePools ${poolCalls}, ListBatchJobs ${jobCalls}: ${pools.length} node pools and ${jobs.length} batch jobs, each set in one OR-of-names filter.`,
        `get_workload_pods ${podCalls}: Run:ai has no pod by id and no OR, so one list per distinct workload (${wanted.size} for ${distinct('Pod').length} pods), ${RUNAI_PAGE} per page.`,
        `ListWarmPools ${warmCalls}: ${warm.length} warm pools over ${projects.size} projects × ${classes.size} classes match ${matching} pools, ${GITPOD_PAGE} per page.`,
      ],
    };
  },
};

const HEAVY_JOB_FIELDS = `id name batchJobId displayName nodePoolId createdAt startedAt endedAt updatedAt
      createdBy environmentId snapshotId imageRef numRanks role state status shared
      envVars { key value }
      annotations { key value }
      executor {
        __typename
        ... on PythonExecutor { targetType target args }
        ... on NotebookExecutor { notebookFilename }
        ... on ShellExecutor { command }
      }`;

const onePage: BenchQuery['minimum'] = () => ({
  calls: counts({ fireworks: { ListBatchJobs: 1 } }),
  why: [
    `ListBatchJobs 1: 100 (+1 look-ahead) fit one page of ${FIREWORKS_PAGE}; readMask names only the selected fields.`,
  ],
});

export const lightJobs: BenchQuery = {
  name: 'jobs-light',
  title: 'Pushdown, light: 100 batch jobs, name and state',
  query: `query LightJobs {
  batchJobs(first: 100) { nodes { name state } }
}`,
  depth: 1,
  levels: { ListBatchJobs: 1 },
  minimum: onePage,
};

export const heavyJobs: BenchQuery = {
  name: 'jobs-heavy',
  title: 'Pushdown, heavy: 100 batch jobs, every field',
  query: `query HeavyJobs {
  batchJobs(first: 100) {
    nodes {
      ${HEAVY_JOB_FIELDS}
    }
  }
}`,
  depth: 1,
  levels: { ListBatchJobs: 1 },
  minimum: onePage,
};

/** Every bench query, in the order the bench runs and reports them. */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  dashboard,
  reverseJobs,
  reversePods,
  podWalk,
  nodeLookup,
  lightJobs,
  heavyJobs,
];

/** Returns the facts of a world's data set that minima need. */
export function createFleet(world: World): Fleet {
  const runai = generateRunaiData(world);
  const byWorkload = new Map<string, { id: string; createdAt: number }[]>();
  for (const pod of runai.pods) {
    if (pod.deletedAt) continue;
    const list = byWorkload.get(pod.workloadId) ?? [];
    list.push({ id: pod.id, createdAt: Date.parse(pod.createdAt) });
    byWorkload.set(pod.workloadId, list);
  }
  for (const list of byWorkload.values())
    list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    workloadPodIds: (workloadId) => (byWorkload.get(workloadId) ?? []).map((p) => p.id),
    warmPools: generateGitpodData(world).warmPools.map((w) => ({
      id: w.id ?? '',
      projectId: w.metadata.projectId ?? '',
      environmentClassId: w.metadata.environmentClassId ?? '',
    })),
  };
}

/** Given two call counts, returns their sum (without zero entries). */
export function addCalls(a: CallCounts, b: Partial<CallCounts>): CallCounts {
  return counts(merge(a, b));
}

/** Total number of calls. */
export function totalCalls(calls: CallCounts): number {
  return VENDORS.reduce((n, v) => n + Object.values(calls[v]).reduce((m, k) => m + k, 0), 0);
}

/** Given calls made and the minimum, returns the operations that differ as `op: made/minimum`. */
export function callDiff(made: CallCounts, minimum: CallCounts): string[] {
  const out: string[] = [];
  for (const v of VENDORS) {
    const ops = new Set([...Object.keys(made[v]), ...Object.keys(minimum[v])]);
    for (const op of [...ops].sort()) {
      const m = made[v][op] ?? 0;
      const n = minimum[v][op] ?? 0;
      if (m !== n) out.push(`${op} ${m} (min ${n})`);
    }
  }
  return out;
}

function lookupClusters(names: string[]): { calls: Record<string, number>; why: string } {
  if (names.length === 0) return { calls: {}, why: 'no cluster to look up.' };
  if (names.length === 1)
    return { calls: { GetCluster: 1 }, why: 'GetCluster 1: a single cluster is one get.' };
  const calls = nameListCalls('clusters', names);
  return {
    calls: { ListClusters: calls },
    why: `ListClusters ${calls}: the ${names.length} distinct clusters in one OR-of-names filter.`,
  };
}

/**
 * Returns how many lists an OR-of-names lookup needs: names are packed greedily into filters whose
 * request line stays within the request-head budget, each list at most one page of 200.
 */
export function nameListCalls(collection: string, names: string[]): number {
  if (names.length === 0) return 0;
  const accountId = (names[0] as string).split('/')[1] ?? '';
  const head = `GET /v1/accounts/${accountId}/${collection}?pageSize=${FIREWORKS_PAGE}&filter=&readMask=name,state HTTP/1.1`;
  let calls = 1;
  let filter = '';
  let inChunk = 0;
  for (const name of names) {
    const term = `(name = "${name}")`;
    const next = filter ? `${filter} OR ${term}` : term;
    const length = head.length + new URLSearchParams({ f: next }).toString().length;
    if ((length > REQUEST_LINE_BUDGET || inChunk === FIREWORKS_PAGE) && filter) {
      calls++;
      filter = term;
      inChunk = 1;
    } else {
      filter = next;
      inChunk++;
    }
  }
  return calls;
}

function counts(partial: Partial<Record<Vendor, Record<string, number>>>): CallCounts {
  const out = { fireworks: {}, runai: {}, gitpod: {} } as CallCounts;
  for (const v of VENDORS) {
    for (const [op, n] of Object.entries(partial[v] ?? {})) if (n > 0) out[v][op] = n;
  }
  return out;
}

function merge(
  a: Partial<Record<Vendor, Record<string, number>>>,
  b: Partial<Record<Vendor, Record<string, number>>>,
): Partial<Record<Vendor, Record<string, number>>> {
  const out: Partial<Record<Vendor, Record<string, number>>> = {};
  for (const v of VENDORS) {
    const ops: Record<string, number> = { ...(a[v] ?? {}) };
    for (const [op, n] of Object.entries(b[v] ?? {})) ops[op] = (ops[op] ?? 0) + n;
    out[v] = ops;
  }
  return out;
}

function interleave(ids: string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const type = Buffer.from(id, 'base64url').toString('utf8').split(':')[0] as string;
    groups.set(type, [...(groups.get(type) ?? []), id]);
  }
  const out: string[] = [];
  const lists = [...groups.values()];
  for (let i = 0; out.length < ids.length; i++)
    for (const list of lists) if (i < list.length) out.push(list[i] as string);
  return out;
}
