/**
 * The upstream-call estimate is an upper bound of the calls a request makes (README, Query limits
 * and cost): every bench query and a few hundred queries generated from the real schema by a
 * seeded walk (root connections, lookups by real and missing IDs of every type, nested
 * connections and joins, GPU figures, filters including the gateway's phase scans, orders, pages
 * from real cursors, totalCount, pageInfo) run against the simulators at the demo scale and at a
 * scale where walks take many pages; each must report actualUpstreamCalls ≤ estimatedUpstreamCalls.
 * The test helper checks the same on every response of every suite; here the figures are kept
 * and summarised.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fragmentBomb } from '../../bench/attack.js';
import { BENCH_QUERIES, NODE_IDS_QUERY, pickNodeIds } from '../../bench/queries.js';
import { createSchema } from '../../src/graphql/schema.js';
import { Prng } from '../../src/simulators/prng.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { globalId } from '../helpers/ground-truth.js';

/** High enough that no generated query is refused before it runs: every one is measured. */
const OPEN_LIMITS = { MAX_UPSTREAM_CALLS: '100000', MAX_QUERY_NODES: '10000000' };

interface Cost {
  estimatedUpstreamCalls: number;
  actualUpstreamCalls: number;
}

interface Outcome {
  query: string;
  variables: Record<string, unknown>;
  cost: Cost | undefined;
  data: unknown;
}

/** Real values of the world the generator draws from, collected through the gateway. */
interface Harvest {
  ids: string[];
  /** Global IDs by list (the first 100 of each). */
  idsOf: Record<string, string[]>;
  names: Record<'cluster' | 'nodePool' | 'batchJob', string[]>;
  strings: Record<string, string[]>;
}

const HARVEST_QUERY = `{
  clusters(first: 100) { nodes { id name clusterId displayName } }
  nodePools(first: 100) { nodes { id name nodePoolId displayName annotations { key value } } }
  batchJobs(first: 100) { nodes { id name displayName createdBy environmentId imageRef } }
  pods(first: 100) { nodes { id name workloadId revisionId clusterUuid nodeName projectId } }
  warmPools(first: 100) { nodes { id projectId environmentClassId } }
}`;

async function harvest(gw: TestGateway): Promise<Harvest> {
  const res = await gw.query<Record<string, { nodes: Record<string, unknown>[] }>>(HARVEST_QUERY);
  expect(res.errors).toBeUndefined();
  const data = res.data as Record<string, { nodes: Record<string, unknown>[] }>;
  const column = (list: string, field: string) => [
    ...new Set(
      (data[list]?.nodes ?? []).map((n) => n[field]).filter((v): v is string => typeof v === 'string'),
    ),
  ];
  const uuid = () => '7f3c2a10-0000-4000-8000-000000000001';
  const missing = [
    globalId('Cluster', `accounts/fleetgraph-demo/clusters/no-such-cluster`),
    globalId('NodePool', `accounts/fleetgraph-demo/clusters/no-such-cluster/nodePools/none`),
    globalId('BatchJob', `accounts/fleetgraph-demo/clusters/no-such-cluster/batchJobs/none`),
    globalId('Pod', `${uuid()}/${uuid()}`),
    globalId('WarmPool', `${uuid()}/${uuid()}/${uuid()}`),
    globalId('Pod', 'not-two-uuids'),
    'not-a-global-id',
  ];
  const ids = await gw.query(NODE_IDS_QUERY);
  return {
    ids: [...pickNodeIds(ids.data), ...missing],
    idsOf: Object.fromEntries(Object.keys(data).map((list) => [list, column(list, 'id')])),
    names: {
      cluster: [...column('clusters', 'clusterId'), ...column('clusters', 'name'), 'no-such-cluster'],
      nodePool: [...column('nodePools', 'name'), 'accounts/fleetgraph-demo/clusters/x/nodePools/y'],
      batchJob: [...column('batchJobs', 'name'), 'no-such-cluster/none'],
    },
    strings: {
      workloadId: column('pods', 'workloadId'),
      revisionId: column('pods', 'revisionId'),
      nodeName: column('pods', 'nodeName'),
      nodeNameContains: ['gpu', 'a'],
      search: column('pods', 'name').map((n) => n.slice(0, 6)),
      projectIds: column('warmPools', 'projectId'),
      environmentClassIds: column('warmPools', 'environmentClassId'),
      nodePoolId: column('nodePools', 'nodePoolId'),
      displayName: [...column('clusters', 'displayName'), ...column('batchJobs', 'displayName')],
      createdBy: column('batchJobs', 'createdBy'),
      environmentId: column('batchJobs', 'environmentId'),
      imageRef: column('batchJobs', 'imageRef'),
      clusterUuid: column('pods', 'clusterUuid'),
      cluster: column('clusters', 'clusterId'),
      annotationKey: ['fleetgraph.dev/runai-name', 'team'],
      default: ['eu', 'a100', 'x', ''],
    },
  };
}

/** Below MAX_QUERY_ALIASES (30): generated operations are never refused for their aliases. */
const MAX_ALIASES = 28;

const INSTANTS = ['2026-01-01T00:00:00Z', '2026-02-15T12:00:00Z', '2026-03-01T00:00:00.000Z'];

/**
 * Builds random operations over the schema. Every connection field gets an alias `cN` so the
 * cursors its answer carries can be collected under its coordinate and arguments, and offered to
 * later operations (a nested connection's cursor also binds its parent: reused elsewhere it is
 * refused, which costs nothing and is checked all the same).
 */
class QueryGenerator {
  private readonly cursors = new Map<string, string[]>();
  private aliases: { alias: string; key: string }[] = [];
  /** Aliases used by the operation so far (every field that takes arguments or nests gets one). */
  private used = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly prng: Prng,
    private readonly values: Harvest,
  ) {}

  /** Returns one operation and its variables. */
  next(): { query: string; variables: Record<string, unknown> } {
    this.aliases = [];
    this.used = 0;
    const query = this.schema.getQueryType() as GraphQLObjectType;
    const roots = Object.values(query.getFields()).filter((f) => !f.name.startsWith('_'));
    const count = this.prng.int(1, 3);
    const selections: string[] = [];
    for (let i = 0; i < count; i++) {
      const field = this.pick(roots);
      selections.push(this.field(query, field, 0, `a${this.used++}`));
    }
    return { query: `{\n${selections.filter(Boolean).join('\n')}\n}`, variables: {} };
  }

  /** Records the cursors an answer carries, by the connection each alias stood for. */
  collect(data: unknown): void {
    const wanted = new Map(this.aliases.map((a) => [a.alias, a.key]));
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (!value || typeof value !== 'object') return;
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const coordinate = wanted.get(key);
        if (coordinate && child && typeof child === 'object') {
          const found: string[] = [];
          const connection = child as {
            edges?: { cursor?: string }[];
            pageInfo?: { endCursor?: string | null; startCursor?: string | null };
          };
          for (const edge of connection.edges ?? []) if (edge?.cursor) found.push(edge.cursor);
          if (connection.pageInfo?.endCursor) found.push(connection.pageInfo.endCursor);
          if (connection.pageInfo?.startCursor) found.push(connection.pageInfo.startCursor);
          if (found.length)
            this.cursors.set(coordinate, [...(this.cursors.get(coordinate) ?? []), ...found].slice(-40));
        }
        visit(child);
      }
    };
    visit(data);
  }

  private field(
    parent: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    depth: number,
    alias: string,
  ): string {
    const type = getNamedType(field.type);
    const coordinate = `${parent.name}.${field.name}`;
    const args = this.args(coordinate, field, depth);
    if (args === null) return '';
    const head = `${alias}: ${field.name}${args.text}`;
    if (isLeafType(type)) return head;
    if (isObjectType(type) && type.name.endsWith('Connection')) {
      this.aliases.push({ alias, key: args.key });
      return `${head} { ${this.connection(type, depth)} }`;
    }
    return `${head} { ${this.selection(type, depth + 1)} }`;
  }

  private connection(type: GraphQLObjectType, depth: number): string {
    const node = getNamedType(type.getFields().nodes?.type ?? type.getFields().edges!.type);
    const nodeType =
      isObjectType(node) && node.name.endsWith('Edge') ? getNamedType(node.getFields().node!.type) : node;
    const parts: string[] = [];
    const inner = () => this.selection(nodeType, depth + 1);
    if (this.prng.chance(0.5)) parts.push(`edges { cursor node { ${inner()} } }`);
    else if (this.prng.chance(0.8)) parts.push(`nodes { ${inner()} }`);
    if (this.prng.chance(0.4)) parts.push('totalCount');
    if (this.prng.chance(0.6)) parts.push('pageInfo { hasNextPage hasPreviousPage startCursor endCursor }');
    return parts.length ? parts.join(' ') : 'pageInfo { endCursor }';
  }

  /**
   * A selection on `type`. In the fragments of an abstract type, a leaf name is selected in one
   * fragment only (the same name can have other types on other members), and every field that
   * nests gets an alias of its own, so the operation always validates.
   */
  private selection(type: GraphQLNamedType, depth: number, leafNames = new Set<string>()): string {
    if (isUnionType(type) || isInterfaceType(type)) {
      const possible = this.schema.getPossibleTypes(type);
      const chosen = possible.filter(() => this.prng.chance(0.6));
      const names = new Set<string>();
      const fragments = (chosen.length ? chosen : [this.pick(possible)]).map(
        (t) => `... on ${t.name} { ${this.selection(t, depth, names)} }`,
      );
      return ['__typename', ...fragments].join(' ');
    }
    if (!isObjectType(type)) return '__typename';
    const fields = Object.values(type.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0);
    const branches = fields.filter((f) => !isLeafType(getNamedType(f.type)) || f.args.length > 0);
    const parts: string[] = [];
    for (const f of leaves) {
      if (leafNames.has(f.name) || !this.prng.chance(f.name === 'id' ? 0.7 : 0.15)) continue;
      leafNames.add(f.name);
      parts.push(f.name);
    }
    const nesting = depth < 2 ? 0.35 : depth < 4 ? 0.15 : 0;
    for (const f of branches) {
      if (this.used >= MAX_ALIASES || !this.prng.chance(nesting)) continue;
      const text = this.field(type, f, depth, `a${this.used++}`);
      if (text) parts.push(text);
    }
    return parts.length ? parts.join(' ') : '__typename';
  }

  /** The argument text of a field and its cursor key; null when the field cannot be asked here. */
  private args(
    coordinate: string,
    field: GraphQLField<unknown, unknown>,
    depth: number,
  ): { text: string; key: string } | null {
    const out: Record<string, unknown> = {};
    const names = new Set(field.args.map((a) => a.name));
    const v = this.values;
    switch (coordinate) {
      case 'Query.node':
        out.id = this.pick(v.ids);
        break;
      case 'Query.nodes':
        out.ids = Array.from({ length: this.prng.int(1, 100) }, () => this.pick(v.ids));
        break;
      case 'Query.cluster':
        out.name = this.pick(v.names.cluster);
        break;
      case 'Query.nodePool':
        out.name = this.pick(v.names.nodePool);
        break;
      case 'Query.batchJob':
        out.name = this.pick(v.names.batchJob);
        break;
      case 'Query.workloadPods':
        out.workloadId = this.pick(v.strings.workloadId ?? []);
        break;
      case 'Query.revisionPods':
        if (!v.strings.revisionId?.length) return null;
        out.revisionId = this.pick(v.strings.revisionId);
        break;
      case 'Pod.metrics':
        out.types = this.subset(this.enumValues('PodMetricType'), 1);
        out.start = INSTANTS[0];
        out.end = INSTANTS[1];
        out.samples = this.pick([0, 1, 5, 20]);
        break;
      default:
        if (field.args.some((a) => isNonNullType(a.type))) return null;
    }
    if (names.has('deleted') && this.prng.chance(0.2)) out.deleted = true;
    if (names.has('search') && this.prng.chance(0.1)) out.search = this.pick(v.strings.search ?? ['a']);
    if (names.has('first') || names.has('last')) {
      const sizes = depth === 0 ? [undefined, 0, 1, 3, 10, 50, 100] : [undefined, 0, 1, 2, 5];
      const backward = names.has('last') && this.prng.chance(0.25);
      const size = this.pick(sizes);
      if (size !== undefined) out[backward ? 'last' : 'first'] = size;
      const filter = field.args.find((a) => a.name === 'filter');
      if (filter && this.prng.chance(0.5)) out.filter = this.input(filter.type);
      const order = field.args.find((a) => a.name === 'orderBy');
      if (order && this.prng.chance(0.3)) out.orderBy = this.input(order.type);
      const key = `${coordinate}|${JSON.stringify({ filter: out.filter, orderBy: out.orderBy, deleted: out.deleted, search: out.search, id: out.workloadId ?? out.revisionId })}`;
      const cursors = this.cursors.get(key) ?? [];
      if (cursors.length && this.prng.chance(0.6)) out[backward ? 'before' : 'after'] = this.pick(cursors);
      return { text: render(out), key };
    }
    return { text: render(out), key: coordinate };
  }

  private input(type: GraphQLInputType, name = ''): unknown {
    if (isNonNullType(type)) return this.input(type.ofType, name);
    if (isListType(type)) {
      const item = type.ofType as GraphQLInputType;
      const named = getNamedType(item);
      if (isEnumType(named))
        return this.subset(
          named.getValues().map((e) => e.name),
          1,
        );
      return Array.from({ length: this.prng.int(1, 2) }, () => this.input(item, name));
    }
    if (isEnumType(type)) return this.pick(type.getValues().map((e) => e.name));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const required = fields.filter((f) => isNonNullType(f.type));
      const optional = fields.filter((f) => !isNonNullType(f.type));
      const chosen = [
        ...required,
        ...optional.filter(() => this.prng.chance(1.5 / Math.max(1, optional.length))),
      ];
      if (chosen.length === 0 && optional.length) chosen.push(this.pick(optional));
      return Object.fromEntries(chosen.map((f) => [f.name, this.input(f.type, f.name)]));
    }
    switch (type.name) {
      case 'Boolean':
        return this.prng.chance(0.5);
      case 'Int':
        return this.prng.int(0, 8);
      case 'DateTime':
        return this.pick(INSTANTS);
      default: {
        const pool = this.values.strings[name];
        return this.pick(pool?.length ? pool : (this.values.strings.default as string[]));
      }
    }
  }

  private enumValues(name: string): string[] {
    const type = this.schema.getType(name);
    return isEnumType(type) ? type.getValues().map((e) => e.name) : [];
  }

  private subset<T>(items: readonly T[], min: number): T[] {
    const chosen = items.filter(() => this.prng.chance(0.3));
    while (chosen.length < min && items.length) chosen.push(this.pick(items));
    return [...new Set(chosen)];
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.prng.int(0, items.length - 1)] as T;
  }
}

/**
 * The walks the README names as the estimate's former gaps, asked on purpose: lookups by ID that
 * walk lists, joins whose parents arrive from many calls (each arrival its own loader batch),
 * the GPU scan, count walks and phase scans with totalCount.
 */
const WALKS: { query: string; variables?: (values: Harvest) => Record<string, unknown> }[] = [
  {
    query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    variables: (v) => ({ ids: v.idsOf.warmPools }),
  },
  {
    query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Pod { cluster { name } } } }',
    variables: (v) => ({ ids: v.idsOf.pods }),
  },
  {
    query:
      '{ nodePools(first: 100) { nodes { pods(first: 5) { nodes { cluster { name } nodePool { name } } } } } }',
  },
  { query: '{ nodePools(first: 100) { nodes { pods(first: 3) { nodes { namespace statusReason } } } } }' },
  { query: '{ pods(first: 100) { nodes { nodePool { cluster { name } } } } }' },
  { query: '{ batchJobs(first: 100) { nodes { nodePool { name } cluster { name } } } }' },
  {
    query:
      '{ clusters(first: 20) { nodes { gpus { idle } nodePools(first: 100) { nodes { gpus { idle } } } } } fleetGpus { idle } }',
  },
  { query: '{ warmPools(first: 1) { totalCount } }' },
  {
    query:
      '{ pods(first: 100, filter: { phases: [FAILED] }) { totalCount } warmPools(first: 100, filter: { phases: [DEGRADED] }) { totalCount } }',
  },
  {
    query:
      '{ clusters(first: 20) { nodes { nodePools { totalCount } batchJobs(first: 3) { nodes { nodePool { cluster { name } } } } } } }',
  },
];

/** Renders arguments as GraphQL literals (enum values unquoted). */
function render(args: Record<string, unknown>): string {
  const entries = Object.entries(args).filter(([, v]) => v !== undefined);
  return entries.length ? `(${entries.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')})` : '';
}

function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'string' && /^[A-Z][A-Z0-9_]*$/.test(value)) return value;
  return JSON.stringify(value);
}

async function measure(gw: TestGateway, query: string, variables: Record<string, unknown>): Promise<Outcome> {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; extensions?: { cost?: Cost } };
  return { query, variables, cost: body.extensions?.cost, data: body.data };
}

/** Runs the bench queries and `generated` random ones; returns every outcome. */
async function runAll(gw: TestGateway, seed: number, generated: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const values = await harvest(gw);
  const prep = { nodeIds: values.ids.slice(0, 100) };
  for (const bench of BENCH_QUERIES) {
    const variables = bench.variables?.(prep) ?? {};
    let after: string | null = null;
    // Walks follow endCursor for a few pages: each page is a request of its own.
    for (let page = 0; page < (bench.walk ? 5 : 1); page++) {
      const outcome = await measure(gw, bench.query, bench.walk ? { ...variables, after } : variables);
      outcomes.push(outcome);
      if (!bench.walk) break;
      const info = bench.walk.pageInfo(outcome.data);
      if (!info.hasNextPage) break;
      after = info.endCursor;
    }
  }
  outcomes.push(await measure(gw, fragmentBomb('# estimate-bound', 50), {}));
  for (const { query, variables } of WALKS)
    outcomes.push(await measure(gw, query, variables?.(values) ?? {}));
  const generator = new QueryGenerator(createSchema(), new Prng(seed), values);
  for (let i = 0; i < generated; i++) {
    const { query, variables } = generator.next();
    const outcome = await measure(gw, query, variables);
    generator.collect(outcome.data);
    outcomes.push(outcome);
  }
  return outcomes;
}

function summarise(label: string, outcomes: readonly Outcome[]): string {
  const costed = outcomes.filter((o): o is Outcome & { cost: Cost } => o.cost !== undefined);
  const ratios = costed.map((o) =>
    o.cost.estimatedUpstreamCalls === 0 ? 0 : o.cost.actualUpstreamCalls / o.cost.estimatedUpstreamCalls,
  );
  const calls = costed.reduce((n, o) => n + o.cost.actualUpstreamCalls, 0);
  const estimated = costed.reduce((n, o) => n + o.cost.estimatedUpstreamCalls, 0);
  return (
    `${label}: ${costed.length} costed of ${outcomes.length} requests, ${calls} calls made of ${estimated} estimated, ` +
    `max actual/estimate ${Math.max(0, ...ratios).toFixed(3)}, ` +
    `${ratios.filter((r) => r === 1).length} exactly at the estimate`
  );
}

const over = (outcomes: readonly Outcome[]) =>
  outcomes
    .filter((o) => o.cost && o.cost.actualUpstreamCalls > o.cost.estimatedUpstreamCalls)
    .map((o) => ({ query: o.query, variables: o.variables, cost: o.cost }));

describe.each([
  { scale: '1', seed: 9001, generated: 300 },
  { scale: '10', seed: 9002, generated: 200 },
])('at world scale $scale', ({ scale, seed, generated }) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ ...OPEN_LIMITS, SIM_SCALE: scale, LOG_LEVEL: 'warn' });
  });
  afterAll(() => gw?.stop());

  it('makes no more upstream calls than estimated, for the bench queries and generated ones', async () => {
    const outcomes = await runAll(gw, seed, generated);
    // The summary line the README quotes: how close the estimate came, over how many requests.
    process.stdout.write(`${summarise(`scale ${scale}`, outcomes)}\n`);
    expect(over(outcomes)).toEqual([]);
    // The check has teeth: most requests were costed and made calls.
    expect(outcomes.filter((o) => o.cost && o.cost.actualUpstreamCalls > 0).length).toBeGreaterThan(
      generated / 2,
    );
  }, 120_000);
});
