/**
 * What representative queries cost upstream: the exact operations the simulators counted, and the
 * exact requests where the query string is the point (readMask, verbosity, filters of joins).
 * Joins are batched (one list per type, not one lookup per parent), identical requests are sent
 * once per GraphQL request, and optional work (counts, full verbosity, wire fields) is only done
 * when the query selects what needs it (a field left out by @skip or @include is not selected).
 * Counting Gitpod's warm pools by walking is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareGateway, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  clusterOf,
  CREDENTIALS,
  gql,
  MAPPING_ONLY,
  NO_CALLS,
  shortId,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

/** A recorded Fireworks request, whole. */
function fireworksRequest(operation: string, path: string, query: Record<string, string>) {
  return {
    operation,
    method: 'GET',
    path: `/v1/accounts/${fleet.accountId}/${path}`,
    query,
    body: null,
    credential: CREDENTIALS.fireworks.masked,
    status: 200,
  };
}

/** A recorded Run:ai request, whole. */
function runaiRequest(operation: string, path: string, query: Record<string, string>) {
  return {
    operation,
    method: 'GET',
    path,
    query,
    body: null,
    credential: CREDENTIALS.runai.masked,
    status: 200,
  };
}

describe('a fleet dashboard', () => {
  const DASHBOARD = `{ clusters(first: 10) { nodes { name nodePools(first: 10) { nodes { name batchJobs(first: 5) { totalCount } pods(first: 5) { totalCount } } } } } }`;

  it('answers every count and costs one node pool list for all clusters, one job list per pool, one pod list per pool and a count where the page does not prove it', async () => {
    expect(await gql(gw, DASHBOARD)).toEqual({
      status: 200,
      data: {
        clusters: {
          nodes: fleet.clusters.slice(0, 10).map((c) => ({
            name: c.name,
            nodePools: {
              nodes: fleet
                .nodePoolsOf(c.name)
                .slice(0, 10)
                .map((p) => ({
                  name: p.name,
                  batchJobs: { totalCount: fleet.batchJobsOf(p.name).length },
                  pods: { totalCount: fleet.podsOfNodePool(p.name).length },
                })),
            },
          })),
        },
      },
    });
    const pools = fleet.nodePools.length;
    // 1 ListClusters + 1 ListNodePools + one ListBatchJobs per pool (totalSize comes with it); one
    // list_pods per pool, and count_pods only where the first page of 5 does not reach the end.
    const counted = fleet.nodePools.filter((p) => fleet.podsOfNodePool(p.name).length > 5).length;
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: pools },
      runai: { list_pods: pools, count_pods: counted },
      gitpod: {},
    });
  });

  it('fetches the node pools of every cluster with one list filtered to the clusters', async () => {
    await gql(gw, `{ clusters(first: 10) { nodes { nodePools(first: 2) { nodes { name } } } } }`);
    const parents = fleet.clusters.map((c) => `(name = "${c.name}/nodePools/*")`).join(' OR ');
    expect(gw.requests('fireworks')).toEqual([
      fireworksRequest('ListClusters', 'clusters', { pageSize: '10', orderBy: 'name', readMask: 'name' }),
      fireworksRequest('ListNodePools', 'nodePools', {
        pageSize: '200',
        filter: parents,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });
});

describe('joins are batched, never one lookup per parent', () => {
  it('100 batch jobs with nodePool { cluster } cost 1 ListBatchJobs + 1 ListNodePools + 1 ListClusters', async () => {
    const query = `{ batchJobs(first: 100) { nodes { name nodePool { name cluster { name } } } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        batchJobs: {
          nodes: fleet.batchJobs.slice(0, 100).map((j) => {
            const pool = `${clusterOf(j.name)}/nodePools/${j.nodePoolId}`;
            return { name: j.name, nodePool: { name: pool, cluster: { name: clusterOf(j.name) } } };
          }),
        },
      },
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListBatchJobs: 1, ListNodePools: 1, ListClusters: 1 },
      runai: {},
      gitpod: {},
    });
  });

  it('50 jobs of one pool name their pool and cluster 50 times each: each is fetched once', async () => {
    const pool = [...fleet.nodePools].sort(
      (a, b) => fleet.batchJobsOf(b.name).length - fleet.batchJobsOf(a.name).length,
    )[0]!;
    const id = shortId(pool.name);
    const query = `{ batchJobs(first: 50, filter: {nodePoolId: "${id}"}) { nodes { name nodePool { name } cluster { name } } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        batchJobs: {
          nodes: fleet.batchJobs
            .filter((j) => j.nodePoolId === id)
            .slice(0, 50)
            .map((j) => ({
              name: j.name,
              nodePool: { name: pool.name },
              cluster: { name: clusterOf(pool.name) },
            })),
        },
      },
    });
    expect(gw.requests('fireworks')).toEqual([
      fireworksRequest('ListBatchJobs', 'batchJobs', {
        pageSize: '50',
        filter: `node_pool_id = "${id}"`,
        orderBy: 'create_time desc, name',
        readMask: 'name,node_pool_id',
      }),
      fireworksRequest('ListNodePools', 'nodePools', {
        pageSize: '200',
        filter: `name = "${pool.name}"`,
        readMask: 'name',
      }),
      fireworksRequest(`GetCluster`, `clusters/${shortId(clusterOf(pool.name))}`, { readMask: 'name' }),
    ]);
  });

  it('50 pods with their cluster and node pool cost one list per vendor type', async () => {
    const pods = fleet.pods.slice(0, 50);
    const clusterName = (uuid: string) => fleet.clusters.find((c) => fleet.uuidOf(c.name) === uuid)!.name;
    const query = `{ pods(first: 50) { nodes { podId cluster { name } nodePool { name } } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        pods: {
          nodes: pods.map((p) => ({
            podId: p.id,
            cluster: { name: clusterName(p.clusterId) },
            nodePool: p.currentNodePool
              ? { name: `${clusterName(p.clusterId)}/nodePools/${p.currentNodePool}` }
              : null,
          })),
        },
      },
    });
    const clusters = new Set(pods.map((p) => p.clusterId)).size;
    expect(clusters).toBeGreaterThan(1);
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1 },
      runai: { list_pods: 1 },
      gitpod: {},
    });
  });

  it('the same cluster asked for by short id and by resource name is fetched once', async () => {
    const cluster = fleet.clusters[1]!;
    const query = `{ a: cluster(name: "${shortId(cluster.name)}") { name } b: cluster(name: "${cluster.name}") { name } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { a: { name: cluster.name }, b: { name: cluster.name } },
    });
    expect(gw.calls()).toEqual({ fireworks: { GetCluster: 1 }, runai: {}, gitpod: {} });
  });

  it('identical lists asked twice in one request are sent once', async () => {
    const query = `{ a: batchJobs(first: 2) { nodes { name } } b: batchJobs(first: 2) { nodes { name } } c: pods(first: 2) { nodes { podId } } d: pods(first: 2) { nodes { podId } } }`;
    const jobs = { nodes: fleet.batchJobs.slice(0, 2).map((j) => ({ name: j.name })) };
    const pods = { nodes: fleet.pods.slice(0, 2).map((p) => ({ podId: p.id })) };
    expect(await gql(gw, query)).toEqual({ status: 200, data: { a: jobs, b: jobs, c: pods, d: pods } });
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 1 }, runai: { list_pods: 1 }, gitpod: {} });
  });

  it('nothing is shared between two GraphQL requests: each pays for its own list', async () => {
    const query = `{ batchJobs(first: 2) { nodes { name } } }`;
    await gql(gw, query);
    await gql(gw, query);
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 2 }, runai: {}, gitpod: {} });
  });
});

describe('Fireworks readMask names only the selected fields', () => {
  it.each([
    ['{ batchJobs(first: 3) { nodes { id } } }', 'name'],
    ['{ batchJobs(first: 3) { nodes { displayName state } } }', 'display_name,name,state'],
    ['{ batchJobs(first: 3) { nodes { nodePoolId } } }', 'name,node_pool_id'],
    [
      '{ batchJobs(first: 3) { nodes { executor { __typename } createTime endTime } } }',
      'create_time,end_time,name,notebook_executor,python_executor,shell_executor',
    ],
    [
      '{ batchJobs(first: 3) { nodes { ...F } } } fragment F on BatchJob { envVars { key } shared }',
      'env_vars,name,shared',
    ],
  ])('%s → readMask=%s', async (query, readMask) => {
    const res = await gql(gw, query);
    expect(res.errors).toBeUndefined();
    expect(gw.requests('fireworks')).toEqual([
      fireworksRequest('ListBatchJobs', 'batchJobs', {
        pageSize: '3',
        orderBy: 'create_time desc, name',
        readMask,
      }),
    ]);
  });

  it('a cluster with its backend and a node pool with its stats ask exactly for those sub-messages', async () => {
    const cluster = fleet.clusters[0]!;
    const query = `{ cluster(name: "${cluster.name}") { backend { __typename } } nodePools(first: 1) { nodes { stats { nodeCount } annotations { key } } } }`;
    const res = await gql(gw, query);
    expect(res.errors).toBeUndefined();
    expect(gw.requests('fireworks')).toEqual(
      expect.arrayContaining([
        fireworksRequest('GetCluster', `clusters/${shortId(cluster.name)}`, {
          readMask: 'eks_cluster,fake_cluster,name',
        }),
        fireworksRequest('ListNodePools', 'nodePools', {
          pageSize: '1',
          orderBy: 'name',
          readMask: 'annotations,name,node_pool_stats',
        }),
      ]),
    );
    expect(gw.calls()).toEqual({ fireworks: { GetCluster: 1, ListNodePools: 1 }, runai: {}, gitpod: {} });
  });
});

describe('Run:ai work only when selected', () => {
  it('lists brief pods unless workloadName or projectName is selected', async () => {
    const res = await gql(gw, `{ pods(first: 2) { nodes { podId name phase } } }`);
    expect(res).toEqual({
      status: 200,
      data: {
        pods: {
          nodes: fleet.pods
            .slice(0, 2)
            .map((p) => ({ podId: p.id, name: p.name, phase: p.k8sPhase.toUpperCase() })),
        },
      },
    });
    expect(gw.requests('runai')).toEqual([
      runaiRequest('list_pods', '/api/v1/workloads/pods', { offset: '0', limit: '3' }),
    ]);
  });

  it.each([['workloadName'], ['projectName']])('asks verbosity=full when %s is selected', async (field) => {
    const res = await gql(gw, `{ pods(first: 2) { nodes { podId ${field} } } }`);
    expect(res).toEqual({
      status: 200,
      data: {
        pods: {
          nodes: fleet.pods
            .slice(0, 2)
            .map((p) => ({ podId: p.id, [field]: p[field as 'workloadName' | 'projectName'] })),
        },
      },
    });
    expect(gw.requests('runai')).toEqual([
      runaiRequest('list_pods', '/api/v1/workloads/pods', { offset: '0', limit: '3', verbosity: 'full' }),
    ]);
  });

  it('calls count_pods only when totalCount is selected', async () => {
    await gql(gw, `{ pods(first: 2) { nodes { podId } } }`);
    expect(gw.calls()).toEqual({ fireworks: {}, runai: { list_pods: 1 }, gitpod: {} });
    gw.reset();
    const res = await gql(gw, `{ pods(first: 2) { totalCount } }`);
    expect(res).toEqual({ status: 200, data: { pods: { totalCount: fleet.pods.length } } });
    expect(gw.requests('runai')).toEqual([
      runaiRequest('list_pods', '/api/v1/workloads/pods', { offset: '0', limit: '3' }),
      runaiRequest('count_pods', '/api/v1/workloads/pods/count', {}),
    ]);
  });

  it('counts pods not completed as all minus completed (count_pods has no completed flag)', async () => {
    const res = await gql(gw, `{ pods(first: 1, filter: {completed: false}) { totalCount } }`);
    expect(res).toEqual({
      status: 200,
      data: { pods: { totalCount: fleet.pods.filter((p) => !p.completedAt).length } },
    });
    expect(gw.calls()).toEqual({ fireworks: {}, runai: { list_pods: 1, count_pods: 2 }, gitpod: {} });
  });

  it('a backward page without before costs the count it needs once, even with totalCount selected', async () => {
    const res = await gql(gw, `{ pods(last: 3) { nodes { podId } totalCount } }`);
    expect(res).toEqual({
      status: 200,
      data: {
        pods: { nodes: fleet.pods.slice(-3).map((p) => ({ podId: p.id })), totalCount: fleet.pods.length },
      },
    });
    expect(gw.requests('runai')).toEqual([
      runaiRequest('count_pods', '/api/v1/workloads/pods/count', {}),
      runaiRequest('list_pods', '/api/v1/workloads/pods', {
        offset: String(fleet.pods.length - 3),
        limit: '3',
      }),
    ]);
  });
});

describe('Gitpod counts by walking, only when selected', () => {
  it('a page of warm pools is one call; totalCount adds a walk of the list at 100 per call', async () => {
    const page = { nodes: fleet.warmPools.slice(0, 5).map((w) => ({ warmPoolId: w.id })) };
    expect(await gql(gw, `{ warmPools(first: 5) { nodes { warmPoolId } } }`)).toEqual({
      status: 200,
      data: { warmPools: page },
    });
    expect(gw.calls()).toEqual({ fireworks: {}, runai: {}, gitpod: { ListWarmPools: 1 } });
    gw.reset();
    expect(await gql(gw, `{ warmPools(first: 5) { nodes { warmPoolId } totalCount } }`)).toEqual({
      status: 200,
      data: { warmPools: { ...page, totalCount: fleet.warmPools.length } },
    });
    expect(gw.calls()).toEqual({
      fireworks: {},
      runai: {},
      gitpod: { ListWarmPools: 1 + Math.ceil(fleet.warmPools.length / 100) },
    });
  });
});

describe('@skip and @include do not widen upstream requests', () => {
  it('a skipped displayName stays out of the readMask, with a literal or a variable', async () => {
    await gql(
      gw,
      'query($s: Boolean!) { clusters(first: 1) { nodes { name displayName @skip(if: $s) state @include(if: false) } } }',
      {
        s: true,
      },
    );
    expect(gw.requests('fireworks').map((r) => r.query.readMask)).toEqual(['name']);
  });

  it('a skipped workloadName keeps Run:ai at brief verbosity', async () => {
    await gql(gw, '{ pods(first: 1) { nodes { name workloadName @skip(if: true) } } }');
    expect(gw.requests('runai').map((r) => r.query.verbosity)).toEqual([undefined]);
  });

  it('a fragment spread skipped entirely is not collected', async () => {
    await gql(
      gw,
      '{ clusters(first: 1) { nodes { name ...F @skip(if: true) } } } fragment F on Cluster { displayName }',
    );
    expect(gw.requests('fireworks').map((r) => r.query.readMask)).toEqual(['name']);
  });
});

describe('the warm pool count is bounded', () => {
  let large: TestGateway;
  beforeAll(async () => (large = await startTestGateway({ ...MAPPING_ONLY, SIM_SCALE: '10' })));
  afterAll(() => large.stop());

  it('refuses to walk past 1000 warm pools, naming what to do, after at most 10 count calls', async () => {
    const res = await gql(large, '{ warmPools(first: 1) { totalCount } }');
    expect(res.data).toEqual({ warmPools: null });
    expect(res.errors?.[0]?.message).toBe(
      'Gitpod has no count, and Fleetgraph counts at most 1000 warm pools (one call per 100): this filter matches more. Narrow filter.projectIds or filter.environmentClassIds, or leave totalCount out.',
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(large.calls()).toEqual({ ...NO_CALLS, gitpod: { ListWarmPools: 11 } });
  });
});
