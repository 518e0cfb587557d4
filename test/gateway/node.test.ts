/**
 * Global object identification: every Node type round-trips (an `id` taken from a list fetches
 * the same object through `node(id:)`), `nodes(ids:)` batches mixed IDs into one upstream list per
 * type, and IDs that name nothing come back null with NOT_FOUND at their own path. A pod fetched by
 * id answers the same fields as in Query.pods, and the id of a deleted pod resolves.
 */
import { describe, expect, it } from 'vitest';
import { shareGateway, type TestGateway } from '../helpers/gateway.js';
import {
  clusterOf,
  globalId,
  gql,
  graphTime,
  loc,
  NO_CALLS,
  shortId,
  type FireworksBatchJobRecord,
  type FireworksClusterRecord,
  type FireworksNodePoolRecord,
  type Fleet,
  type RunaiPod,
  type WireWarmPool,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Cluster { name } ... on NodePool { name } ... on BatchJob { name } ... on Pod { podId } ... on WarmPool { warmPoolId } } }`;

/** The fields each type is compared on, as one fragment per type. */
const FRAGMENTS = {
  C: 'fragment C on Cluster { id name clusterId displayName createTime state status { code message } backend { __typename ... on EksCluster { region clusterName } ... on FakeCluster { location } } }',
  P: 'fragment P on NodePool { id name nodePoolId displayName state minNodeCount maxNodeCount annotations { key value } cluster { name } }',
  J: 'fragment J on BatchJob { id name batchJobId displayName state createTime createdBy numRanks nodePoolId envVars { key value } executor { __typename } nodePool { name } cluster { name } }',
  D: 'fragment D on Pod { id podId name workloadId projectId phase createdAt nodeName currentNodePoolId cluster { name } nodePool { name } }',
  W: 'fragment W on WarmPool { id warmPoolId projectId environmentClassId organizationId createdAt spec { minSize maxSize } status { phase } }',
} as const;

const sortedEntries = (map: Record<string, string> | undefined) =>
  Object.entries(map ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));

// Each type as the fragments above select it, written from the wire records.
function cluster(c: FireworksClusterRecord) {
  return {
    id: globalId('Cluster', c.name),
    name: c.name,
    clusterId: shortId(c.name),
    displayName: c.displayName,
    createTime: graphTime(c.createTime),
    state: c.state,
    status: { code: c.status?.code, message: c.status?.message },
    backend: c.eksCluster
      ? { __typename: 'EksCluster', region: c.eksCluster.region, clusterName: c.eksCluster.clusterName }
      : { __typename: 'FakeCluster', location: c.fakeCluster?.location },
  };
}
function nodePool(p: FireworksNodePoolRecord) {
  return {
    id: globalId('NodePool', p.name),
    name: p.name,
    nodePoolId: shortId(p.name),
    displayName: p.displayName,
    state: p.state,
    minNodeCount: p.minNodeCount,
    maxNodeCount: p.maxNodeCount,
    annotations: sortedEntries(p.annotations),
    cluster: { name: clusterOf(p.name) },
  };
}
function batchJob(j: FireworksBatchJobRecord) {
  return {
    id: globalId('BatchJob', j.name),
    name: j.name,
    batchJobId: shortId(j.name),
    displayName: j.displayName,
    state: j.state,
    createTime: graphTime(j.createTime),
    createdBy: j.createdBy,
    numRanks: j.numRanks,
    nodePoolId: j.nodePoolId,
    envVars: sortedEntries(j.envVars),
    executor: {
      __typename: j.pythonExecutor
        ? 'PythonExecutor'
        : j.notebookExecutor
          ? 'NotebookExecutor'
          : 'ShellExecutor',
    },
    nodePool: { name: `${clusterOf(j.name)}/nodePools/${j.nodePoolId}` },
    cluster: { name: clusterOf(j.name) },
  };
}
function pod(p: RunaiPod) {
  const clusterName = fleet.clusters.find((c) => fleet.uuidOf(c.name) === p.clusterId)!.name;
  return {
    id: globalId('Pod', `${p.workloadId}/${p.id}`),
    podId: p.id,
    name: p.name,
    workloadId: p.workloadId,
    projectId: p.projectId,
    phase: p.k8sPhase.toUpperCase(),
    createdAt: graphTime(p.createdAt),
    nodeName: p.nodeName ?? null,
    currentNodePoolId: p.currentNodePool ?? null,
    cluster: { name: clusterName },
    nodePool: p.currentNodePool ? { name: `${clusterName}/nodePools/${p.currentNodePool}` } : null,
  };
}
function warmPool(w: WireWarmPool) {
  return {
    id: globalId('WarmPool', `${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`),
    warmPoolId: w.id,
    projectId: w.metadata.projectId,
    environmentClassId: w.metadata.environmentClassId,
    organizationId: w.metadata.organizationId,
    createdAt: graphTime(w.metadata.createdAt),
    spec: { minSize: w.spec?.minSize ?? 0, maxSize: w.spec?.maxSize },
    status: { phase: w.status?.phase?.replace('WARM_POOL_PHASE_', '') },
  };
}

describe('an id from a list fetches the same object through node(id:)', () => {
  const CASES = [
    ['Cluster', 'clusters', 'C', () => fleet.clusters.slice(0, 4).map(cluster)],
    ['NodePool', 'nodePools', 'P', () => fleet.nodePools.slice(0, 4).map(nodePool)],
    ['BatchJob', 'batchJobs', 'J', () => fleet.batchJobs.slice(0, 4).map(batchJob)],
    ['Pod', 'pods', 'D', () => fleet.pods.slice(0, 4).map(pod)],
    ['WarmPool', 'warmPools', 'W', () => fleet.warmPools.slice(0, 4).map(warmPool)],
  ] as const;

  it.each(CASES)('%s (from Query.%s)', async (type, list, fragment, expected) => {
    const listed = await gql<Record<string, { nodes: { id: string }[] }>>(
      gw,
      `{ ${list}(first: 4) { nodes { ...${fragment} } } } ${FRAGMENTS[fragment]}`,
    );
    expect(listed).toEqual({ status: 200, data: { [list]: { nodes: expected() } } });
    for (const item of listed.data![list]!.nodes) {
      gw.reset();
      const query = `query($id: ID!) { node(id: $id) { __typename ...${fragment} } } ${FRAGMENTS[fragment]}`;
      expect(await gql(gw, query, { id: item.id })).toEqual({
        status: 200,
        data: { node: { __typename: type, ...item } },
      });
    }
  });

  it('a batch job with a hostile display name round-trips', async () => {
    const job = fleet.batchJobs.find((j) => j.displayName?.includes('\\"'))!;
    const query = `query($id: ID!) { node(id: $id) { ...J } } ${FRAGMENTS.J}`;
    expect(await gql(gw, query, { id: globalId('BatchJob', job.name) })).toEqual({
      status: 200,
      data: { node: batchJob(job) },
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListBatchJobs: 1, ListNodePools: 1, GetCluster: 1 },
      runai: {},
      gitpod: {},
    });
  });

  it('fetches a pod through its workload (one get_workload_pods)', async () => {
    const p = fleet.pods[10]!;
    const query = `query($id: ID!) { node(id: $id) { ... on Pod { podId name } } }`;
    expect(await gql(gw, query, { id: globalId('Pod', `${p.workloadId}/${p.id}`) })).toEqual({
      status: 200,
      data: { node: { podId: p.id, name: p.name } },
    });
    expect(gw.requests('runai').map((r) => [r.operation, r.path, r.query])).toEqual([
      ['get_workload_pods', `/api/v1/workloads/${p.workloadId}/pods`, { offset: '0', limit: '500' }],
    ]);
  });
});

describe('nodes(ids:) batches mixed ids', () => {
  /** 100 ids: every cluster and node pool, 40 batch jobs, 20 pods of few workloads, 19 warm pools, interleaved. */
  function mixedIds() {
    const podsOfFewWorkloads = [...fleet.pods]
      .sort((a, b) => (a.workloadId < b.workloadId ? -1 : a.workloadId > b.workloadId ? 1 : 0))
      .slice(0, 20);
    const groups = [
      fleet.clusters.map((c) => ({
        id: globalId('Cluster', c.name),
        expected: { __typename: 'Cluster', name: c.name },
      })),
      fleet.nodePools.map((p) => ({
        id: globalId('NodePool', p.name),
        expected: { __typename: 'NodePool', name: p.name },
      })),
      fleet.batchJobs
        .filter((_, i) => i % 7 === 0)
        .slice(0, 40)
        .map((j) => ({
          id: globalId('BatchJob', j.name),
          expected: { __typename: 'BatchJob', name: j.name },
        })),
      podsOfFewWorkloads.map((p) => ({
        id: globalId('Pod', `${p.workloadId}/${p.id}`),
        expected: { __typename: 'Pod', podId: p.id },
      })),
      fleet.warmPools.slice(0, 19).map((w) => ({
        id: globalId('WarmPool', `${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`),
        expected: { __typename: 'WarmPool', warmPoolId: w.id as string },
      })),
    ];
    const mixed: { id: string; expected: Record<string, string> }[] = [];
    for (let i = 0; mixed.length < groups.reduce((n, g) => n + g.length, 0); i++) {
      for (const group of groups) if (group[i]) mixed.push(group[i]!);
    }
    return { mixed, pods: podsOfFewWorkloads, warmPools: fleet.warmPools.slice(0, 19) };
  }

  it('100 mixed ids cost one list per Fireworks type, one walk per workload and one warm pool list', async () => {
    const { mixed, pods, warmPools } = mixedIds();
    expect(mixed).toHaveLength(100);
    expect(await gql(gw, NODES, { ids: mixed.map((m) => m.id) })).toEqual({
      status: 200,
      data: { nodes: mixed.map((m) => m.expected) },
    });
    const projects = new Set(warmPools.map((w) => w.metadata.projectId));
    const classes = new Set(warmPools.map((w) => w.metadata.environmentClassId));
    const candidates = fleet.warmPools.filter(
      (w) => projects.has(w.metadata.projectId) && classes.has(w.metadata.environmentClassId),
    ).length;
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: 1 },
      runai: { get_workload_pods: new Set(pods.map((p) => p.workloadId)).size },
      gitpod: { ListWarmPools: Math.max(1, Math.ceil(candidates / 100)) },
    });
  });

  it('answers ids in the order given, repeated ids included', async () => {
    const job = fleet.batchJobs[3]!;
    const c = fleet.clusters[2]!;
    const ids = [globalId('BatchJob', job.name), globalId('Cluster', c.name), globalId('BatchJob', job.name)];
    expect(await gql(gw, NODES, { ids })).toEqual({
      status: 200,
      data: {
        nodes: [
          { __typename: 'BatchJob', name: job.name },
          { __typename: 'Cluster', name: c.name },
          { __typename: 'BatchJob', name: job.name },
        ],
      },
    });
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 1, GetCluster: 1 }, runai: {}, gitpod: {} });
  });

  it('refuses more than 100 ids, with no upstream call', async () => {
    const ids = fleet.batchJobs.slice(0, 101).map((j) => globalId('BatchJob', j.name));
    expect(await gql(gw, NODES, { ids })).toEqual({
      status: 200,
      data: { nodes: null },
      errors: [
        {
          message: '`ids` takes at most 100 IDs, got 101.',
          locations: [loc(NODES, 'nodes(')],
          path: ['nodes'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'ids' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('ids that name nothing', () => {
  const account = () => gw.world.accountId;

  it('node(id:) of a cluster that does not exist → null with NOT_FOUND', async () => {
    const name = `accounts/${account()}/clusters/gone`;
    const query = `query($id: ID!) { node(id: $id) { id } }`;
    expect(await gql(gw, query, { id: globalId('Cluster', name) })).toEqual({
      status: 200,
      data: { node: null },
      errors: [
        {
          message: `Cluster "${name}" was not found.`,
          locations: [loc(query, 'node(')],
          path: ['node'],
          extensions: { code: 'NOT_FOUND', upstream: 'fireworks' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: { GetCluster: 1 }, runai: {}, gitpod: {} });
  });

  it('node(id:) of another account → NOT_FOUND without asking Fireworks', async () => {
    const id = globalId('NodePool', 'accounts/someone-else/clusters/c/nodePools/p');
    const query = `query($id: ID!) { node(id: $id) { id } }`;
    expect(await gql(gw, query, { id })).toEqual({
      status: 200,
      data: { node: null },
      errors: [
        {
          message: `No object has the ID "${id}".`,
          locations: [loc(query, 'node(')],
          path: ['node'],
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('nodes(ids:) puts null and a NOT_FOUND error at the index of each missing id', async () => {
    const c = fleet.clusters[0]!;
    const job = fleet.batchJobs[0]!;
    const p = fleet.pods[0]!;
    const w = fleet.warmPools[0]!;
    const missing = {
      cluster: `accounts/${account()}/clusters/gone`,
      job: `${c.name}/batchJobs/000000001`,
      pod: globalId('Pod', `${p.workloadId}/00000000-0000-4000-8000-000000000000`),
      warmPool: globalId(
        'WarmPool',
        `00000000-0000-4000-8000-000000000000/${w.metadata.projectId}/${w.metadata.environmentClassId}`,
      ),
    };
    const ids = [
      globalId('Cluster', c.name),
      globalId('Cluster', missing.cluster),
      globalId('BatchJob', job.name),
      globalId('BatchJob', missing.job),
      globalId('Pod', `${p.workloadId}/${p.id}`),
      missing.pod,
      globalId('WarmPool', `${w.id}/${w.metadata.projectId}/${w.metadata.environmentClassId}`),
      missing.warmPool,
    ];
    const at = (index: number, message: string, upstream: string) => ({
      message,
      locations: [loc(NODES, 'nodes(')],
      path: ['nodes', index],
      extensions: { code: 'NOT_FOUND', upstream },
    });
    const res = await gql<{ nodes: unknown[] }>(gw, NODES, { ids });
    expect({
      ...res,
      errors: [...(res.errors ?? [])].sort((a, b) => (a.path![1] as number) - (b.path![1] as number)),
    }).toEqual({
      status: 200,
      data: {
        nodes: [
          { __typename: 'Cluster', name: c.name },
          null,
          { __typename: 'BatchJob', name: job.name },
          null,
          { __typename: 'Pod', podId: p.id },
          null,
          { __typename: 'WarmPool', warmPoolId: w.id },
          null,
        ],
      },
      errors: [
        at(1, `Cluster "${missing.cluster}" was not found.`, 'fireworks'),
        at(3, `Batch job "${missing.job}" was not found.`, 'fireworks'),
        at(5, `No object has the ID "${missing.pod}".`, 'runai'),
        at(7, `No object has the ID "${missing.warmPool}".`, 'gitpod'),
      ],
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListBatchJobs: 1 },
      // A pod missing among the live ones is looked for once more among the deleted ones.
      runai: { get_workload_pods: 2 },
      gitpod: { ListWarmPools: 1 },
    });
  });
});

// get_workload_pods serves only Run:ai's brief pod shape, without these names: node(id:) and
// workloadPods must still answer them as Query.pods does.
describe('Pod.workloadName and Pod.projectName outside Query.pods', () => {
  it('node(id:) of a pod answers the same workloadName and projectName as Query.pods', async () => {
    const p = fleet.pods[0]!;
    const query = `query($id: ID!) { node(id: $id) { ... on Pod { podId workloadName projectName } } }`;
    expect(await gql(gw, query, { id: globalId('Pod', `${p.workloadId}/${p.id}`) })).toEqual({
      status: 200,
      data: { node: { podId: p.id, workloadName: p.workloadName, projectName: p.projectName } },
    });
  });

  it('workloadPods answers workloadName and projectName', async () => {
    const p = fleet.pods[0]!;
    const pods = fleet.podsOfWorkload(p.workloadId);
    const query = `{ workloadPods(workloadId: "${p.workloadId}", first: 10) { nodes { podId workloadName projectName } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        workloadPods: {
          nodes: pods.map((x) => ({ podId: x.id, workloadName: x.workloadName, projectName: x.projectName })),
        },
      },
    });
  });
});

// Query.pods(filter: {deleted: true}) hands out ids of deleted pods, so node(id:) resolves them too.
describe('the id of a deleted pod', () => {
  it('resolves through node(id:) like the list that issued it', async () => {
    const listed = await gql<{ pods: { nodes: { id: string; podId: string }[] } }>(
      gw,
      `{ pods(first: 1, filter: {deleted: true}) { nodes { id podId } } }`,
    );
    const [first] = listed.data!.pods.nodes;
    expect(first!.podId).toBe(fleet.deletedPods[0]!.id);
    const query = `query($id: ID!) { node(id: $id) { ... on Pod { podId } } }`;
    expect(await gql(gw, query, { id: first!.id })).toEqual({
      status: 200,
      data: { node: { podId: first!.podId } },
    });
  });
});
