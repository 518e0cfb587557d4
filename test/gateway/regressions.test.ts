/**
 * Regressions found by the integration suites, each with the cause it had in src: cross-vendor
 * partial results, pod names outside Query.pods, overlong filter values, DateTime literal
 * locations, deleted pods by ID.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  gql,
  globalId,
  groundTruth,
  loc,
  MAPPING_ONLY,
  NO_CALLS,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;

beforeAll(async () => {
  gw = await startTestGateway(MAPPING_ONLY);
  fleet = groundTruth(gw.world);
});
afterAll(() => gw.stop());
beforeEach(() => gw.reset());

// Belongs in node.test.ts / pagination.test.ts.
// Cause: src/vendors/runai/api.ts — `podsByWorkload` (used by Query.workloadPods and by
// Query.node for a Pod) reads get_workload_pods, which has no `verbosity` and serves the brief
// shape, so Pod.workloadName / Pod.projectName resolve to null there while Query.pods (list_pods
// with verbosity=full) returns them. Fix: when the operation selects either field, fetch the
// workload's pods with list_pods (filterBy workloadId==<id>, verbosity=full) instead.
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

// Belongs in errors.test.ts ("partial results").
// Cause: schema/pods.graphql, schema/clusters.graphql, schema/node-pools.graphql,
// schema/warm-pools.graphql declare every cross-vendor connection non-null (`Query.pods:
// PodConnection!`, `Cluster.pods: PodConnection!`, `NodePool.pods: PodConnection!`,
// `Query.warmPools: WarmPoolConnection!`, ...). When one vendor fails, GraphQL propagates the
// null to the nearest nullable ancestor, which for root fields and for lists of clusters/node
// pools is `data` itself: a Run:ai outage wipes the Fireworks data of the same response. Fix:
// make the fields that cross to another vendor (at least Cluster.pods, NodePool.pods, and the
// root connections of each vendor) nullable, as Apollo recommends for fields served by another
// service, so the failure stays on the field's own path.
describe('a failing vendor does not take down the data of the others', () => {
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

// Belongs in filters.test.ts.
// Cause: src/vendors/fireworks/filter.ts (`quoteAip160`) and src/vendors/runai/filter.ts
// (`filterValue`, `search`) put user values of any length into the upstream URL's query string.
// A long value makes the upstream refuse the request line (HTTP 431 Request Header Fields Too
// Large, before any route runs), which the gateway reports as UPSTREAM_ERROR from the vendor —
// blaming the upstream for the caller's input. Fix: bound filter values (e.g. 1024 characters)
// in the compilers and refuse longer ones with BAD_USER_INPUT before any call.
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

// Belongs in filters.test.ts.
// Cause: src/graphql/schema.ts — `parseLiteral` of the DateTime scalar throws a GraphQLError
// without `nodes: ast`, and graphql-js's ValuesOfCorrectTypeRule reports a thrown GraphQLError as
// is, so the error of a bad DateTime literal has no `locations` (and Apollo reports it as
// GRAPHQL_VALIDATION_FAILED). Fix: `throw new GraphQLError(message, { nodes: ast, extensions })`
// in parseLiteral.
describe('a bad DateTime literal', () => {
  it('is refused with the location of the literal', async () => {
    const query = `{ clusters(filter: {createdAfter: "yesterday"}) { nodes { name } } }`;
    expect(await gql(gw, query)).toEqual({
      status: 400,
      errors: [
        {
          message: 'DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05Z", got "yesterday".',
          locations: [loc(query, '"yesterday"')],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
  });
});

// Belongs in node.test.ts. (Lower confidence: a product decision.)
// Cause: src/vendors/runai/api.ts — `pod()` looks the pod up in get_workload_pods without
// `deleted=true`, so the ID of a pod that Query.pods(filter: {deleted: true}) lists (and hands
// out an `id` for) does not resolve: node(id:) answers NOT_FOUND. Either resolve deleted pods too
// (a second get_workload_pods with deleted=true when the first misses) or document that IDs of
// deleted pods do not resolve.
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
