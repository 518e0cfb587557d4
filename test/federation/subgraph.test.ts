/**
 * Fleetgraph as a Federation 2 subgraph (`/subgraph`): `_service` serves the committed SDL,
 * `_entities` resolves references through the request's loaders (one batched lookup per type,
 * exactly what `nodes(ids:)` costs), a missing entity is null, a malformed representation refuses
 * the operation before any upstream call, and a failing vendor nulls only its own entities.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { globalId, graphTime, groundTruth, NO_CALLS, type Fleet } from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway();
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

/** POSTs to /subgraph and returns status and body (extensions.cost included). */
async function subgraph(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  target: TestGateway = gw,
): Promise<GraphQLResponse> {
  const res = await fetch(target.url.replace(/\/graphql$/, '/subgraph'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

/** The response without `extensions` (the cost report), for comparing data and errors whole. */
function withoutExtensions(response: GraphQLResponse): GraphQLResponse {
  const { extensions: _extensions, ...rest } = response;
  return rest;
}

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Cluster { name clusterState: state }
    ... on NodePool { name poolState: state }
    ... on BatchJob { name jobState: state }
    ... on Pod { podId phase }
    ... on WarmPool { warmPoolId }
  }
}`;

describe('_service', () => {
  it('serves the SDL committed in schema/subgraph.graphql, with no upstream call', async () => {
    const committed = readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
    const sdl = committed.replace(/^# Generated[^\n]*\n/, '').replace(/\n$/, '');
    const res = await subgraph('{ _service { sdl } }');
    expect(withoutExtensions(res)).toEqual({ status: 200, data: { _service: { sdl } } });
    expect(sdl).toContain('type NodePool implements FleetgraphNode');
    expect(gw.calls()).toEqual(NO_CALLS);
  });
});

describe('_entities', () => {
  it('resolves node pools by name with one ListNodePools for all of them', async () => {
    const representations = fleet.nodePools.map((p) => ({ __typename: 'NodePool', name: p.name }));
    const res = await subgraph(ENTITIES, { representations });
    expect(withoutExtensions(res)).toEqual({
      status: 200,
      data: {
        _entities: fleet.nodePools.map((p) => ({ __typename: 'NodePool', name: p.name, poolState: p.state })),
      },
    });
    expect(fleet.nodePools).toHaveLength(17);
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListNodePools: 1 } });
  });

  it('costs 100 references of one type exactly what nodes(ids:) costs, estimate included', async () => {
    const jobs = fleet.batchJobs.slice(0, 100);
    const ids = jobs.map((j) => globalId('BatchJob', j.name));
    const entities = await subgraph(ENTITIES, {
      representations: ids.map((id) => ({ __typename: 'BatchJob', id })),
    });
    const entityCalls = gw.calls();
    gw.reset();
    const nodes = await subgraph(
      'query($ids: [ID!]!) { fleetgraphNodes(ids: $ids) { ... on BatchJob { name state } } }',
      { ids },
    );
    expect(entities.data).toEqual({
      _entities: jobs.map((j) => ({ __typename: 'BatchJob', name: j.name, jobState: j.state })),
    });
    expect(nodes.data).toEqual({ fleetgraphNodes: jobs.map((j) => ({ name: j.name, state: j.state })) });
    // The Fireworks lookups carry 50 names per OR filter: 100 batch jobs are two ListBatchJobs.
    expect(entityCalls).toEqual({ ...NO_CALLS, fireworks: { ListBatchJobs: 2 } });
    expect(gw.calls()).toEqual(entityCalls);
    expect(entities.extensions?.cost).toEqual(nodes.extensions?.cost);
    expect(entities.extensions?.cost).toMatchObject({
      requestedNodes: 0,
      estimatedUpstreamCalls: 2,
      actualUpstreamCalls: 2,
    });
  });

  it('writes instants as the graph does: UTC with milliseconds (the same DateTime scalar)', async () => {
    const jobs = fleet.batchJobs.slice(0, 3);
    const res = await subgraph(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on BatchJob { name createdAt } } }',
      { r: jobs.map((j) => ({ __typename: 'BatchJob', name: j.name })) },
    );
    expect(withoutExtensions(res)).toEqual({
      status: 200,
      data: { _entities: jobs.map((j) => ({ name: j.name, createdAt: graphTime(j.createTime) })) },
    });
  });

  it('resolves every entity type by id in one request, one lookup per type', async () => {
    const cluster = fleet.clusters[0]!;
    const pool = fleet.nodePools[0]!;
    const job = fleet.batchJobs[0]!;
    const pod = fleet.pods[0]!;
    const warmPool = fleet.warmPools[0]!;
    const representations = [
      { __typename: 'Cluster', id: globalId('Cluster', cluster.name) },
      { __typename: 'NodePool', id: globalId('NodePool', pool.name) },
      { __typename: 'BatchJob', name: job.name },
      { __typename: 'Pod', id: globalId('Pod', `${pod.workloadId}/${pod.id}`) },
      {
        __typename: 'WarmPool',
        id: globalId(
          'WarmPool',
          `${warmPool.id}/${warmPool.metadata.projectId}/${warmPool.metadata.environmentClassId}`,
        ),
      },
    ];
    const res = await subgraph(ENTITIES, { representations });
    expect(withoutExtensions(res)).toEqual({
      status: 200,
      data: {
        _entities: [
          { __typename: 'Cluster', name: cluster.name, clusterState: cluster.state },
          { __typename: 'NodePool', name: pool.name, poolState: pool.state },
          { __typename: 'BatchJob', name: job.name, jobState: job.state },
          { __typename: 'Pod', podId: pod.id, phase: pod.k8sPhase.toUpperCase() },
          { __typename: 'WarmPool', warmPoolId: warmPool.id },
        ],
      },
    });
    expect(gw.calls()).toEqual({
      fireworks: { GetCluster: 1, ListNodePools: 1, ListBatchJobs: 1 },
      runai: { get_workload_pods: 1 },
      gitpod: { ListWarmPools: 1 },
    });
  });

  it('answers null, without an error, for references to objects that do not exist', async () => {
    const pool = fleet.nodePools[0]!;
    const representations = [
      { __typename: 'NodePool', name: `${pool.name}-gone` },
      { __typename: 'NodePool', name: pool.name.replace(`accounts/${fleet.accountId}/`, 'accounts/other/') },
      { __typename: 'Cluster', name: 'no-such-cluster' },
    ];
    const res = await subgraph(ENTITIES, { representations });
    expect(withoutExtensions(res)).toEqual({ status: 200, data: { _entities: [null, null, null] } });
    // Another account's node pool is not asked for; the missing one costs its lookup.
    expect(gw.calls()).toEqual({ ...NO_CALLS, fireworks: { ListNodePools: 1, GetCluster: 1 } });
  });

  it('nulls only the failing vendor’s entities, with its coded error on their paths', async () => {
    const pool = fleet.nodePools[0]!;
    const pod = fleet.pods[0]!;
    gw.faults('runai', { get_workload_pods: { status: 503 } });
    const res = await subgraph(
      ENTITIES,
      {
        representations: [
          { __typename: 'Pod', id: globalId('Pod', `${pod.workloadId}/${pod.id}`) },
          { __typename: 'NodePool', name: pool.name },
        ],
      },
      {},
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      _entities: [null, { __typename: 'NodePool', name: pool.name, poolState: pool.state }],
    });
    expect(res.errors).toEqual([
      {
        message: expect.any(String),
        path: ['_entities', 0],
        locations: [{ line: 2, column: 3 }],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai', upstreamStatus: 503 },
      },
    ]);
  });

  describe('refuses a malformed representation with BAD_USER_INPUT before any upstream call', () => {
    const pool = () => fleet.nodePools[0]!;
    const cases: [string, () => unknown, string][] = [
      ['an unknown type', () => ({ __typename: 'Team', name: 'x' }), 'has __typename "Team"'],
      ['no key field', () => ({ __typename: 'NodePool', nodePoolId: 'x' }), 'has no `id` or `name`'],
      ['a Pod by name', () => ({ __typename: 'Pod', name: 'x' }), 'of a Pod has no `id` string'],
      [
        'an id of another type',
        () => ({ __typename: 'Cluster', id: globalId('NodePool', pool().name) }),
        'is a Cluster whose id is a NodePool',
      ],
      [
        'an id that is not an ID',
        () => ({ __typename: 'NodePool', id: 'not an id!' }),
        'is not a Fleetgraph ID',
      ],
      [
        'a name of another kind',
        () => ({ __typename: 'NodePool', name: fleet.clusters[0]!.name }),
        'is not a node pool name',
      ],
      ['a list', () => [], 'is not an object'],
    ];
    for (const [what, representation, message] of cases) {
      it(`${what}`, async () => {
        const res = await subgraph(ENTITIES, {
          representations: [{ __typename: 'NodePool', name: pool().name }, representation()],
        });
        expect(res.status).toBe(400);
        expect(res.data).toBeUndefined();
        expect(res.errors).toEqual([
          {
            message: expect.stringContaining(`representations[1]`),
            extensions: { code: 'BAD_USER_INPUT', argument: 'representations' },
          },
        ]);
        expect(res.errors?.[0]?.message).toContain(message);
        expect(gw.calls()).toEqual(NO_CALLS);
      });
    }
  });
});
