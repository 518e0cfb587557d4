/**
 * The cost of an operation as a table: GitHub's node count and the upstream calls the vendor
 * folders make for it, worked out from the document and its variables alone.
 */
import { connectionBinding, encodeCursor } from '../../src/pagination/connection.js';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isObjectType,
  parse,
  validate,
  type FragmentDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_ANALYSED_FIELDS, estimateCost, type CostEstimate } from '../../src/graphql/cost.js';
import { createCostModel, createSchema } from '../../src/graphql/schema.js';
import { globalId } from '../helpers/ground-truth.js';

const schema = createSchema();
const model = createCostModel();

/** Given a valid query and its variables, returns its cost (as the limits plugin computes it). */
function costOf(query: string, variables: Record<string, unknown> = {}, maxFields?: number): CostEstimate {
  const document = parse(query);
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(`invalid test query: ${errors.map((e) => e.message).join('; ')}`);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('invalid test query: no operation');
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw new Error(`invalid test variables: ${coerced.errors[0]?.message}`);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return estimateCost(schema, model, fragments, operation, coerced.coerced, maxFields);
}

const cost = (requestedNodes: number, estimatedUpstreamCalls: number): CostEstimate => ({
  requestedNodes,
  estimatedUpstreamCalls,
});

const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const HOUR = 'start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z"';

describe('nodes, as GitHub counts them', () => {
  it.each([
    [
      'a connection without first or last counts the default page of 20',
      '{ clusters { nodes { name } } }',
      cost(20, 1),
    ],
    [
      "GitHub's simple example: 50 + 50 × 10 = 550",
      '{ clusters(first: 50) { edges { cluster: node { name nodePools(first: 10) { totalCount edges { node { name } } } } } } }',
      // 1 ListClusters; the 50 first pages of node pools: a combined list of at most 10 pages, then
      // one list per cluster if it did not end (the bound the estimate keeps).
      cost(550, 61),
    ],
    [
      "GitHub's complex example: 50 + 50 × 20 + 50 × 20 × 10 + 50 × 20 + 10 = 12,060",
      `{
        clusters(first: 50) {
          edges { node {
            nodePools(first: 20) { edges { node { batchJobs(first: 10) { edges { node { name } } } } } }
            pods(first: 20) { totalCount edges { node { name } } }
          } }
        }
        warmPools(first: 10) { edges { node { warmPoolId } } }
      }`,
      // 1 ListClusters + (10 + 50) ListNodePools + 1000 ListBatchJobs + 50 × (list_pods + count_pods) + 1 ListWarmPools
      cost(12_060, 1_162),
    ],
    [
      'a connection counts its page even when only totalCount is selected',
      '{ clusters(first: 7) { totalCount } }',
      cost(7, 1),
    ],
    [
      'first: 0 asks for nothing below it',
      '{ clusters(first: 0) { nodes { nodePools { totalCount } } } }',
      cost(0, 1),
    ],
    [
      'last counts like first',
      '{ pods(last: 30) { nodes { name } } }',
      // list_pods, and count_pods to find the end
      cost(30, 2),
    ],
    [
      'a first over 100 counts as 100 (the resolver refuses it anyway)',
      '{ pods(first: 1000) { nodes { name } } }',
      cost(100, 1),
    ],
    [
      'fields merged by response key count once, however many fragments select them',
      `{ clusters(first: 5) { ...Counts ...Names } }
       fragment Counts on ClusterConnection { nodes { pods(first: 10) { totalCount } } }
       fragment Names on ClusterConnection { nodes { pods(first: 10) { nodes { name } } } }`,
      cost(55, 11),
    ],
    [
      'aliases are distinct fields and count each',
      '{ a: clusters(first: 5) { totalCount } b: clusters(first: 5) { totalCount } }',
      cost(10, 2),
    ],
    [
      'nodes(ids:) multiplies what is nested in it by the IDs of each type',
      `{ nodes(ids: ["${globalId('NodePool', 'accounts/a/clusters/c/nodePools/p1')}", "${globalId('NodePool', 'accounts/a/clusters/c/nodePools/p2')}", "${globalId('Cluster', 'accounts/a/clusters/c')}"]) {
          ... on NodePool { batchJobs(first: 10) { totalCount } }
          ... on Cluster { nodePools(first: 3) { totalCount } }
       } }`,
      // 2 × 10 + 1 × 3 nodes; 1 ListNodePools + 1 GetCluster lookups, 2 ListBatchJobs, the cluster's
      // first page of node pools: 1 combined ListNodePools, then 1 more if it did not end
      cost(23, 6),
    ],
    ['introspection and __typename cost nothing', '{ __typename __schema { types { name } } }', cost(0, 0)],
  ])('%s', (_title, query, expected) => {
    expect(costOf(query)).toEqual(expected);
  });
});

describe('upstream calls, as the vendor folders make them', () => {
  it.each([
    [
      "Cluster.nodePools: one account-level list for every cluster's first page, of at most 10 pages, then one per cluster",
      '{ clusters(first: 10) { nodes { nodePools(first: 5) { nodes { name } } } } }',
      cost(60, 21),
    ],
    [
      'Cluster.nodePools after a cursor: one list per cluster, two calls each (the cursor’s page may end early)',
      `{ clusters(first: 10) { nodes { nodePools(first: 5, after: "${encodeCursor(connectionBinding('Cluster.nodePools:any', null), { t: '', i: 0 })}") { nodes { name } } } } }`,
      cost(60, 21),
    ],
    [
      'NodePool.batchJobs: one list per node pool; totalCount comes with it',
      '{ nodePools(first: 10) { nodes { batchJobs(first: 5) { totalCount nodes { name } } } } }',
      cost(60, 11),
    ],
    [
      'NodePool.pods: one list_pods per node pool, and one count_pods each for totalCount',
      '{ nodePools(first: 10) { nodes { pods(first: 5) { totalCount } } } }',
      cost(60, 21),
    ],
    [
      'Cluster.pods with completed: false counts twice (all minus completed)',
      '{ clusters(first: 4) { nodes { pods(first: 5, filter: { completed: false }) { totalCount } } } }',
      cost(24, 13),
    ],
    ['Query.pods without totalCount makes no count', '{ pods(first: 5) { nodes { name } } }', cost(5, 1)],
    [
      'warmPools: a page of 100 is one Gitpod page; totalCount a walk of at most 10 pages',
      '{ warmPools(first: 100) { totalCount } }',
      cost(100, 11),
    ],
    [
      'workloadPods: one walk of the workload, at most 1000 pods in 2 calls',
      '{ workloadPods(workloadId: "w") { totalCount } }',
      cost(20, 2),
    ],
    [
      'joins: one batched lookup per field, whatever the number of parents',
      '{ batchJobs(first: 10) { nodes { cluster { name } nodePool { name } } } }',
      cost(10, 3),
    ],
    [
      'joins under a nested connection: one lookup per parent answer (each its own loader batch), one more per 50 names beyond',
      '{ nodePools(first: 10) { nodes { pods(first: 5) { nodes { cluster { name } } } } } }',
      // 1 ListNodePools, 10 list_pods, and the clusters of 50 pods arriving in 10 answers: 10 lookups
      cost(60, 21),
    ],
    [
      'a root page from a cursor: two calls at most (the cursor’s upstream page may hold only its first items)',
      '{ clusters(first: 5, after: "c") { nodes { name } } warmPools(first: 5, after: "c") { nodes { id } } }',
      cost(10, 4),
    ],
    [
      'warm pools by ID: the planned walks over their projects and classes',
      `{ nodes(ids: [${[
        [UUID(1), UUID(11), UUID(21)],
        [UUID(2), UUID(11), UUID(22)],
        [UUID(3), UUID(12), UUID(23)],
      ]
        .map(
          ([id, project, environmentClass]) =>
            `"${globalId('WarmPool', `${id}/${project}/${environmentClass}`)}"`,
        )
        .join(', ')}]) { id } }`,
      // 2 projects × 2 classes: one list of one page
      cost(0, 1),
    ],
    [
      'Pod.metrics: one call per pod; each series and each of its samples (20 by default) count as nodes',
      `{ pods(first: 10) { nodes { metrics(types: [GPU_UTILIZATION], ${HOUR}) { type } } } }`,
      cost(10 + 10 * 21, 11),
    ],
    [
      'Pod.metrics: series × samples, a repeated type counted once',
      `{ pods(first: 10) { nodes { metrics(types: [GPU_UTILIZATION, CPU_USAGE_CORES, GPU_UTILIZATION], ${HOUR}, samples: 1000) { type } } } }`,
      cost(10 + 10 * 2 * 1001, 11),
    ],
    [
      'Pod.metrics of no types: no call',
      `{ pods(first: 10) { nodes { metrics(types: [], ${HOUR}) { type } } } }`,
      cost(10, 1),
    ],
    [
      'root lookups are batched per type: one GetCluster for one name',
      '{ cluster(name: "a") { name } }',
      cost(0, 1),
    ],
    [
      'root lookups are batched per type: one ListClusters for two, one ListNodePools',
      '{ a: cluster(name: "a") { name } b: cluster(name: "b") { name } nodePool(name: "p") { name } }',
      cost(0, 2),
    ],
    [
      'nodes(ids:): one lookup per type, a live and a deleted walk (2 calls each) per pod workload; warm pool keys that are not UUIDs cost nothing',
      `{ nodes(ids: [
          "${globalId('Cluster', 'accounts/a/clusters/c')}",
          "${globalId('BatchJob', 'accounts/a/clusters/c/batchJobs/1')}",
          "${globalId('BatchJob', 'accounts/a/clusters/c/batchJobs/2')}",
          "${globalId('Pod', 'w1/p1')}", "${globalId('Pod', 'w1/p2')}", "${globalId('Pod', 'w2/p3')}",
          "${globalId('WarmPool', 'x/y/z')}", "${globalId('WarmPool', 'u/v/w')}",
          "not an id"
        ]) { id } }`,
      // 1 GetCluster + 1 ListBatchJobs + 2 workloads × 2 walks × 2 calls
      cost(0, 10),
    ],
  ])('%s', (_title, query, expected) => {
    expect(costOf(query)).toEqual(expected);
  });
});

describe('variables and directives', () => {
  const FLEET = `query Fleet($clusters: Int, $pods: Int, $withPods: Boolean!) {
    clusters(first: $clusters) { nodes { pods(first: $pods) @include(if: $withPods) { totalCount } } }
  }`;

  it('takes page sizes from variables', () => {
    expect(costOf(FLEET, { clusters: 10, pods: 30, withPods: true })).toEqual(cost(310, 21));
  });

  it('uses the default page size for a variable left out or null', () => {
    expect(costOf(FLEET, { pods: null, withPods: true })).toEqual(cost(420, 41));
  });

  it('leaves out what @include(if: false) or @skip(if: true) leaves out', () => {
    expect(costOf(FLEET, { clusters: 10, pods: 30, withPods: false })).toEqual(cost(10, 1));
    expect(
      costOf(
        'query($s: Boolean!) { clusters(first: 3) { nodes { pods(first: 9) @skip(if: $s) { totalCount } } } }',
        {
          s: true,
        },
      ),
    ).toEqual(cost(3, 1));
  });

  it('takes nodes(ids:) from a variable', () => {
    const ids = [globalId('Pod', 'w1/p1'), globalId('Pod', 'w2/p2')];
    expect(
      costOf(
        'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Pod { metrics(types: [CPU_USAGE_CORES], ' +
          HOUR +
          ') { type } } } }',
        {
          ids,
        },
      ),
    ).toEqual(cost(2 * 21, 2 * 2 * 2 + 2));
  });
});

describe('the walk itself is bounded', () => {
  it(`refuses an operation whose fragments spread to more fields than it walks (${MAX_ANALYSED_FIELDS} by default)`, () => {
    // 38 fields once spread: clusters, its nodes and edges, edges.node, and A (17 fields) twice.
    const query = `{ clusters(first: 1) { nodes { ...A } edges { node { ...A } } } }
      fragment A on Cluster { name clusterId displayName nodePools(first: 1) { nodes { ...B } edges { node { ...B } } } }
      fragment B on NodePool { name nodePoolId displayName minNodeCount maxNodeCount }`;
    expect(costOf(query, {}, 38)).toEqual(cost(3, 5));
    let error: unknown;
    try {
      costOf(query, {}, 37);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).toJSON()).toEqual({
      message:
        'Query selects more than 37 fields once fragments are spread, over the most this gateway analyses. ' +
        'Spread fragments in fewer places, or split the query.',
      extensions: {
        code: 'BAD_USER_INPUT',
        limit: 'MAX_ANALYSED_FIELDS',
        maximum: 37,
        http: { status: 400 },
      },
    });
  });
});

describe('the call tables cover the schema', () => {
  const fields = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ type, field })));

  it('has an entry for every field that returns a connection', () => {
    const connections = fields
      .filter(({ field }) => getNamedType(field.type).name.endsWith('Connection'))
      .map(({ type, field }) => `${type.name}.${field.name}`)
      .sort();
    expect(Object.keys(model.connections).sort()).toEqual(connections);
  });

  it('names only fields that exist', () => {
    const coordinates = new Set(fields.map(({ type, field }) => `${type.name}.${field.name}`));
    expect(Object.keys(model.fields).filter((c) => !coordinates.has(c))).toEqual([]);
  });
});
