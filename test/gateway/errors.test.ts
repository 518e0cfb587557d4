/**
 * Upstream failures as clients see them: each vendor's answer (status, error body, missing or
 * broken answer) mapped to one code of the closed set, with `extensions.upstream` naming the
 * vendor, on the path of the field that needed it, while fields served by healthy upstreams still
 * answer, a failing batched lookup fails its own key only, and request errors graphql-js raises
 * are the caller's. Retries, request time budgets and the circuit breaker (src/upstream/resilience.ts)
 * are tested in test/resilience/; here they are turned off (MAPPING_ONLY), so these tests pin the
 * mapping alone, and that a failing call is made exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareGateway, startTestGateway, type TestGateway, type VendorName } from '../helpers/gateway.js';
import {
  gql,
  globalId,
  HEADER_CREDENTIALS,
  loc,
  MAPPING_ONLY,
  NO_CALLS,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway(MAPPING_ONLY, (shared) => ({ gw, fleet } = shared));

const VENDOR = { fireworks: 'Fireworks', runai: 'Run:ai', gitpod: 'Gitpod' } as const;

type GqlError = { path?: (string | number)[] };
/** Errors in path order (execution may complete sibling fields in any order). */
function byPath<T extends GqlError>(errors: T[] | undefined): T[] {
  return [...(errors ?? [])].sort((a, b) => (JSON.stringify(a.path) < JSON.stringify(b.path) ? -1 : 1));
}

/** One root list per vendor, each failing alone. */
const ROOTS: Record<VendorName, { field: string; query: string; operation: string }> = {
  fireworks: {
    field: 'batchJobs',
    query: '{ batchJobs(first: 2) { nodes { name } } }',
    operation: 'ListBatchJobs',
  },
  runai: { field: 'pods', query: '{ pods(first: 2) { nodes { podId } } }', operation: 'list_pods' },
  gitpod: {
    field: 'warmPools',
    query: '{ warmPools(first: 2) { nodes { warmPoolId } } }',
    operation: 'ListWarmPools',
  },
};

describe('each upstream status maps to one code', () => {
  const CASES: [number, string][] = [
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [429, 'RATE_LIMITED'],
    [500, 'UPSTREAM_ERROR'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
  ];
  const table = (['fireworks', 'runai', 'gitpod'] as const).flatMap((vendor) =>
    CASES.map(([status, code]) => [vendor, status, code] as const),
  );

  it.each(table)(
    '%s HTTP %i → %s, on the field that needed it, after one call',
    async (vendor, status, code) => {
      const root = ROOTS[vendor];
      gw.faults(vendor, { [root.operation]: { status } });
      expect(await gql(gw, root.query)).toEqual({
        status: 200,
        data: { [root.field]: null },
        errors: [
          {
            message: `${VENDOR[vendor]} answered HTTP ${status} (${code}).`,
            locations: [loc(root.query, root.field)],
            path: [root.field],
            extensions: { code, upstream: vendor, upstreamStatus: status },
          },
        ],
      });
      expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
    },
  );
});

describe('rate limits', () => {
  it.each(['fireworks', 'runai', 'gitpod'] as const)(
    '%s 429 with Retry-After → RATE_LIMITED with retryAfter in seconds',
    async (vendor) => {
      const root = ROOTS[vendor];
      gw.faults(vendor, { [root.operation]: { status: 429, retryAfter: 17 } });
      expect(await gql(gw, root.query)).toEqual({
        status: 200,
        data: { [root.field]: null },
        errors: [
          {
            message: `${VENDOR[vendor]} answered HTTP 429 (RATE_LIMITED).`,
            locations: [loc(root.query, root.field)],
            path: [root.field],
            extensions: { code: 'RATE_LIMITED', upstream: vendor, upstreamStatus: 429, retryAfter: 17 },
          },
        ],
      });
    },
  );
});

describe('answers that never come or cannot be read', () => {
  it.each(['fireworks', 'runai', 'gitpod'] as const)(
    '%s: a malformed 200 body → UPSTREAM_ERROR',
    async (vendor) => {
      const root = ROOTS[vendor];
      gw.faults(vendor, { [root.operation]: { malformed: true } });
      expect(await gql(gw, root.query)).toEqual({
        status: 200,
        data: { [root.field]: null },
        errors: [
          {
            message: `${VENDOR[vendor]} answered a body that is not valid JSON.`,
            locations: [loc(root.query, root.field)],
            path: [root.field],
            extensions: { code: 'UPSTREAM_ERROR', upstream: vendor },
          },
        ],
      });
      expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
    },
  );

  it.each(['fireworks', 'runai', 'gitpod'] as const)(
    '%s: a connection reset → UPSTREAM_UNAVAILABLE',
    async (vendor) => {
      const root = ROOTS[vendor];
      gw.faults(vendor, { [root.operation]: { reset: true } });
      expect(await gql(gw, root.query)).toEqual({
        status: 200,
        data: { [root.field]: null },
        errors: [
          {
            message: `${VENDOR[vendor]} could not be reached (connection failed).`,
            locations: [loc(root.query, root.field)],
            path: [root.field],
            extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: vendor },
          },
        ],
      });
      expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
    },
  );

  describe('with a 300 ms headers timeout', () => {
    let slow: TestGateway;
    beforeAll(async () => {
      slow = await startTestGateway({ ...MAPPING_ONLY, UPSTREAM_HEADERS_TIMEOUT_MS: '300' });
    });
    afterAll(() => slow.stop());

    it('a hanging Run:ai list → UPSTREAM_TIMEOUT on the pod field, Fireworks fields still answer', async () => {
      slow.faults('runai', { list_pods: { hang: true } });
      const cluster = fleet.clusters[0]!;
      const query = `{ clusters(first: 2) { nodes { name } } cluster(name: "${cluster.name}") { name pods(first: 2) { nodes { podId } } } }`;
      const started = Date.now();
      expect(await gql(slow, query)).toEqual({
        status: 200,
        data: {
          clusters: { nodes: fleet.clusters.slice(0, 2).map((c) => ({ name: c.name })) },
          cluster: { name: cluster.name, pods: null },
        },
        errors: [
          {
            message: 'Run:ai did not answer within the time budget.',
            locations: [loc(query, 'pods')],
            path: ['cluster', 'pods'],
            extensions: { code: 'UPSTREAM_TIMEOUT', upstream: 'runai' },
          },
        ],
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slow.calls()).toEqual({
        fireworks: { ListClusters: 1, GetCluster: 1 },
        runai: { list_pods: 1 },
        gitpod: {},
      });
    });
  });
});

describe('partial results: a failing vendor does not take down the others', () => {
  it('Run:ai list_pods 503: the clusters answer, only the pod field path is null', async () => {
    gw.faults('runai', { list_pods: { status: 503 } });
    const cluster = fleet.clusters[0]!;
    const query = `{ clusters(first: 2) { nodes { name } } cluster(name: "${cluster.name}") { name pods(first: 2) { nodes { podId } } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        clusters: { nodes: fleet.clusters.slice(0, 2).map((c) => ({ name: c.name })) },
        cluster: { name: cluster.name, pods: null },
      },
      errors: [
        {
          message: 'Run:ai answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
          locations: [loc(query, 'pods')],
          path: ['cluster', 'pods'],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
        },
      ],
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, GetCluster: 1 },
      runai: { list_pods: 1 },
      gitpod: {},
    });
  });

  it('Fireworks down: pods still answer, each pod.cluster join is null with its own error', async () => {
    gw.faults('fireworks', { GetCluster: { status: 503 }, ListClusters: { status: 503 } });
    const pods = fleet.pods.slice(0, 3);
    const query = `{ pods(first: 3) { nodes { podId cluster { name } } } }`;
    const res = await gql(gw, query);
    expect({ ...res, errors: byPath(res.errors) }).toEqual({
      status: 200,
      data: { pods: { nodes: pods.map((p) => ({ podId: p.id, cluster: null })) } },
      errors: pods.map((_, i) => ({
        message: 'Fireworks answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
        locations: [loc(query, 'cluster')],
        path: ['pods', 'nodes', i, 'cluster'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'fireworks', upstreamStatus: 503 },
      })),
    });
    const clusters = new Set(pods.map((p) => p.clusterId)).size;
    expect(gw.calls()).toEqual({
      fireworks: clusters === 1 ? { GetCluster: 1 } : { ListClusters: 1 },
      runai: { list_pods: 1 },
      gitpod: {},
    });
  });

  it('ListNodePools 503: the batch jobs answer, each nodePool join is null with its own error', async () => {
    gw.faults('fireworks', { ListNodePools: { status: 503 } });
    const jobs = fleet.batchJobs.slice(0, 3);
    const query = `{ batchJobs(first: 3) { nodes { name nodePool { name } } } }`;
    const res = await gql(gw, query);
    expect({ ...res, errors: byPath(res.errors) }).toEqual({
      status: 200,
      data: { batchJobs: { nodes: jobs.map((j) => ({ name: j.name, nodePool: null })) } },
      errors: jobs.map((_, i) => ({
        message: 'Fireworks answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
        locations: [loc(query, 'nodePool')],
        path: ['batchJobs', 'nodes', i, 'nodePool'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'fireworks', upstreamStatus: 503 },
      })),
    });
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 1, ListNodePools: 1 }, runai: {}, gitpod: {} });
  });

  it('nodes(ids:) with Run:ai down: the pod slot is null with its error, the other types answer', async () => {
    gw.faults('runai', { get_workload_pods: { status: 503 } });
    const cluster = fleet.clusters[0]!;
    const pod = fleet.pods[0]!;
    const pool = fleet.warmPools[0]!;
    const ids = [
      globalId('Cluster', cluster.name),
      globalId('Pod', `${pod.workloadId}/${pod.id}`),
      globalId('WarmPool', `${pool.id}/${pool.metadata.projectId}/${pool.metadata.environmentClassId}`),
    ];
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Cluster { name } ... on WarmPool { warmPoolId } } }`;
    expect(await gql(gw, query, { ids })).toEqual({
      status: 200,
      data: { nodes: [{ id: ids[0], name: cluster.name }, null, { id: ids[2], warmPoolId: pool.id }] },
      errors: [
        {
          message: 'Run:ai answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
          locations: [loc(query, 'nodes(')],
          path: ['nodes', 1],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
        },
      ],
    });
  });

  it('Run:ai list_pods 503 beside Query.clusters: clusters answer, pods is null', async () => {
    gw.faults('runai', { list_pods: { status: 503 } });
    const query = `{ clusters(first: 2) { nodes { name } } pods(first: 2) { nodes { podId } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { clusters: { nodes: fleet.clusters.slice(0, 2).map((c) => ({ name: c.name })) }, pods: null },
      errors: [
        {
          message: 'Run:ai answered HTTP 503 (UPSTREAM_UNAVAILABLE).',
          locations: [loc(query, 'pods')],
          path: ['pods'],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
        },
      ],
    });
  });

  it('Run:ai list_pods 503 under Query.nodePools: node pools answer, each pods field is null', async () => {
    gw.faults('runai', { list_pods: { status: 503 } });
    const query = `{ nodePools(first: 2) { nodes { name pods(first: 1) { totalCount } } } }`;
    const res = await gql(gw, query);
    expect(res.data).toEqual({
      nodePools: { nodes: fleet.nodePools.slice(0, 2).map((p) => ({ name: p.name, pods: null })) },
    });
    expect(res.errors?.map((e) => e.path)).toEqual([
      ['nodePools', 'nodes', 0, 'pods'],
      ['nodePools', 'nodes', 1, 'pods'],
    ]);
  });

  it('Gitpod 503 beside Query.batchJobs: batch jobs answer, warmPools is null', async () => {
    gw.faults('gitpod', { ListWarmPools: { status: 503 } });
    const query = `{ batchJobs(first: 2) { nodes { name } } warmPools(first: 2) { nodes { warmPoolId } } }`;
    const res = await gql(gw, query);
    expect(res.data).toEqual({
      batchJobs: { nodes: fleet.batchJobs.slice(0, 2).map((j) => ({ name: j.name })) },
      warmPools: null,
    });
  });
});

describe('wrong credentials', () => {
  it.each([
    ['fireworks', 'x-fireworks-api-key'],
    ['runai', 'x-runai-token'],
    ['gitpod', 'x-gitpod-api-key'],
  ] as const)('a wrong %s credential in %s → UNAUTHENTICATED, after one call', async (vendor, header) => {
    const root = ROOTS[vendor];
    expect(await gql(gw, root.query, undefined, { [header]: HEADER_CREDENTIALS[vendor] })).toEqual({
      status: 200,
      data: { [root.field]: null },
      errors: [
        {
          message: `${VENDOR[vendor]} answered HTTP 401 (UNAUTHENTICATED).`,
          locations: [loc(root.query, root.field)],
          path: [root.field],
          extensions: { code: 'UNAUTHENTICATED', upstream: vendor, upstreamStatus: 401 },
        },
      ],
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, [vendor]: { [root.operation]: 1 } });
  });
});

describe('objects that do not exist and arguments that cannot name one', () => {
  it('cluster(name:) of an unknown cluster → null with NOT_FOUND from Fireworks', async () => {
    const query = `{ cluster(name: "no-such-cluster") { name } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { cluster: null },
      errors: [
        {
          message: `Cluster "accounts/${gw.world.accountId}/clusters/no-such-cluster" was not found.`,
          locations: [loc(query, 'cluster')],
          path: ['cluster'],
          extensions: { code: 'NOT_FOUND', upstream: 'fireworks' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: { GetCluster: 1 }, runai: {}, gitpod: {} });
  });

  it('cluster(name:) of another account → NOT_FOUND without asking Fireworks', async () => {
    const query = `{ cluster(name: "accounts/someone-else/clusters/x") { name } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { cluster: null },
      errors: [
        {
          message: `Cluster "accounts/someone-else/clusters/x" was not found: this gateway serves account "${gw.world.accountId}".`,
          locations: [loc(query, 'cluster')],
          path: ['cluster'],
          extensions: { code: 'NOT_FOUND' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it.each([
    ['a path', '../../v1/accounts/x'],
    ['an injected filter', 'x" OR name = "y'],
  ])('cluster(name:) with %s → BAD_USER_INPUT, no upstream call', async (_what, name) => {
    const query = `query($n: String!) { cluster(name: $n) { name } }`;
    expect(await gql(gw, query, { n: name })).toEqual({
      status: 200,
      data: { cluster: null },
      errors: [
        {
          message: `"${name}" is not a cluster name: expected accounts/{account}/clusters/{cluster} or a cluster id.`,
          locations: [loc(query, 'cluster(')],
          path: ['cluster'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'name' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('batchJob(name:) of an unknown job → null with NOT_FOUND', async () => {
    const name = `${fleet.clusters[0]!.name}/batchJobs/000000001`;
    const query = `{ batchJob(name: "${name}") { name } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { batchJob: null },
      errors: [
        {
          message: `Batch job "${name}" was not found.`,
          locations: [loc(query, 'batchJob')],
          path: ['batchJob'],
          extensions: { code: 'NOT_FOUND', upstream: 'fireworks' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 1 }, runai: {}, gitpod: {} });
  });

  it.each([
    ['garbage', 'garbage'],
    ['not base64url', 'a/b+c=='],
    ['an unknown type', Buffer.from('User:42').toString('base64url')],
  ])('node(id: %s) → BAD_USER_INPUT, no upstream call', async (_what, id) => {
    const query = `query($id: ID!) { node(id: $id) { id } }`;
    expect(await gql(gw, query, { id })).toEqual({
      status: 200,
      data: { node: null },
      errors: [
        {
          message: `"${id}" is not a Fleetgraph ID. Use the \`id\` of an object.`,
          locations: [loc(query, 'node(')],
          path: ['node'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

/** A well-formed Run:ai UUID that names no workload and no pod. */
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('batched Run:ai lookups fail per key', () => {
  it('an unknown workload fails its own alias only', async () => {
    const pod = fleet.pods[0]!;
    const known = fleet.pods.filter((p) => p.workloadId === pod.workloadId && !p.deletedAt);
    const query = `{ w: workloadPods(workloadId: "${pod.workloadId}", first: 1) { totalCount } x: workloadPods(workloadId: "${UNKNOWN}", first: 1) { totalCount } }`;
    const res = await gql(gw, query);
    expect(res.data).toEqual({ w: { totalCount: known.length }, x: null });
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([
      { path: ['x'], code: 'NOT_FOUND' },
    ]);
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { get_workload_pods: 2 } });
  });

  it('a stale pod id among nodes(ids:) is null alone', async () => {
    const pod = fleet.pods.find((p) => !p.deletedAt)!;
    const ids = [globalId('Pod', `${pod.workloadId}/${pod.id}`), globalId('Pod', `${UNKNOWN}/${UNKNOWN}`)];
    const res = await gql(gw, 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Pod { podId } } }', { ids });
    expect(res.data).toEqual({ nodes: [{ podId: pod.id }, null] });
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([
      { path: ['nodes', 1], code: 'NOT_FOUND' },
    ]);
  });
});

describe('Pod.metrics is nullable', () => {
  it('a failing metrics call nulls that pod’s metrics only; the page and its count stay', async () => {
    gw.faults('runai', { get_workload_pod_metrics: { status: 404 } });
    const query = `{ pods(first: 2) { totalCount nodes { podId metrics(types: [GPU_UTILIZATION], start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z") { type } } } }`;
    const res = await gql(gw, query);
    const live = fleet.pods.filter((p) => !p.deletedAt);
    expect(res.data).toEqual({
      pods: { totalCount: live.length, nodes: live.slice(0, 2).map((p) => ({ podId: p.id, metrics: null })) },
    });
    expect(res.errors?.map((e) => ({ path: e.path, code: e.extensions?.code }))).toEqual([
      { path: ['pods', 'nodes', 0, 'metrics'], code: 'NOT_FOUND' },
      { path: ['pods', 'nodes', 1, 'metrics'], code: 'NOT_FOUND' },
    ]);
  });
});

// The schema has subscriptions now: one sent over HTTP is covered in test/subscriptions/live.test.ts.
describe('request errors from graphql-js are the caller’s', () => {
  it.each(['mutation { x }'])('%s → BAD_USER_INPUT, not a masked internal error', async (query) => {
    const res = await gql(gw, query);
    const operation = query.split(' ')[0];
    expect(res.errors?.map((e) => ({ message: e.message, code: e.extensions?.code }))).toEqual([
      { message: `Schema is not configured to execute ${operation} operation.`, code: 'BAD_USER_INPUT' },
    ]);
  });
});
