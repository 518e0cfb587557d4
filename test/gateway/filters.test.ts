/**
 * Hostile filter values: quotes, backslashes, injected `OR`, commas, `*`, `==`, `=@`, parentheses,
 * control characters and unicode. Each value either matches literally (the real record holding it
 * comes back, alone, and the compiled upstream filter is asserted character for character) or is
 * refused with BAD_USER_INPUT before any upstream call, where the upstream language cannot carry
 * it (`*` in an AIP-160 exact match, `,` in a Run:ai filterBy entry), or is too long for an upstream
 * URL. A DateTime literal that is no timestamp fails validation at its own location.
 */
import { describe, expect, it } from 'vitest';
import { shareGateway, type TestGateway } from '../helpers/gateway.js';
import { quote as literal } from '../helpers/fireworks-sim.js';
import {
  CREDENTIALS,
  gql,
  loc,
  NO_CALLS,
  refusedAtRoot,
  type Fleet,
  type RunaiPod,
  fireworksListRequest,
  endOfMillisecond,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

function listRequest(collection: string, query: Record<string, string>) {
  return fireworksListRequest(fleet.accountId, collection, query);
}

/**
 * The list_pods request, and the count_pods request when the page does not prove the total (a
 * first page that reaches the end of the list gives totalCount without a count call).
 */
function podRequests(query: Record<string, string>, counted = false) {
  const { offset: _offset, limit: _limit, verbosity: _verbosity, ...countQuery } = query;
  const requests = [
    {
      operation: 'list_pods',
      method: 'GET',
      path: '/api/v1/workloads/pods',
      query,
      body: null,
      credential: CREDENTIALS.runai.masked,
      status: 200,
    },
    {
      operation: 'count_pods',
      method: 'GET',
      path: '/api/v1/workloads/pods/count',
      query: countQuery,
      body: null,
      credential: CREDENTIALS.runai.masked,
      status: 200,
    },
  ];
  return counted ? requests : requests.slice(0, 1);
}

describe('Fireworks: batch job display names match literally', () => {
  const JOBS = `query($v: String) { batchJobs(first: 5, filter: {displayName: $v}) { nodes { name displayName } totalCount } }`;

  /** The display name of the first job (in generation order) whose display name starts with `prefix`. */
  const realName = (prefix: string) => {
    const job = fleet.batchJobs.find((j) => j.displayName?.startsWith(prefix));
    if (!job) throw new Error(`no display name starts with ${prefix}`);
    return job.displayName as string;
  };

  it.each([
    ['quotes and a comma', 'eval "gsm8k", run '],
    ['backslashes and a colon', 'C:\\data\\shard-'],
    ['an apostrophe, quotes and a colon', `it's a "test": `],
    ['parentheses, AND and a leading minus', 'ablation (no-rope) AND -dropout '],
    ['an escaped quote and a double backslash', 'back\\"slash\\\\ '],
  ])('a real display name with %s returns exactly its job', async (_what, prefix) => {
    const value = realName(prefix);
    const jobs = fleet.batchJobs.filter((j) => j.displayName === value);
    expect(jobs).toHaveLength(1);
    expect(await gql(gw, JOBS, { v: value })).toEqual({
      status: 200,
      data: { batchJobs: { nodes: jobs.map((j) => ({ name: j.name, displayName: value })), totalCount: 1 } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '5',
        filter: `display_name = ${literal(value)}`,
        orderBy: 'create_time desc, name',
        readMask: 'display_name,name',
      }),
    ]);
  });

  it.each([
    ['an injected OR', '" OR name = "x'],
    ['an injected OR that would match everything', 'x" OR display_name != "y'],
    ['an injected parenthesised OR', '") OR (state = RUNNING'],
    ['a trailing backslash', 'eval \\'],
    ['== and =@', 'a==b =@c'],
    ['a comma list', 'a, b, c'],
    ['unicode', 'ünïcødé 🚀 «名前»'],
  ])('a value with %s matches nothing, sent as one string literal', async (_what, value) => {
    expect(fleet.batchJobs.some((j) => j.displayName === value)).toBe(false);
    expect(await gql(gw, JOBS, { v: value })).toEqual({
      status: 200,
      data: { batchJobs: { nodes: [], totalCount: 0 } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '5',
        filter: `display_name = ${literal(value)}`,
        orderBy: 'create_time desc, name',
        readMask: 'display_name,name',
      }),
    ]);
  });

  it.each([['sweep lr=3e-4 * wd=0.1 '], ['name = "x" OR name:* '], ['*wild*card* ']])(
    'a real display name holding "*" (%s…) is refused: * is a wildcard upstream',
    async (prefix) => {
      const value = realName(prefix);
      expect(await gql(gw, JOBS, { v: value })).toEqual(
        refusedAtRoot(
          JOBS,
          'batchJobs',
          'filter.displayName cannot contain "*": Fireworks treats it as a wildcard in exact matches.',
          'filter.displayName',
        ),
      );
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it.each([
    ['a newline', 'eval\nrun'],
    ['a NUL', 'eval\u0000run'],
  ])('a value with %s is refused', async (_what, value) => {
    expect(await gql(gw, JOBS, { v: value })).toEqual(
      refusedAtRoot(
        JOBS,
        'batchJobs',
        'filter.displayName cannot contain control characters.',
        'filter.displayName',
      ),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('createdBy with "+" and "@" survives URL encoding', async () => {
    const user = 'ops+batch@fleetgraph.dev';
    const jobs = fleet.batchJobs.filter((j) => j.createdBy === user);
    expect(jobs.length).toBeGreaterThan(0);
    const query = `query($v: String) { batchJobs(first: 3, filter: {createdBy: $v}) { nodes { name } totalCount } }`;
    expect(await gql(gw, query, { v: user })).toEqual({
      status: 200,
      data: {
        batchJobs: { nodes: jobs.slice(0, 3).map((j) => ({ name: j.name })), totalCount: jobs.length },
      },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '3',
        filter: `created_by = ${literal(user)}`,
        orderBy: 'create_time desc, name',
        readMask: 'name',
      }),
    ]);
  });

  it('several conditions are ANDed, each parenthesised so an OR inside one cannot bind to another', async () => {
    const value = realName('eval "gsm8k", run ');
    const job = fleet.batchJobs.find((j) => j.displayName === value)!;
    const query = `query($v: String) { batchJobs(first: 3, filter: {states: [${job.state}, RUNNING], displayName: $v}) { nodes { name } totalCount } }`;
    expect(await gql(gw, query, { v: value })).toEqual({
      status: 200,
      data: { batchJobs: { nodes: [{ name: job.name }], totalCount: 1 } },
    });
    const states =
      job.state === 'RUNNING' ? `state = RUNNING` : `(state = ${job.state}) OR (state = RUNNING)`;
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '3',
        filter: `(${states}) AND (display_name = ${literal(value)})`,
        orderBy: 'create_time desc, name',
        readMask: 'name',
      }),
    ]);
  });
});

describe('Fireworks: node pool and cluster filters', () => {
  it('a display name with a middle dot (unicode) returns exactly its node pool', async () => {
    const pool = fleet.nodePools.find((p) => p.displayName?.includes('·'))!;
    const query = `query($v: String) { nodePools(first: 5, filter: {displayName: $v}) { nodes { name displayName } } }`;
    expect(await gql(gw, query, { v: pool.displayName })).toEqual({
      status: 200,
      data: { nodePools: { nodes: [{ name: pool.name, displayName: pool.displayName }] } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', {
        pageSize: '5',
        filter: `display_name = ${literal(pool.displayName as string)}`,
        orderBy: 'name',
        readMask: 'display_name,name',
      }),
    ]);
  });

  it('an annotation value with quotes and a comma returns exactly the pools holding it', async () => {
    const key = 'kubernetes.io/description';
    const pool = fleet.nodePools.find((p) => p.annotations?.[key]?.includes('"'))!;
    const value = pool.annotations![key]!;
    const pools = fleet.nodePools.filter((p) => p.annotations?.[key] === value);
    const query = `query($k: String, $v: String) { nodePools(first: 5, filter: {annotationKey: $k, annotationValue: $v}) { nodes { name } } }`;
    expect(await gql(gw, query, { k: key, v: value })).toEqual({
      status: 200,
      data: { nodePools: { nodes: pools.map((p) => ({ name: p.name })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', {
        pageSize: '5',
        filter: `annotations.${literal(key)} = ${literal(value)}`,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });

  it('an annotation key alone asks for pools that have it', async () => {
    const key = 'fleetgraph.dev/runbook';
    const pools = fleet.nodePools.filter((p) => p.annotations?.[key] !== undefined);
    const query = `query($k: String) { nodePools(first: 20, filter: {annotationKey: $k}) { nodes { name } } }`;
    expect(await gql(gw, query, { k: key })).toEqual({
      status: 200,
      data: { nodePools: { nodes: pools.map((p) => ({ name: p.name })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', {
        pageSize: '20',
        filter: `annotations:${literal(key)}`,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });

  it.each([
    ['an injected OR', 'a" OR name = "b'],
    ['a space', 'team name'],
    ['a wildcard', 'fleetgraph.dev/*'],
  ])('an annotation key with %s is refused', async (_what, key) => {
    const query = `query($k: String) { nodePools(first: 5, filter: {annotationKey: $k}) { nodes { name } } }`;
    expect(await gql(gw, query, { k: key })).toEqual(
      refusedAtRoot(
        query,
        'nodePools',
        `filter.annotationKey "${key}" is not a Kubernetes annotation key.`,
        'filter.annotationKey',
      ),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('an instance type (dots) matches the EKS pools of that type only', async () => {
    const type = fleet.nodePools.find((p) => p.eksNodePool?.instanceType)!.eksNodePool!
      .instanceType as string;
    const pools = fleet.nodePools.filter((p) => p.eksNodePool?.instanceType === type);
    const query = `query($v: String) { nodePools(first: 20, filter: {instanceType: $v}) { nodes { name } } }`;
    expect(await gql(gw, query, { v: type })).toEqual({
      status: 200,
      data: { nodePools: { nodes: pools.map((p) => ({ name: p.name })) } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('nodePools', {
        pageSize: '20',
        filter: `eks_node_pool.instance_type = ${literal(type)}`,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });

  it('a states filter on the batched Cluster.nodePools stays ANDed with the parents', async () => {
    const states = ['FAILED', 'CREATING'];
    const query = `{ clusters(first: 10) { nodes { name nodePools(first: 10, filter: {states: [FAILED, CREATING]}) { nodes { name state } totalCount } } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        clusters: {
          nodes: fleet.clusters.map((c) => {
            const pools = fleet.nodePoolsOf(c.name).filter((p) => states.includes(p.state as string));
            return {
              name: c.name,
              nodePools: {
                nodes: pools.map((p) => ({ name: p.name, state: p.state })),
                totalCount: pools.length,
              },
            };
          }),
        },
      },
    });
    const parents = fleet.clusters.map((c) => `(name = "${c.name}/nodePools/*")`).join(' OR ');
    expect(gw.requests('fireworks')[1]).toEqual(
      listRequest('nodePools', {
        pageSize: '200',
        filter: `(${parents}) AND ((state = FAILED) OR (state = CREATING))`,
        orderBy: 'name',
        readMask: 'name,state',
      }),
    );
    expect(gw.calls()).toEqual({ fireworks: { ListClusters: 1, ListNodePools: 1 }, runai: {}, gitpod: {} });
  });

  it('a cluster display name with parentheses returns exactly its cluster', async () => {
    const cluster = fleet.clusters.find((c) => c.displayName?.includes('('))!;
    const query = `query($v: String) { clusters(first: 5, filter: {displayName: $v}) { nodes { name } totalCount } }`;
    expect(await gql(gw, query, { v: cluster.displayName })).toEqual({
      status: 200,
      data: { clusters: { nodes: [{ name: cluster.name }], totalCount: 1 } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('clusters', {
        pageSize: '5',
        filter: `display_name = ${literal(cluster.displayName as string)}`,
        orderBy: 'name',
        readMask: 'name',
      }),
    ]);
  });

  it('a DateTime variable that smuggles a filter is refused by the scalar, before any upstream call', async () => {
    const value = '2026-01-01T00:00:00Z" OR name = "x';
    const query = `query($d: DateTime) { clusters(filter: {createdAfter: $d}) { nodes { name } } }`;
    expect(await gql(gw, query, { d: value })).toEqual({
      status: 400,
      errors: [
        {
          message: `Variable "$d" got invalid value ${JSON.stringify(value)}; DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05.000Z", got ${JSON.stringify(value)}.`,
          locations: [loc(query, '$d')],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a time window is sent as two quoted timestamps, normalised to UTC', async () => {
    const times = fleet.batchJobs.map((j) => Date.parse(j.createTime as string)).sort((a, b) => a - b);
    const from = times[100]!;
    const to = times[140]!;
    const jobs = fleet.batchJobs.filter((j) => {
      const t = Date.parse(j.createTime as string);
      return t >= from && t <= to;
    });
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    // The same instants written with an offset, to show the gateway normalises them.
    const offset = (ms: number) => new Date(ms + 2 * 3600_000).toISOString().replace('.000Z', '+02:00');
    const query = `query($a: DateTime, $b: DateTime) { batchJobs(first: 100, filter: {createdAfter: $a, createdBefore: $b}) { nodes { name } totalCount } }`;
    expect(await gql(gw, query, { a: offset(from), b: offset(to) })).toEqual({
      status: 200,
      data: { batchJobs: { nodes: jobs.map((j) => ({ name: j.name })), totalCount: jobs.length } },
    });
    expect(gw.requests('fireworks')).toEqual([
      listRequest('batchJobs', {
        pageSize: '100',
        filter: `(create_time >= "${iso(from)}") AND (create_time <= "${endOfMillisecond(iso(to))}")`,
        orderBy: 'create_time desc, name',
        readMask: 'name',
      }),
    ]);
  });
});

describe('Run:ai: filterBy values and search', () => {
  const PODS = (filter: string) =>
    `query($v: String) { pods(first: 5, filter: {${filter}: $v}) { nodes { podId } totalCount } }`;
  const page = (pods: RunaiPod[]) => ({
    nodes: pods.slice(0, 5).map((p) => ({ podId: p.id })),
    totalCount: pods.length,
  });

  it('a node name holding =, @, ^ and $ matches literally with ==', async () => {
    const node = fleet.pods.map((p) => p.nodeName).find((n) => n?.includes('=') && !n.includes(','))!;
    const pods = fleet.pods.filter((p) => p.nodeName === node);
    expect(pods.length).toBeGreaterThan(0);
    expect(await gql(gw, PODS('nodeName'), { v: node })).toEqual({ status: 200, data: { pods: page(pods) } });
    expect(gw.requests('runai')).toEqual(
      podRequests({ offset: '0', limit: '6', filterBy: `nodeName==${node}` }, pods.length > 5),
    );
  });

  it('nodeNameContains with operator characters is a substring match (=@)', async () => {
    const needle = '=node@rack^';
    const pods = fleet.pods.filter((p) => p.nodeName?.includes(needle));
    expect(pods.length).toBeGreaterThan(0);
    expect(await gql(gw, PODS('nodeNameContains'), { v: needle })).toEqual({
      status: 200,
      data: { pods: page(pods) },
    });
    expect(gw.requests('runai')).toEqual(
      podRequests({ offset: '0', limit: '6', filterBy: `nodeName=@${needle}` }, pods.length > 5),
    );
  });

  it.each([
    ['a leading ==', '==ip-10-1-0-10.ec2.internal'],
    ['a *', '*'],
    ['quotes and parentheses', '"ip" (10)'],
    ['unicode', 'nœud-ünïcødé-🚀'],
  ])('a node name with %s is one literal value and matches nothing', async (_what, value) => {
    expect(fleet.pods.some((p) => p.nodeName === value)).toBe(false);
    expect(await gql(gw, PODS('nodeName'), { v: value })).toEqual({ status: 200, data: { pods: page([]) } });
    expect(gw.requests('runai')).toEqual(
      podRequests({ offset: '0', limit: '6', filterBy: `nodeName==${value}` }),
    );
  });

  it.each([['nodeName'], ['nodeNameContains']])(
    'a real node name holding "," is refused in %s',
    async (field) => {
      const node = fleet.pods.map((p) => p.nodeName).find((n) => n?.includes(','))!;
      expect(await gql(gw, PODS(field), { v: node })).toEqual(
        refusedAtRoot(
          PODS(field),
          'pods',
          `filter.${field} cannot contain ",": Run:ai separates filter conditions with commas, so the value cannot be sent.`,
          `filter.${field}`,
        ),
      );
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it('an empty node name is refused', async () => {
    expect(await gql(gw, PODS('nodeName'), { v: '' })).toEqual(
      refusedAtRoot(PODS('nodeName'), 'pods', 'filter.nodeName cannot be empty.', 'filter.nodeName'),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a workloadId that is not a UUID is refused', async () => {
    const value = 'x,clusterId==y';
    const query = PODS('workloadId').replace('$v: String', '$v: ID');
    expect(await gql(gw, query, { v: value })).toEqual(
      refusedAtRoot(query, 'pods', `filter.workloadId must be a UUID, got "${value}".`, 'filter.workloadId'),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  /** Run:ai's documented search: a case-insensitive substring of name, workloadName, projectName or nodeName. */
  const searched = (needle: string) =>
    fleet.pods.filter((p) =>
      [p.name, p.workloadName, p.projectName, p.nodeName].some(
        (t) => typeof t === 'string' && t.toLowerCase().includes(needle.toLowerCase()),
      ),
    );

  it.each([
    ['a comma and =', 'sweep,lr='],
    ['@, ^ and $', 'EVAL@CKPT^BEST$'],
    ['quotes and a semicolon', '"; DROP TABLE pods; --'],
  ])('search with %s is sent as is (no filterBy) and matches literally', async (_what, needle) => {
    expect(await gql(gw, PODS('search'), { v: needle })).toEqual({
      status: 200,
      data: { pods: page(searched(needle)) },
    });
    expect(gw.requests('runai')).toEqual(
      podRequests({ offset: '0', limit: '6', search: needle }, searched(needle).length > 5),
    );
  });

  it('search with a control character is refused', async () => {
    expect(await gql(gw, PODS('search'), { v: 'a\tb' })).toEqual(
      refusedAtRoot(
        PODS('search'),
        'pods',
        'filter.search cannot contain control characters.',
        'filter.search',
      ),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('Gitpod: warm pool filters', () => {
  it('filters by project, sending the ids as a list', async () => {
    const projectId = fleet.warmPools[0]!.metadata.projectId as string;
    const pools = fleet.warmPools.filter((w) => w.metadata.projectId === projectId);
    const query = `query($p: [ID!]) { warmPools(first: 20, filter: {projectIds: $p}) { nodes { warmPoolId } } }`;
    expect(await gql(gw, query, { p: [projectId.toUpperCase()] })).toEqual({
      status: 200,
      data: { warmPools: { nodes: pools.map((w) => ({ warmPoolId: w.id })) } },
    });
    expect(gw.requests('gitpod')).toEqual([
      {
        operation: 'ListWarmPools',
        method: 'POST',
        path: '/gitpod.v1.PrebuildService/ListWarmPools',
        query: {},
        body: { pagination: { pageSize: 20 }, filter: { projectIds: [projectId] } },
        credential: CREDENTIALS.gitpod.masked,
        status: 200,
      },
    ]);
  });

  it('refuses an id that is not a UUID', async () => {
    const query = `{ warmPools(first: 2, filter: {projectIds: ["\\" OR 1=1"]}) { nodes { warmPoolId } } }`;
    expect(await gql(gw, query)).toEqual(
      refusedAtRoot(
        query,
        'warmPools',
        'filter.projectIds must hold UUIDs, got "" OR 1=1".',
        'filter.projectIds',
      ),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

// A long value in an upstream URL makes the upstream refuse the request line (HTTP 431), which
// would blame the vendor for the caller's input: the gateway refuses it first.
describe('overlong filter values', () => {
  const LONG = 'x'.repeat(20_000);

  it('a 20 000-character displayName is refused with BAD_USER_INPUT, no upstream call', async () => {
    const query = `query($v: String) { batchJobs(first: 1, filter: {displayName: $v}) { totalCount } }`;
    const res = await gql(gw, query, { v: LONG });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.argument])).toEqual([
      [['batchJobs'], 'BAD_USER_INPUT', 'filter.displayName'],
    ]);
    expect(gw.requests('fireworks')).toEqual([]);
  });

  it('a 20 000-character pod search is refused with BAD_USER_INPUT, no upstream call', async () => {
    const query = `query($v: String) { pods(first: 1, filter: {search: $v}) { totalCount } }`;
    const res = await gql(gw, query, { v: LONG });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.argument])).toEqual([
      [['pods'], 'BAD_USER_INPUT', 'filter.search'],
    ]);
    expect(gw.requests('runai')).toEqual([]);
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('a bad DateTime literal', () => {
  it('is refused with the location of the literal and the code a variable gets', async () => {
    const query = `{ clusters(filter: {createdAfter: "yesterday"}) { nodes { name } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 400,
      errors: [
        {
          message:
            'DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05.000Z", got "yesterday".',
          locations: [loc(query, '"yesterday"')],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});
