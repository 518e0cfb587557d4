/**
 * What an operation will cost, worked out from its document and variables before anything runs:
 * the nodes it asks for and an estimate of the upstream calls it needs.
 *
 * Nodes follow GitHub's node limit: every connection field counts its page size (`first` or
 * `last`, DEFAULT_PAGE_SIZE without either, as the connection module pages) times the page sizes
 * of the connections it sits in, and the operation's count is the sum over its connection fields.
 * `nodes(ids:)` multiplies what is nested in it by the number of IDs, as a page would.
 *
 * Upstream calls follow what the vendor folders actually send (see `CONNECTION_CALLS` and
 * `FIELD_CALLS`): one list per root connection, one per parent for the nested connections that
 * cannot be batched, one for all parents where DataLoader batches them, and the extra counts a
 * selected `totalCount` needs. It is an estimate from page sizes: a page that comes back short,
 * an unmapped cluster or a lookup already answered by a list make the actual count lower.
 *
 * Fields are merged per response key and fragments spread exactly as execution does, `@skip` and
 * `@include` honoured, so the estimate describes the operation that will run. Introspection and
 * `__typename` cost nothing: they are answered from the schema in memory.
 */
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { badUserInput } from '../errors.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  assertCursorShape,
  parseConnectionArgs,
  type ConnectionArgs,
} from '../pagination/connection.js';
import { MAX_WARM_POOL_COUNT_PAGES } from '../vendors/gitpod/api.js';
import { GITPOD_MAX_PAGE_SIZE } from '../vendors/gitpod/client.js';
import { decodeGlobalId, type NodeType } from './global-id.js';
import { MAX_NODE_IDS } from './schema.js';

/** The cost of one operation, as `extensions.cost` reports it and the limits check it. */
export interface CostEstimate {
  /** GitHub's node count: page sizes multiplied along each connection path, summed. */
  requestedNodes: number;
  /** The upstream calls the operation is expected to make. */
  estimatedUpstreamCalls: number;
}

/**
 * The most fields the cost walk visits (response paths once fragments are spread) before it
 * refuses the operation. Depth, aliases and tokens bound the walk, but not tightly: fragments
 * spread in several places fan out exponentially within them, and 5000 tokens can describe
 * hundreds of thousands of paths 12 deep. A dashboard query visits a few hundred fields; 50,000
 * take the walk about 60 ms.
 */
export const MAX_ANALYSED_FIELDS = 50_000;

/**
 * Given a validated operation and its coerced variables (`getVariableValues`), returns its cost.
 * Arguments the resolvers will refuse (a `first` over MAX_PAGE_SIZE, an ID that does not decode)
 * are costed as the resolvers will treat them: clamped, or as no call at all. Throws
 * BAD_USER_INPUT when the walk would visit more than `maxFields` fields.
 */
export function estimateCost(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  variableValues: Record<string, unknown>,
  maxFields = MAX_ANALYSED_FIELDS,
): CostEstimate {
  const root = schema.getRootType(operation.operation);
  if (!root) return { requestedNodes: 0, estimatedUpstreamCalls: 0 };
  const walker = new CostWalker(schema, fragments, variableValues, maxFields);
  const cost = walker.visit(root, [operation.selectionSet], 1, undefined);
  return {
    requestedNodes: cost.nodes,
    estimatedUpstreamCalls: cost.calls + walker.rootLookupCalls(),
  };
}

/** What a connection field's resolver needs to know to say how many calls it makes. */
interface ConnectionCall {
  args: Record<string, unknown>;
  /** How many instances of the parent object the operation may resolve. */
  parents: number;
  pageSize: number;
  /** Whether the operation selects `totalCount` on this connection. */
  totalCount: boolean;
}

/**
 * Upstream calls of each connection field, keyed by schema coordinate; every field that returns
 * a connection has an entry (a test holds the schema to it).
 */
export const CONNECTION_CALLS: Readonly<Record<string, (call: ConnectionCall) => number>> = {
  // Fireworks: one AIP-158 list per page, up to 200 items a page; totalSize comes with it.
  'Query.clusters': () => 1,
  'Query.nodePools': () => 1,
  'Query.batchJobs': () => 1,
  // First pages of every parent's node pools come from one account-level list (fireworks/api.ts).
  'Cluster.nodePools': ({ args, parents }) => (isFirstPage(args) ? Math.min(parents, 1) : parents),
  'NodePool.batchJobs': ({ parents }) => parents,
  // Run:ai: one list_pods per connection; totalCount (or `last` without `before`) needs count_pods.
  'Query.pods': (call) => 1 + podCounts(call),
  'Cluster.pods': (call) => call.parents * (1 + podCounts(call)),
  'NodePool.pods': (call) => call.parents * (1 + podCounts(call)),
  // The whole workload (or revision) is fetched once and paged in memory; totalCount is free.
  'Query.workloadPods': () => 1,
  'Query.revisionPods': () => 1,
  // Gitpod pages hold at most 100 warm pools and a page asks for exactly its size; with no count,
  // totalCount walks the list again, at most MAX_WARM_POOL_COUNT_PAGES calls (it refuses more).
  'Query.warmPools': ({ pageSize, totalCount }) =>
    Math.ceil(Math.max(pageSize, 1) / GITPOD_MAX_PAGE_SIZE) + (totalCount ? MAX_WARM_POOL_COUNT_PAGES : 0),
};

/**
 * Upstream calls of the other fields that reach a vendor, keyed by schema coordinate. The joins
 * go through a per-request DataLoader, so all the parents of one field share one batched lookup.
 */
export const FIELD_CALLS: Readonly<
  Record<string, (call: { args: Record<string, unknown>; parents: number }) => number>
> = {
  'NodePool.cluster': ({ parents }) => Math.min(parents, 1),
  'BatchJob.cluster': ({ parents }) => Math.min(parents, 1),
  'BatchJob.nodePool': ({ parents }) => Math.min(parents, 1),
  'Pod.cluster': ({ parents }) => Math.min(parents, 1),
  'Pod.nodePool': ({ parents }) => Math.min(parents, 1),
  // One get_workload_pod_metrics per pod, all asked types in one call; none for an empty `types`.
  'Pod.metrics': ({ args, parents }) => (Array.isArray(args.types) && args.types.length > 0 ? parents : 0),
};

/**
 * Nodes of the list fields whose length the query chooses, keyed by schema coordinate: GitHub's
 * node limit counts connections only, but `Pod.metrics` answers `types` series of `samples`
 * values each for every pod, as large as any page (one series and each of its samples count one).
 */
export const LIST_NODES: Readonly<
  Record<string, (call: { args: Record<string, unknown>; parents: number }) => number>
> = {
  'Pod.metrics': ({ args, parents }) => {
    // Repeated types are asked once (runai/api.ts), so they answer one series.
    const types = Array.isArray(args.types) ? new Set(args.types).size : 0;
    const samples = typeof args.samples === 'number' ? Math.max(0, Math.min(1000, args.samples)) : 20;
    return parents * types * (1 + samples);
  },
};

/**
 * Nested connections are resolved once their parents arrive, after upstream calls: their Relay
 * arguments (bounds, direction, cursor shape) are checked here, before any call, so a bad nested
 * `first` refuses the whole operation instead of failing once per parent after the parent's call.
 */
function checkNestedConnectionArgs(
  coordinate: string,
  connectionType: string,
  args: Record<string, unknown>,
): void {
  try {
    parseConnectionArgs(args as ConnectionArgs, {
      backward: connectionType === 'PodConnection',
      what: coordinate,
    });
    for (const argument of ['after', 'before'] as const) {
      const cursor = args[argument];
      if (typeof cursor === 'string') assertCursorShape(cursor, argument, coordinate);
    }
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const message = error.message.startsWith(coordinate) ? error.message : `${coordinate}: ${error.message}`;
    throw badUserInput(message, { ...error.extensions, http: { status: 400 } });
  }
}

/** How many names one Fireworks OR-filter lookup carries (as fireworks/api.ts chunks them). */
const NAMES_PER_LOOKUP = 50;

function isFirstPage(args: Record<string, unknown>): boolean {
  return args.after == null && args.last == null && args.before == null;
}

/** count_pods calls of a pod connection: one, or two for `completed: false` (all minus completed). */
function podCounts({ args, totalCount }: ConnectionCall): number {
  const needsCount = totalCount || (args.last != null && args.before == null);
  if (!needsCount) return 0;
  const filter = args.filter as { completed?: unknown } | null | undefined;
  return filter?.completed === false ? 2 : 1;
}

/** The page size a connection will serve for its arguments, clamped as the resolver validates. */
function pageSizeOf(args: Record<string, unknown>): number {
  const asked =
    typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
  if (asked === null) return DEFAULT_PAGE_SIZE;
  return Math.max(0, Math.min(MAX_PAGE_SIZE, Math.trunc(asked)));
}

function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
}

interface Cost {
  nodes: number;
  calls: number;
}

/** Root lookups by kind: DataLoader batches them per kind across all root fields. */
type LookupKind = NodeType;

class CostWalker {
  private readonly lookups = new Map<LookupKind, Set<string>>();
  private fields = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly maxFields: number,
  ) {}

  /**
   * Returns the cost of `selectionSets` on `type` for `instances` objects of it. `pageSize` is
   * set when `type` is a connection: its `edges` and `nodes` then stand for that many objects each.
   */
  visit(
    type: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    instances: number,
    pageSize: number | undefined,
  ): Cost {
    const total: Cost = { nodes: 0, calls: 0 };
    if (instances === 0) return total;
    for (const fieldNodes of this.collectFields(type, selectionSets).values()) {
      if (++this.fields > this.maxFields) {
        throw badUserInput(
          `Query selects more than ${this.maxFields} fields once fragments are spread, over the most ` +
            'this gateway analyses. Spread fragments in fewer places, or split the query.',
          { limit: 'MAX_ANALYSED_FIELDS', maximum: this.maxFields, http: { status: 400 } },
        );
      }
      const node = fieldNodes[0] as FieldNode;
      const name = node.name.value;
      if (name.startsWith('__')) continue;
      const field = type.getFields()[name];
      if (!field) continue;
      const cost = this.visitField(type, field, fieldNodes, instances, pageSize);
      total.nodes += cost.nodes;
      total.calls += cost.calls;
    }
    return total;
  }

  /** Returns the upstream calls of the root lookups, batched per kind as the loaders do. */
  rootLookupCalls(): number {
    let calls = 0;
    for (const [kind, keys] of this.lookups) {
      switch (kind) {
        case 'Cluster':
          // One name is a GetCluster; more go through ListClusters with an OR filter.
          calls += keys.size === 1 ? 1 : Math.ceil(keys.size / NAMES_PER_LOOKUP);
          break;
        case 'NodePool':
        case 'BatchJob':
          calls += Math.ceil(keys.size / NAMES_PER_LOOKUP);
          break;
        case 'Pod':
          // Pods are found by walking their workload: at least one call per workload.
          calls += keys.size;
          break;
        case 'WarmPool':
          // One filtered walk for every warm pool asked for.
          calls += keys.size > 0 ? 1 : 0;
          break;
      }
    }
    return calls;
  }

  private visitField(
    parent: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    fieldNodes: readonly FieldNode[],
    instances: number,
    parentPageSize: number | undefined,
  ): Cost {
    const coordinate = `${parent.name}.${field.name}`;
    const args = this.argumentsOf(field, fieldNodes[0] as FieldNode);
    const returnType = getNamedType(field.type);
    const subSelections = fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const cost: Cost = {
      nodes: LIST_NODES[coordinate]?.({ args, parents: instances }) ?? 0,
      calls: FIELD_CALLS[coordinate]?.({ args, parents: instances }) ?? 0,
    };
    if (isLeafType(returnType)) return cost;

    if (isConnectionType(returnType)) {
      if (parent !== this.schema.getQueryType()) checkNestedConnectionArgs(coordinate, returnType.name, args);
      const pageSize = pageSizeOf(args);
      const selected = this.collectFields(returnType, subSelections);
      const totalCount = [...selected.values()].some((nodes) => nodes[0]?.name.value === 'totalCount');
      cost.nodes += instances * pageSize;
      cost.calls += CONNECTION_CALLS[coordinate]?.({ args, parents: instances, pageSize, totalCount }) ?? 0;
      add(cost, this.visit(returnType, subSelections, instances, pageSize));
      return cost;
    }

    // Inside a connection, every edge and node stands for one item of the page.
    const childInstances =
      parentPageSize !== undefined && (field.name === 'edges' || field.name === 'nodes')
        ? instances * parentPageSize
        : instances;

    if (parent === this.schema.getQueryType()) {
      const byType = this.rootLookup(field.name, args);
      if (byType) {
        for (const [typeName, count] of byType) {
          const type = this.schema.getType(typeName);
          if (isObjectType(type)) add(cost, this.visit(type, subSelections, instances * count, undefined));
        }
        return cost;
      }
    }

    if (isObjectType(returnType)) {
      add(cost, this.visit(returnType, subSelections, childInstances, undefined));
    } else if (isAbstractType(returnType)) {
      // One object of any of the possible types: the dearest one bounds it.
      let dearest: Cost = { nodes: 0, calls: 0 };
      for (const type of this.schema.getPossibleTypes(returnType)) {
        const branch = this.visit(type, subSelections, childInstances, undefined);
        dearest = {
          nodes: Math.max(dearest.nodes, branch.nodes),
          calls: Math.max(dearest.calls, branch.calls),
        };
      }
      add(cost, dearest);
    }
    return cost;
  }

  /**
   * For a root lookup field, records the keys it will load and returns how many objects of each
   * type it resolves (so what is nested is costed per object); undefined for other root fields.
   */
  private rootLookup(name: string, args: Record<string, unknown>): Map<string, number> | undefined {
    const byType = new Map<string, number>();
    const record = (kind: LookupKind, key: string) => {
      let keys = this.lookups.get(kind);
      if (!keys) this.lookups.set(kind, (keys = new Set()));
      keys.add(key);
      byType.set(kind, (byType.get(kind) ?? 0) + 1);
    };
    const recordId = (id: unknown) => {
      if (typeof id !== 'string') return;
      let decoded: { type: NodeType; key: string };
      try {
        decoded = decodeGlobalId(id);
      } catch {
        return; // refused by the resolver with BAD_USER_INPUT, before any call
      }
      // Pods are looked up by walking their workload; warm pools share one filtered walk.
      const key =
        decoded.type === 'Pod'
          ? (decoded.key.split('/')[0] ?? '')
          : decoded.type === 'WarmPool'
            ? '*'
            : decoded.key;
      record(decoded.type, key);
    };
    switch (name) {
      case 'cluster':
      case 'nodePool':
      case 'batchJob':
        if (typeof args.name === 'string') {
          record(name === 'cluster' ? 'Cluster' : name === 'nodePool' ? 'NodePool' : 'BatchJob', args.name);
        }
        return byType;
      case 'node':
        recordId(args.id);
        return byType;
      case 'nodes':
        if (Array.isArray(args.ids) && args.ids.length <= MAX_NODE_IDS) args.ids.forEach(recordId);
        return byType;
      default:
        return undefined;
    }
  }

  private argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(field, node, this.variables);
    } catch {
      // Execution reports the bad argument on this field; cost it as if it had none.
      return {};
    }
  }

  /**
   * Groups the fields `selectionSets` select on `runtimeType` by response key, spreading
   * fragments whose type condition applies and honouring @skip/@include, as execution does.
   */
  private collectFields(
    runtimeType: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
  ): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const spread = new Set<string>();
    const walk = (selectionSet: SelectionSetNode): void => {
      for (const selection of selectionSet.selections) {
        if (!this.included(selection)) continue;
        switch (selection.kind) {
          case Kind.FIELD: {
            const key = selection.alias?.value ?? selection.name.value;
            const group = fields.get(key);
            if (group) group.push(selection);
            else fields.set(key, [selection]);
            break;
          }
          case Kind.INLINE_FRAGMENT:
            if (!selection.typeCondition || this.applies(selection.typeCondition.name.value, runtimeType)) {
              walk(selection.selectionSet);
            }
            break;
          case Kind.FRAGMENT_SPREAD: {
            const name = selection.name.value;
            const fragment = this.fragments.get(name);
            if (spread.has(name) || !fragment) continue;
            spread.add(name);
            if (this.applies(fragment.typeCondition.name.value, runtimeType)) walk(fragment.selectionSet);
            break;
          }
        }
      }
    };
    for (const selectionSet of selectionSets) walk(selectionSet);
    return fields;
  }

  private applies(typeName: string, runtimeType: GraphQLObjectType): boolean {
    const condition = typeFromAST(this.schema, {
      kind: Kind.NAMED_TYPE,
      name: { kind: Kind.NAME, value: typeName },
    });
    if (!condition) return false;
    if (condition === runtimeType) return true;
    return isAbstractType(condition) && this.schema.isSubType(condition, runtimeType);
  }

  private included(node: Parameters<typeof getDirectiveValues>[1]): boolean {
    const skip = getDirectiveValues(GraphQLSkipDirective, node, this.variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, node, this.variables);
    return include?.if !== false;
  }
}

function add(into: Cost, cost: Cost): void {
  into.nodes += cost.nodes;
  into.calls += cost.calls;
}
