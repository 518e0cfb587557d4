/**
 * Cursor and page-argument misuse: every case is refused with BAD_USER_INPUT naming the argument,
 * before any upstream call for the connection (a parent object the connection hangs off is still
 * fetched; arguments of a nested connection are refused before any call at all). Cursors only
 * resume the connection, filter and order that issued them.
 */
import { describe, expect, it } from 'vitest';
import { shareGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, loc, NO_CALLS, refusedAtRoot, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway({}, (shared) => ({ gw, fleet } = shared));

const FOREIGN =
  '`after` belongs to another connection, to the same field under another parent, or to this one with another filter or orderBy. Cursors only resume the connection and arguments that issued them: restart from the first page.';
const INVALID =
  "`after` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.";

/** Returns the endCursor of the first page of size 2 of a root connection (then resets the stats). */
async function cursorOf(field: string, args = ''): Promise<string> {
  const res = await gql<Record<string, { pageInfo: { endCursor: string } }>>(
    gw,
    `{ ${field}(first: 2${args ? `, ${args}` : ''}) { pageInfo { endCursor } } }`,
  );
  const cursor = res.data?.[field]?.pageInfo.endCursor;
  if (typeof cursor !== 'string') throw new Error(`no cursor from ${field}: ${JSON.stringify(res)}`);
  gw.reset();
  return cursor;
}

describe('a cursor from another connection', () => {
  it.each([
    ['clusters', 'nodePools'],
    ['nodePools', 'clusters'],
    ['batchJobs', 'nodePools'],
    ['pods', 'batchJobs'],
    ['warmPools', 'batchJobs'],
    ['batchJobs', 'warmPools'],
    ['batchJobs', 'pods'],
  ])('a %s cursor is refused by %s, with no upstream call', async (from, to) => {
    const after = await cursorOf(from);
    const query = `query($after: String) { ${to}(first: 2, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, to, FOREIGN, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a Query.pods cursor is refused by Cluster.pods before any call, the cluster included', async () => {
    const after = await cursorOf('pods');
    const cluster = fleet.clusters[0]!.name;
    const query = `query($after: String) { cluster(name: "${cluster}") { pods(first: 2, after: $after) { nodes { id } } } }`;
    expect(await gql(gw, query, { after })).toEqual({
      status: 400,
      errors: [
        { message: `Cluster.pods: ${FOREIGN}`, extensions: { code: 'BAD_USER_INPUT', argument: 'after' } },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it("one node pool's batch job cursor is refused by another node pool's batchJobs", async () => {
    const [a, b] = fleet.nodePools;
    const first = await gql<{ nodePool: { batchJobs: { pageInfo: { endCursor: string } } } }>(
      gw,
      `{ nodePool(name: "${a!.name}") { batchJobs(first: 2) { pageInfo { endCursor } } } }`,
    );
    const after = first.data?.nodePool.batchJobs.pageInfo.endCursor;
    gw.reset();
    const query = `query($after: String) { nodePool(name: "${b!.name}") { batchJobs(first: 2, after: $after) { nodes { id } } } }`;
    expect(await gql(gw, query, { after })).toEqual({
      status: 200,
      data: { nodePool: { batchJobs: null } },
      errors: [
        {
          message: FOREIGN,
          locations: [loc(query, 'batchJobs')],
          path: ['nodePool', 'batchJobs'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: { ListNodePools: 1 }, runai: {}, gitpod: {} });
  });

  it("one cluster's node pool cursor is refused by another cluster's nodePools", async () => {
    const [a, b] = fleet.clusters;
    const first = await gql<{ cluster: { nodePools: { pageInfo: { endCursor: string } } } }>(
      gw,
      `{ cluster(name: "${a!.name}") { nodePools(first: 2) { pageInfo { endCursor } } } }`,
    );
    const after = first.data?.cluster.nodePools.pageInfo.endCursor;
    gw.reset();
    const query = `query($after: String) { cluster(name: "${b!.name}") { nodePools(first: 2, after: $after) { nodes { id } } } }`;
    expect(await gql(gw, query, { after })).toEqual({
      status: 200,
      data: { cluster: { nodePools: null } },
      errors: [
        {
          message: FOREIGN,
          locations: [loc(query, 'nodePools')],
          path: ['cluster', 'nodePools'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
        },
      ],
    });
    expect(gw.calls()).toEqual({ fireworks: { GetCluster: 1 }, runai: {}, gitpod: {} });
  });

  it("one workload's pod cursor is refused by another workload's pods", async () => {
    const [a, b] = [...new Set(fleet.pods.map((p) => p.workloadId))];
    const first = await gql<{ workloadPods: { pageInfo: { endCursor: string } } }>(
      gw,
      `{ workloadPods(workloadId: "${a}", first: 1) { pageInfo { endCursor } } }`,
    );
    const after = first.data?.workloadPods.pageInfo.endCursor;
    gw.reset();
    const query = `query($after: String) { workloadPods(workloadId: "${b}", first: 1, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, 'workloadPods', FOREIGN, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('a cursor from the same connection with another filter or order', () => {
  it.each([
    ['batchJobs', 'filter: {states: [RUNNING]}', 'filter: {states: [FAILED]}'],
    ['batchJobs', 'filter: {states: [RUNNING]}', ''],
    ['batchJobs', '', 'orderBy: {field: NAME}'],
    ['batchJobs', 'orderBy: {field: CREATE_TIME, direction: DESC}', 'orderBy: {field: CREATE_TIME}'],
    ['clusters', 'orderBy: {field: DISPLAY_NAME}', ''],
    ['nodePools', 'filter: {states: [READY]}', 'filter: {states: [READY, FAILED]}'],
    ['pods', 'filter: {nodeNameContains: "ip-10"}', 'filter: {nodeNameContains: "ip-11"}'],
    ['pods', '', 'orderBy: {field: NODE_NAME}'],
    ['pods', 'orderBy: {field: NODE_NAME}', 'orderBy: {field: NODE_NAME, direction: DESC}'],
  ])('%s: a cursor issued with (%s) is refused with (%s)', async (field, issued, presented) => {
    const after = await cursorOf(field, issued);
    const query = `query($after: String) { ${field}(first: 2, after: $after${presented ? `, ${presented}` : ''}) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, field, FOREIGN, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('warmPools: a cursor issued with a project filter is refused without it', async () => {
    const projectId = fleet.warmPools[0]!.metadata.projectId as string;
    const after = await cursorOf('warmPools', `filter: {projectIds: ["${projectId}"]}`);
    const query = `query($after: String) { warmPools(first: 2, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, 'warmPools', FOREIGN, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('malformed cursors', () => {
  const base64url = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['not base64url', '!!not a cursor!!', INVALID],
    ['base64url of no JSON', 'bm90IGpzb24', INVALID],
    ['JSON that is no cursor', base64url('{"hello":"world"}'), INVALID],
    ['an unsigned cursor of the version before', base64url('{"v":1,"b":"x","p":{"o":1}}'), INVALID],
    ['JSON null', base64url('null'), INVALID],
    ['over 4096 characters', 'A'.repeat(5000), INVALID],
    ['an empty string', '', INVALID],
  ])('refuses %s on every connection kind, with no upstream call', async (_what, after, message) => {
    for (const field of ['clusters', 'batchJobs', 'pods', 'warmPools']) {
      gw.reset();
      const query = `query($after: String) { ${field}(first: 2, after: $after) { nodes { id } } }`;
      expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, field, message, 'after'));
      expect(gw.calls()).toEqual(NO_CALLS);
    }
  });

  /** The cursor with its position replaced and the genuine cursor's MAC kept: what a forger can make. */
  const forge = (cursor: string, position: unknown) => {
    const [payload, mac] = cursor.split('.') as [string, string];
    const real = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object;
    return `${base64url(JSON.stringify({ ...real, p: position }))}.${mac}`;
  };

  it('refuses a pods cursor whose position was edited, its MAC kept (negative offset)', async () => {
    const after = forge(await cursorOf('pods'), { o: -5 });
    const query = `query($after: String) { pods(first: 2, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, 'pods', INVALID, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses a batch job cursor whose position was edited to skip 450 pages (issue 9, finding 2)', async () => {
    const after = forge(await cursorOf('batchJobs'), { t: '', i: 450 * 200 });
    const query = `query($after: String) { batchJobs(first: 2, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, 'batchJobs', INVALID, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses a cursor with one byte of its payload flipped, with no upstream call', async () => {
    const real = await cursorOf('warmPools');
    const after = (real[3] === 'A' ? `${real.slice(0, 3)}B` : `${real.slice(0, 3)}A`) + real.slice(4);
    const query = `query($after: String) { warmPools(first: 2, after: $after) { nodes { id } } }`;
    expect(await gql(gw, query, { after })).toEqual(refusedAtRoot(query, 'warmPools', INVALID, 'after'));
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('a nested cursor edited the same way is refused with the whole operation, before any call', async () => {
    const pool = fleet.nodePools[0]!;
    const first = await gql<{ nodePool: { batchJobs: { pageInfo: { endCursor: string } } } }>(
      gw,
      `{ nodePool(name: "${pool.name}") { batchJobs(first: 2) { pageInfo { endCursor } } } }`,
    );
    gw.reset();
    const after = forge(first.data!.nodePool.batchJobs.pageInfo.endCursor, { t: '', i: 90_000 });
    const query = `query($after: String) { nodePool(name: "${pool.name}") { batchJobs(first: 2, after: $after) { nodes { id } } } }`;
    expect(await gql(gw, query, { after })).toEqual({
      status: 400,
      errors: [
        {
          message: `NodePool.batchJobs: ${INVALID}`,
          extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses a malformed `before` on pods, naming `before`', async () => {
    const query = `{ pods(last: 2, before: "garbage!") { nodes { id } } }`;
    expect(await gql(gw, query)).toEqual(
      refusedAtRoot(
        query,
        'pods',
        "`before` is not a valid cursor: it was altered or not issued by this gateway. Use a cursor from this connection's edges or pageInfo.",
        'before',
      ),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('page sizes and directions', () => {
  const CONNECTIONS = ['clusters', 'nodePools', 'batchJobs', 'pods', 'warmPools'];

  it.each([
    ['first: -1', 'first', '`first` must be between 0 and 100, got -1.'],
    ['first: 101', 'first', '`first` must be between 0 and 100, got 101.'],
  ])('refuses %s on every root connection, with no upstream call', async (args, argument, message) => {
    for (const field of CONNECTIONS) {
      gw.reset();
      const query = `{ ${field}(${args}) { nodes { id } } }`;
      expect(await gql(gw, query)).toEqual(refusedAtRoot(query, field, message, argument));
      expect(gw.calls()).toEqual(NO_CALLS);
    }
  });

  it.each([
    ['last: -1', '`last` must be between 0 and 100, got -1.'],
    ['last: 101', '`last` must be between 0 and 100, got 101.'],
  ])('refuses %s on pods and workloadPods', async (args, message) => {
    for (const field of ['pods', 'workloadPods']) {
      gw.reset();
      const workload = field === 'workloadPods' ? `workloadId: "${fleet.pods[0]!.workloadId}", ` : '';
      const query = `{ ${field}(${workload}${args}) { nodes { id } } }`;
      expect(await gql(gw, query)).toEqual(refusedAtRoot(query, field, message, 'last'));
      expect(gw.calls()).toEqual(NO_CALLS);
    }
  });

  it('refuses first and last together', async () => {
    const query = `{ pods(first: 2, last: 2) { nodes { id } } }`;
    expect(await gql(gw, query)).toEqual(
      refusedAtRoot(query, 'pods', 'Pass either `first` or `last`, not both.', 'last'),
    );
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses last with after, and first with before', async () => {
    const after = await cursorOf('pods');
    const mixes = [
      [`last: 2, after: $c`, 'after'],
      [`first: 2, before: $c`, 'before'],
    ] as const;
    for (const [args, argument] of mixes) {
      gw.reset();
      const query = `query($c: String) { pods(${args}) { nodes { id } } }`;
      expect(await gql(gw, query, { c: after })).toEqual(
        refusedAtRoot(
          query,
          'pods',
          'Pass `after` with `first`, or `before` with `last`, not a mix.',
          argument,
        ),
      );
      expect(gw.calls()).toEqual(NO_CALLS);
    }
  });

  it.each([
    ['clusters', 'Query.clusters', 'last: 2'],
    ['nodePools', 'Query.nodePools', 'last: 2'],
    ['batchJobs', 'Query.batchJobs', 'last: 2'],
    ['warmPools', 'Query.warmPools', 'last: 2'],
    ['clusters', 'Query.clusters', 'before: "x"'],
  ])(
    'the forward-only %s declares no last/before: %s(%s) fails validation',
    async (field, coordinate, args) => {
      const query = `{ ${field}(${args}) { nodes { id } } }`;
      const argument = args.split(':')[0];
      const res = await gql(gw, query);
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([
        expect.objectContaining({
          message: `Unknown argument "${argument}" on field "${coordinate}".`,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ]);
      expect(gw.calls()).toEqual(NO_CALLS);
    },
  );

  it('nested forward-only connections declare no last either', async () => {
    const cluster = fleet.clusters[0]!.name;
    const pool = fleet.nodePools[0]!.name;
    const query = `{ cluster(name: "${cluster}") { nodePools(last: 1) { nodes { id } } } nodePool(name: "${pool}") { batchJobs(last: 1) { nodes { id } } } }`;
    const res = await gql(gw, query);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.message)).toEqual([
      'Unknown argument "last" on field "Cluster.nodePools".',
      'Unknown argument "last" on field "NodePool.batchJobs".',
    ]);
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('answers first: 0 with an empty page that still knows whether items follow', async () => {
    const query = `{ batchJobs(first: 0) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } pods(first: 0) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`;
    const empty = (total: number) => ({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: total,
    });
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: { batchJobs: empty(fleet.batchJobs.length), pods: empty(fleet.pods.length) },
    });
    expect(gw.calls()).toEqual({
      fireworks: { ListBatchJobs: 1 },
      runai: { list_pods: 1, count_pods: 1 },
      gitpod: {},
    });
  });

  it('pages 20 items when neither first nor last is given', async () => {
    const query = `{ batchJobs { nodes { name } pageInfo { hasNextPage } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 200,
      data: {
        batchJobs: {
          nodes: fleet.batchJobs.slice(0, 20).map((j) => ({ name: j.name })),
          pageInfo: { hasNextPage: true },
        },
      },
    });
    expect(gw.calls()).toEqual({ fireworks: { ListBatchJobs: 1 }, runai: {}, gitpod: {} });
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
