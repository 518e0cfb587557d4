/**
 * Behaviours an outside review found missing, each pinned: per-key failures in batched Run:ai
 * lookups, a failing Pod.metrics nulling only itself, nested connection arguments refused before
 * any call, @skip/@include honoured by pushdown, the bounded warm pool count, request errors of
 * graphql-js coded, and CORS for browser apps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, globalId, groundTruth, MAPPING_ONLY, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
beforeAll(async () => {
  gw = await startTestGateway(MAPPING_ONLY);
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

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

describe('nested connection arguments are checked before any upstream call', () => {
  it.each([
    ['first: 101', '`first` must be between 0 and 100, got 101.', 'first'],
    ['after: "garbage"', 'is not a valid cursor', 'after'],
  ])('Cluster.nodePools(%s) refuses the operation with HTTP 400', async (args, message, argument) => {
    const res = await gql(gw, `{ clusters(first: 2) { nodes { nodePools(${args}) { totalCount } } } }`);
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.message).toContain(message);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a nested pod connection may page backwards', async () => {
    const res = await gql(gw, `{ clusters(first: 1) { nodes { pods(last: 1) { totalCount } } } }`);
    expect(res.errors).toBeUndefined();
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

describe('request errors from graphql-js are the caller’s', () => {
  it.each(['mutation { x }', 'subscription { x }'])(
    '%s → BAD_USER_INPUT, not a masked internal error',
    async (query) => {
      const res = await gql(gw, query);
      const operation = query.split(' ')[0];
      expect(res.errors?.map((e) => ({ message: e.message, code: e.extensions?.code }))).toEqual([
        { message: `Schema is not configured to execute ${operation} operation.`, code: 'BAD_USER_INPUT' },
      ]);
    },
  );
});

describe('CORS for browser apps', () => {
  it('lets a page read the request id and send an API key', async () => {
    const preflight = await fetch(gw.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-request-id');
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { origin: 'https://dash.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
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

describe('the node pool join by annotation (RUNAI_NODE_POOL_KEY=annotation:run.ai/node-pool)', () => {
  let byAnnotation: TestGateway;
  beforeAll(async () => {
    byAnnotation = await startTestGateway({
      ...MAPPING_ONLY,
      RUNAI_NODE_POOL_KEY: 'annotation:run.ai/node-pool',
    });
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
