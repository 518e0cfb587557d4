/**
 * Query limits through the gateway: what a dashboard asks stays within them and reports its cost
 * in `extensions.cost`; every abusive shape is refused with one BAD_USER_INPUT error naming the
 * limit, before any upstream call.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { NO_CALLS } from '../helpers/ground-truth.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

const LIMITS = { maxNodes: 50_000, maxUpstreamCalls: 1_000 };

/** The upstream calls the simulators counted since the last reset, all vendors together. */
function totalCalls(): number {
  return Object.values(gw.calls())
    .flatMap((operations) => Object.values(operations))
    .reduce((a, b) => a + b, 0);
}

/** The whole response of a refused operation, and proof that no vendor was called. */
async function expectRefused(
  body: unknown,
  error: { message: string; extensions: Record<string, unknown> },
  cost?: Record<string, unknown>,
): Promise<void> {
  const res = await gw.post(body);
  const expected: GraphQLResponse = { status: 400, errors: [error] };
  if (cost) expected.extensions = { cost };
  expect(res).toEqual(expected);
  expect(gw.calls()).toEqual(NO_CALLS);
}

function limitError(measure: string, actual: number, variable: string, maximum: number, hint = '') {
  return {
    message: `Query ${measure} ${actual} exceeds the limit of ${maximum} (${variable}).${hint}`,
    extensions: { code: 'BAD_USER_INPUT', limit: variable, maximum, actual },
  };
}

const NODES_HINT = ' Ask for smaller pages (`first`/`last`) or nest fewer connections.';
const CALLS_HINT =
  ' Nest fewer per-parent connections (NodePool.batchJobs, NodePool.pods, Cluster.pods, Pod.metrics), ' +
  'ask for smaller pages, or split the query.';

/** `clusters { nodes { nodePools { nodes { cluster { … } } } } }` nested `hops` times: depth 2 + 3 × hops + 1. */
function deepQuery(hops: number, page = ''): string {
  let inner = 'name';
  for (let i = 0; i < hops; i++) inner = `nodePools${page} { nodes { cluster { ${inner} } } }`;
  return `{ clusters${page} { nodes { ${inner} } } }`;
}

describe('what a dashboard asks stays within the limits, and reports its cost', () => {
  it('the README example: 8 nodes, 11 calls estimated, 8 made', async () => {
    const README = `{
      clusters(first: 2) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          name
          state
          nodePools(first: 1) {
            totalCount
            nodes {
              nodePoolId
              state
              batchJobs(first: 1) { totalCount nodes { displayName state } }
              pods(first: 1) { totalCount nodes { name phase } }
            }
          }
        }
      }
    }`;
    const res = await gw.post({ query: README });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.extensions).toEqual({
      // The first pages of 2 clusters' node pools: a combined list, and 2 per-cluster lists if it
      // did not end within its pages (2 at most, one per cluster).
      cost: { requestedNodes: 8, estimatedUpstreamCalls: 11, actualUpstreamCalls: 8, limits: LIMITS },
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: 2 },
      runai: { list_pods: 2, count_pods: 2 },
      gitpod: {},
    });
  });

  it('a fleet dashboard of 10 clusters × 10 node pools with job and pod counts: 1,110 nodes, 321 calls at most', async () => {
    const res = await gw.post({
      query: `{ clusters(first: 10) { nodes { name nodePools(first: 10) { nodes { name
        batchJobs(first: 5) { totalCount } pods(first: 5) { totalCount } } } } } }`,
    });
    expect(res.errors).toBeUndefined();
    // The estimate counts 10 node pools under each of 10 clusters; the demo fleet has fewer.
    expect(res.extensions).toEqual({
      cost: {
        requestedNodes: 10 + 100 + 500 + 500,
        estimatedUpstreamCalls: 1 + (10 + 10) + 100 + 100 * 2,
        actualUpstreamCalls: totalCalls(),
        limits: LIMITS,
      },
    });
    expect(totalCalls()).toBeGreaterThan(8);
  });

  it('a warm pool page with its count: 11 calls at most (a page and a walk of up to 10), 2 made', async () => {
    const res = await gw.post({ query: '{ warmPools(first: 100) { totalCount nodes { warmPoolId } } }' });
    expect(res.errors).toBeUndefined();
    // The walk's first page is the page already fetched (same request, sent once): 140 warm pools
    // cost the page of 100 and one more page of the walk.
    expect(res.extensions).toEqual({
      cost: { requestedNodes: 100, estimatedUpstreamCalls: 11, actualUpstreamCalls: 2, limits: LIMITS },
    });
    expect(gw.calls()).toEqual({ ...NO_CALLS, gitpod: { ListWarmPools: 2 } });
  });

  it("Apollo Sandbox's introspection query passes (introspection does not count for depth) and costs nothing", async () => {
    const res = await gw.post({ query: getIntrospectionQuery() });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.extensions).toEqual({
      cost: { requestedNodes: 0, estimatedUpstreamCalls: 0, actualUpstreamCalls: 0, limits: LIMITS },
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a query exactly at the depth, alias and root field limits passes', async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `n${i}: name`).join(' ');
    const roots = Array.from({ length: 9 }, (_, i) => `c${i}: clusters(first: 1) { totalCount }`).join(' ');
    // depth 12, 30 aliases, 10 root fields
    const query = deepQuery(3, '(first: 1)')
      .replace('{ name }', `{ name ${aliases} }`)
      .replace(/}$/, `${roots} }`);
    const res = await gw.post({ query });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
  });
});

describe('actualUpstreamCalls counts the calls sent, answered or failed', () => {
  it('a call the vendor fails (500, not retried) counts as made; a Run:ai 503 retried counts once', async () => {
    gw.faults('fireworks', { ListClusters: { status: 500 } });
    gw.faults('runai', { list_pods: { status: 503 } });
    const res = await gw.post({
      query: '{ clusters(first: 2) { nodes { name } } pods(first: 1) { nodes { name } } }',
    });
    expect(res.data).toEqual({ clusters: null, pods: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['clusters'], 'UPSTREAM_ERROR'],
      [['pods'], 'UPSTREAM_UNAVAILABLE'],
    ]);
    const runaiAttempts = gw.calls().runai.list_pods ?? 0;
    expect(gw.calls().fireworks).toEqual({ ListClusters: 1 });
    // Retries are attempts of one call: the vendor saw several, the operation made one call.
    expect(runaiAttempts).toBeGreaterThan(1);
    expect(res.extensions?.cost).toEqual({
      requestedNodes: 3,
      estimatedUpstreamCalls: 2,
      actualUpstreamCalls: 2,
      limits: LIMITS,
    });
  });
});

describe('variables and directives count', () => {
  const FLEET = `query Fleet($clusters: Int, $pools: Int, $counts: Boolean!) {
    clusters(first: $clusters) { nodes { name nodePools(first: $pools) { nodes { name
      pods(first: 1) { totalCount @include(if: $counts) nodes { name } } } } } }
  }`;

  it('20 clusters × 20 node pools without counts: 820 nodes, 431 calls at most, passes', async () => {
    const res = await gw.post({ query: FLEET, variables: { clusters: 20, pools: 20, counts: false } });
    expect(res.errors).toBeUndefined();
    expect(res.extensions).toEqual({
      cost: {
        requestedNodes: 20 + 400 + 400,
        estimatedUpstreamCalls: 1 + (20 + 10) + 400,
        actualUpstreamCalls: totalCalls(),
        limits: LIMITS,
      },
    });
    expect(gw.calls().runai).not.toHaveProperty('count_pods');
  });

  it('the same with counts: one count_pods more per node pool, 831 calls at most, still passes', async () => {
    const res = await gw.post({ query: FLEET, variables: { clusters: 20, pools: 20, counts: true } });
    expect(res.errors).toBeUndefined();
    expect(res.extensions).toEqual({
      cost: {
        requestedNodes: 820,
        estimatedUpstreamCalls: 831,
        actualUpstreamCalls: totalCalls(),
        limits: LIMITS,
      },
    });
  });

  it('pages left to their default of 20 count as 20', async () => {
    const res = await gw.post({ query: FLEET, variables: { counts: true } });
    expect(res.extensions).toEqual({
      cost: {
        requestedNodes: 820,
        estimatedUpstreamCalls: 831,
        actualUpstreamCalls: totalCalls(),
        limits: LIMITS,
      },
    });
  });

  it('a dashboard asking for counts on 25 clusters × 20 node pools (1,036 calls at most) is refused', async () => {
    await expectRefused(
      { query: FLEET, variables: { clusters: 25, pools: 20, counts: true } },
      limitError('upstream call estimate', 1_036, 'MAX_UPSTREAM_CALLS', 1_000, CALLS_HINT),
      { requestedNodes: 1_025, estimatedUpstreamCalls: 1_036, actualUpstreamCalls: 0, limits: LIMITS },
    );
  });

  it('variables that do not coerce are refused by Apollo, still before any upstream call', async () => {
    const res = await gw.post({ query: FLEET, variables: { clusters: 'many', counts: true } });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.extensions).toBeUndefined();
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('abusive queries are refused before any upstream call', () => {
  it('a depth bomb', async () => {
    await expectRefused({ query: deepQuery(4) }, limitError('depth', 15, 'MAX_QUERY_DEPTH', 12));
  });

  it('a depth bomb folded into fragments (fragments are spread to measure depth)', async () => {
    const fragments = Array.from(
      { length: 8 },
      (_, i) =>
        `fragment F${i} on Cluster { nodePools { nodes { cluster { ${i < 7 ? `...F${i + 1}` : 'name'} } } } }`,
    ).join('\n');
    await expectRefused(
      { query: `{ clusters { nodes { ...F0 } } }\n${fragments}` },
      limitError('depth', 2 + 8 * 3 + 1, 'MAX_QUERY_DEPTH', 12),
    );
  });

  it('one level over the depth limit', async () => {
    await expectRefused(
      { query: deepQuery(3, '(first: 1)').replace('{ name }', '{ status { code } }') },
      limitError('depth', 13, 'MAX_QUERY_DEPTH', 12),
    );
  });

  it('an alias bomb: 200 aliases of clusters', async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `c${i}: clusters { totalCount }`).join(' ');
    await expectRefused({ query: `{ ${aliases} }` }, limitError('alias count', 200, 'MAX_QUERY_ALIASES', 30));
  });

  it('31 aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `n${i}: name`).join(' ');
    await expectRefused(
      { query: `{ clusters(first: 1) { nodes { ${aliases} } } }` },
      limitError('alias count', 31, 'MAX_QUERY_ALIASES', 30),
    );
  });

  it('11 root fields', async () => {
    const query = `{
      clusters { totalCount } nodePools { totalCount } batchJobs { totalCount } pods { totalCount }
      warmPools { totalCount } cluster(name: "c") { name } nodePool(name: "p") { name }
      batchJob(name: "b") { name } node(id: "x") { id } nodes(ids: []) { id }
      workloadPods(workloadId: "w") { totalCount }
    }`;
    await expectRefused({ query }, limitError('root field count', 11, 'MAX_ROOT_FIELDS', 10));
  });

  it('100 × 100 × 100 nested connections: 1,010,100 nodes', async () => {
    await expectRefused(
      {
        query: `{ clusters(first: 100) { nodes { nodePools(first: 100) { nodes {
          batchJobs(first: 100) { nodes { name } } } } } } }`,
      },
      limitError('node count', 1_010_100, 'MAX_QUERY_NODES', 50_000, NODES_HINT),
      { requestedNodes: 1_010_100, estimatedUpstreamCalls: 10_111, actualUpstreamCalls: 0, limits: LIMITS },
    );
  });

  it('one pod metrics call per pod, for 100 pods of each of 10 clusters', async () => {
    await expectRefused(
      {
        query: `{ clusters(first: 10) { nodes { pods(first: 100) { nodes {
          metrics(types: [GPU_UTILIZATION], start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z") { type }
        } } } } }`,
      },
      limitError('upstream call estimate', 1_011, 'MAX_UPSTREAM_CALLS', 1_000, CALLS_HINT),
      {
        requestedNodes: 1_010 + 1_000 * 21,
        estimatedUpstreamCalls: 1_011,
        actualUpstreamCalls: 0,
        limits: LIMITS,
      },
    );
  });

  it('fragments that fan out to more fields than the gateway analyses, within every other limit', async () => {
    // Refused by the pass before validation; the cost walk's own bound (MAX_ANALYSED_FIELDS) is
    // held to its limit in cost.test.ts.
    const res = await gw.post({ query: fanOut() });
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message:
            'Document has more than 2000 selections once fragments are spread, over the limit of 2000 ' +
            '(MAX_EXPANDED_SELECTIONS), refused before validation. Use fewer fragments, or split the query.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'MAX_EXPANDED_SELECTIONS', maximum: 2000 },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a huge token count, refused before parsing', async () => {
    const query = `{ clusters(first: 1) { totalCount ${'__typename '.repeat(200_000 / 11)} } }`;
    await expectRefused(
      { query },
      limitError('token count', 11 + Math.floor(200_000 / 11), 'MAX_QUERY_TOKENS', 5000),
    );
  });

  it('one token over the limit; exactly at the limit passes (comments are no tokens)', async () => {
    // 29 tokens around the list of metric types.
    const types = (n: number) => Array.from({ length: n }, () => 'GPU_UTILIZATION').join(' ');
    const query = (n: number) =>
      `# the page of one pod\n{ pods(first: 1) { nodes { metrics(types: [${types(n)}], ` +
      'start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z") { type } } } }';
    await expectRefused({ query: query(4972) }, limitError('token count', 5001, 'MAX_QUERY_TOKENS', 5000));
    const res = await gw.post({ query: query(4971) });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(gw.calls()).toEqual({ ...NO_CALLS, runai: { list_pods: 1, get_workload_pod_metrics: 1 } });
  });

  it('a 1 MB body: 413 before it is read whole', async () => {
    const body = JSON.stringify({ query: '{ clusters { totalCount } }', padding: 'x'.repeat(1024 * 1024) });
    const res = await gw.post(body);
    expect(res).toEqual({
      status: 413,
      errors: [
        {
          message: 'Request body exceeds the limit of 262144 bytes (MAX_BODY_BYTES).',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('the limits follow the configuration', () => {
  let small: TestGateway;
  beforeAll(async () => {
    small = await startTestGateway({
      MAX_QUERY_DEPTH: '4',
      MAX_QUERY_ALIASES: '1',
      MAX_ROOT_FIELDS: '1',
      MAX_QUERY_TOKENS: '40',
      MAX_QUERY_NODES: '30',
      MAX_UPSTREAM_CALLS: '5',
    });
  });
  afterAll(() => small.stop());

  it.each([
    [
      'depth',
      '{ clusters { nodes { nodePools { nodes { name } } } } }',
      limitError('depth', 5, 'MAX_QUERY_DEPTH', 4),
    ],
    [
      'aliases',
      '{ clusters { a: totalCount b: totalCount } }',
      limitError('alias count', 2, 'MAX_QUERY_ALIASES', 1),
    ],
    [
      'root fields',
      '{ clusters { totalCount } pods { totalCount } }',
      limitError('root field count', 2, 'MAX_ROOT_FIELDS', 1),
    ],
  ])('%s', async (_name, query, error) => {
    expect(await small.post({ query })).toEqual({ status: 400, errors: [error] });
    expect(small.calls()).toEqual(NO_CALLS);
  });

  it('tokens: 40 pass, 41 do not', async () => {
    const query = (n: number) => `{ clusters { totalCount ${'__typename '.repeat(n)} } }`;
    expect((await small.post({ query: query(34) })).errors).toBeUndefined();
    expect(await small.post({ query: query(35) })).toEqual({
      status: 400,
      errors: [limitError('token count', 41, 'MAX_QUERY_TOKENS', 40)],
    });
  });

  it('nodes and calls, with the configured limits in extensions.cost', async () => {
    const limits = { maxNodes: 30, maxUpstreamCalls: 5 };
    expect(
      await small.post({ query: '{ clusters(first: 5) { nodes { pods(first: 6) { totalCount } } } }' }),
    ).toEqual({
      status: 400,
      errors: [limitError('node count', 35, 'MAX_QUERY_NODES', 30, NODES_HINT)],
      extensions: {
        cost: { requestedNodes: 35, estimatedUpstreamCalls: 11, actualUpstreamCalls: 0, limits },
      },
    });
    expect(
      await small.post({ query: '{ clusters(first: 5) { nodes { pods(first: 1) { totalCount } } } }' }),
    ).toEqual({
      status: 400,
      errors: [limitError('upstream call estimate', 11, 'MAX_UPSTREAM_CALLS', 5, CALLS_HINT)],
      extensions: {
        cost: { requestedNodes: 10, estimatedUpstreamCalls: 11, actualUpstreamCalls: 0, limits },
      },
    });
  });
});

/**
 * A query within the depth (11 of 12), alias (29 of 30), root field (10 of 10) and token (1,218 of
 * 5,000) limits whose fragments, spread, select more than 50,000 fields: each fragment joins pods,
 * node pools, batch jobs and clusters to each other, one fragment per type and remaining depth.
 */
function fanOut(): string {
  const leaves: Record<string, string> = {
    Pod: 'id podId name workloadId clusterUuid projectId nodeName phase ip createdAt currentNodePoolId containers { name image startedAt } tolerations { key operator value effect }',
    NodePool:
      'id name nodePoolId displayName createTime minNodeCount maxNodeCount state annotations { key value } status { code message }',
    Cluster: 'id name clusterId displayName createTime state status { code message }',
    BatchJob:
      'id name batchJobId displayName nodePoolId createTime createdBy imageRef numRanks envVars { key value } state',
  };
  // How each type reaches the others, and the depth each hop takes.
  const hops: Record<string, [string, string, number][]> = {
    Pod: [
      ['nodePool {', 'NodePool', 1],
      ['cluster {', 'Cluster', 1],
    ],
    NodePool: [
      ['cluster {', 'Cluster', 1],
      ['pods(first: 1) { nodes {', 'Pod', 2],
      ['pods(first: 1) { edges { node {', 'Pod', 3],
      ['batchJobs(first: 1) { nodes {', 'BatchJob', 2],
      ['batchJobs(first: 1) { edges { node {', 'BatchJob', 3],
    ],
    Cluster: [
      ['nodePools(first: 1) { nodes {', 'NodePool', 2],
      ['nodePools(first: 1) { edges { node {', 'NodePool', 3],
      ['pods(first: 1) { nodes {', 'Pod', 2],
      ['pods(first: 1) { edges { node {', 'Pod', 3],
    ],
    BatchJob: [
      ['cluster {', 'Cluster', 1],
      ['nodePool {', 'NodePool', 1],
    ],
  };
  const definitions = new Map<string, string>();
  const fragment = (type: string, depth: number): string => {
    const name = `${type}${depth}`;
    if (!definitions.has(name)) {
      const selections = [leaves[type]];
      for (const [open, target, levels] of hops[type] ?? []) {
        if (depth - levels >= 2) {
          const close = ' }'.repeat(open.split('{').length - 1);
          selections.push(`${open} ...${fragment(target, depth - levels)}${close}`);
        }
      }
      definitions.set(name, `fragment ${name} on ${type} { ${selections.join(' ')} }`);
    }
    return name;
  };
  const twice = `a: nodePool { ...${fragment('NodePool', 8)} } b: nodePool { ...${fragment('NodePool', 8)} }`;
  definitions.set('Top', `fragment Top on Pod { ...${fragment('Pod', 9)} ${twice} }`);
  const roots = Array.from(
    { length: 10 },
    (_, i) => `${i ? `p${i}: ` : ''}pods(first: 1) { nodes { ...Top } }`,
  );
  return `{ ${roots.join(' ')} }\n${[...definitions.values()].join('\n')}`;
}
