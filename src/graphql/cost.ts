/**
 * What an operation will cost, worked out from its document and variables before anything runs:
 * the nodes it asks for and an estimate of the upstream calls it needs.
 *
 * Nodes follow GitHub's node limit: every connection field counts its page size (`first` or
 * `last`, DEFAULT_PAGE_SIZE without either, as the connection module pages) times the page sizes
 * of the connections it sits in, and the operation's count is the sum over its connection fields.
 * `nodes(ids:)` multiplies what is nested in it by the number of IDs, as a page would.
 *
 * Upstream calls follow what the vendor folders actually send: each vendor (and the joins module)
 * states what its connections, fields and lookups cost in `CostTables`, merged into one
 * `CostModel` by the gateway's assembly: one list per root connection, one per parent for the nested connections that
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
  model: CostModel,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  variableValues: Record<string, unknown>,
  maxFields = MAX_ANALYSED_FIELDS,
): CostEstimate {
  const root = schema.getRootType(operation.operation);
  if (!root) return { requestedNodes: 0, estimatedUpstreamCalls: 0 };
  const walker = new CostWalker(schema, model, fragments, variableValues, maxFields);
  const cost = walker.visit(root, [operation.selectionSet], 1, undefined, 1);
  return {
    requestedNodes: cost.nodes,
    estimatedUpstreamCalls: cost.calls + walker.rootLookupCalls(),
  };
}

/**
 * The calls of a field whose loads a DataLoader batches, `perCall` keys a call: one batch per
 * arrival of the parents at most, each of ceil(keys / perCall) calls, every key loaded once.
 */
export function batchedLookupCalls({ parents, arrivals }: FieldCall, perCall: number): number {
  if (parents <= 0) return 0;
  const batches = Math.max(1, Math.min(arrivals, parents));
  return batches + Math.floor((parents - batches) / perCall);
}

/** What a connection field's resolver needs to know to say how many calls it makes. */
export interface ConnectionCall {
  args: Record<string, unknown>;
  /** How many instances of the parent object the operation may resolve. */
  parents: number;
  /** The most separate times those parents may arrive (each can start its own loader batch). */
  arrivals: number;
  pageSize: number;
  /** Whether the operation selects `totalCount` on this connection. */
  totalCount: boolean;
}

/** What another field that reaches a vendor needs to know to say how many calls it makes. */
export interface FieldCall {
  args: Record<string, unknown>;
  parents: number;
  /** The most separate times the parents may arrive (each can start its own loader batch). */
  arrivals: number;
}

/** An object a lookup loads: its Node type and the key of its global ID. */
export interface NodeKey {
  type: string;
  key: string;
}

/** How lookups of one Node type batch, and what a batch costs. */
export interface LookupCost {
  /** Given the key inside a global ID, returns the key its loader batches by (default: itself). */
  batchKey?(key: string): string;
  /** Given the number of distinct batch keys an operation looks up (and the keys), returns the calls. */
  calls(keys: number, batchKeys: readonly string[]): number;
}

/**
 * What one vendor's (or the joins') fields cost, keyed by schema coordinate (`Type.field`); every
 * field that returns a connection has an entry in some table (a test holds the schema to it).
 */
export interface CostTables {
  /** Connection fields: calls per page, given parents, page size and `totalCount`. */
  connections?: Readonly<Record<string, (call: ConnectionCall) => number>>;
  /** Other fields that reach a vendor (joins, metrics). */
  fields?: Readonly<Record<string, (call: FieldCall) => number>>;
  /**
   * Fields that are not connections but answer lists as large as a page (`Pod.metrics`: series of
   * samples): the nodes they count in the node limit, as a connection counts its page.
   */
  listNodes?: Readonly<Record<string, (call: FieldCall) => number>>;
  /**
   * Root fields that look objects up by argument (`cluster(name:)`, `node`, `nodes`, `_entities`):
   * the Node type and key of each object they will load; a malformed argument that the resolver
   * refuses before any call yields nothing, one that refuses the whole operation throws.
   */
  rootLookups?: Readonly<Record<string, (args: Record<string, unknown>) => readonly NodeKey[]>>;
  /** Lookups per Node type (root lookups, `node`, `nodes`). */
  lookups?: Readonly<Record<string, LookupCost>>;
  /** Connection types that page backwards (their `last`/`before` are valid). */
  backwardConnections?: readonly string[];
}

/** The cost tables of every vendor and of the joins, merged. */
export type CostModel = { [K in keyof CostTables]-?: NonNullable<CostTables[K]> };

/** Merges cost tables; a coordinate claimed twice is a wiring bug and throws. */
export function mergeCostTables(tables: readonly CostTables[]): CostModel {
  const model = {
    connections: {},
    fields: {},
    listNodes: {},
    rootLookups: {},
    lookups: {},
    backwardConnections: [] as string[],
  } as { [K in keyof CostModel]: Record<string, unknown> } & { backwardConnections: string[] };
  for (const table of tables) {
    for (const key of ['connections', 'fields', 'listNodes', 'rootLookups', 'lookups'] as const) {
      for (const [coordinate, entry] of Object.entries(table[key] ?? {})) {
        if (coordinate in model[key]) throw new Error(`cost: ${key} entry ${coordinate} is defined twice`);
        model[key][coordinate] = entry;
      }
    }
    model.backwardConnections.push(...(table.backwardConnections ?? []));
  }
  return model as unknown as CostModel;
}

/**
 * Nested connections are resolved once their parents arrive, after upstream calls: their Relay
 * arguments (bounds, direction, cursor shape) are checked here, before any call, so a bad nested
 * `first` refuses the whole operation instead of failing once per parent after the parent's call.
 */
function checkNestedConnectionArgs(
  coordinate: string,
  backward: boolean,
  args: Record<string, unknown>,
): void {
  try {
    parseConnectionArgs(args as ConnectionArgs, { backward, what: coordinate });
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

class CostWalker {
  /** Root lookups by Node type: DataLoader batches them per type across all root fields. */
  private readonly lookups = new Map<string, Set<string>>();
  private fields = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly model: CostModel,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly maxFields: number,
  ) {}

  /**
   * Returns the cost of `selectionSets` on `type` for `instances` objects of it. `pageSize` is
   * set when `type` is a connection: its `edges` and `nodes` then stand for that many objects each.
   * `arrivals` bounds the separate times those objects arrive: loads made by their fields batch
   * per arrival, so a batched lookup costs at least one call per arrival.
   */
  visit(
    type: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    instances: number,
    pageSize: number | undefined,
    arrivals: number,
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
      const cost = this.visitField(
        type,
        field,
        fieldNodes,
        instances,
        pageSize,
        Math.min(arrivals, instances),
      );
      total.nodes += cost.nodes;
      total.calls += cost.calls;
    }
    return total;
  }

  /** Returns the upstream calls of the root lookups, batched per type as the loaders do. */
  rootLookupCalls(): number {
    let calls = 0;
    for (const [type, keys] of this.lookups)
      calls += this.model.lookups[type]?.calls(keys.size, [...keys]) ?? 0;
    return calls;
  }

  private visitField(
    parent: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    fieldNodes: readonly FieldNode[],
    instances: number,
    parentPageSize: number | undefined,
    arrivals: number,
  ): Cost {
    const coordinate = `${parent.name}.${field.name}`;
    const args = this.argumentsOf(field, fieldNodes[0] as FieldNode);
    const returnType = getNamedType(field.type);
    const subSelections = fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const cost: Cost = {
      nodes: this.model.listNodes[coordinate]?.({ args, parents: instances, arrivals }) ?? 0,
      calls: this.model.fields[coordinate]?.({ args, parents: instances, arrivals }) ?? 0,
    };
    if (isLeafType(returnType)) return cost;

    if (isConnectionType(returnType)) {
      if (parent !== this.schema.getQueryType()) {
        checkNestedConnectionArgs(coordinate, this.model.backwardConnections.includes(returnType.name), args);
      }
      const pageSize = pageSizeOf(args);
      const selected = this.collectFields(returnType, subSelections);
      const totalCount = [...selected.values()].some((nodes) => nodes[0]?.name.value === 'totalCount');
      cost.nodes += instances * pageSize;
      cost.calls +=
        this.model.connections[coordinate]?.({ args, parents: instances, arrivals, pageSize, totalCount }) ??
        0;
      // Each parent's page arrives on its own.
      add(cost, this.visit(returnType, subSelections, instances, pageSize, instances));
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
          // One loader batch per type, a second for pods found among their workload's deleted ones.
          if (isObjectType(type)) add(cost, this.visit(type, subSelections, instances * count, undefined, 2));
        }
        return cost;
      }
    }

    // An object reached through a loader arrives with its batch or, already cached, at once: at
    // most two arrivals per arrival of its parents.
    const childArrivals =
      parentPageSize !== undefined && (field.name === 'edges' || field.name === 'nodes')
        ? arrivals
        : this.model.fields[coordinate]
          ? 2 * arrivals
          : arrivals;
    if (isObjectType(returnType)) {
      add(cost, this.visit(returnType, subSelections, childInstances, undefined, childArrivals));
    } else if (isAbstractType(returnType)) {
      // One object of any of the possible types: the dearest one bounds it.
      let dearest: Cost = { nodes: 0, calls: 0 };
      for (const type of this.schema.getPossibleTypes(returnType)) {
        const branch = this.visit(type, subSelections, childInstances, undefined, childArrivals);
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
    const record = (type: string, key: string) => {
      const lookup = this.model.lookups[type];
      if (!lookup) return; // not a Node type: refused by the resolver before any call
      let keys = this.lookups.get(type);
      if (!keys) this.lookups.set(type, (keys = new Set()));
      keys.add(lookup.batchKey ? lookup.batchKey(key) : key);
      byType.set(type, (byType.get(type) ?? 0) + 1);
    };
    const lookup = this.model.rootLookups[name];
    if (!lookup) return undefined;
    for (const { type, key } of lookup(args)) record(type, key);
    return byType;
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
