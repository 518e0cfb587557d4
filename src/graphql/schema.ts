/**
 * The executable schema, assembled from the registry: the SDL in schema/*.graphql (split by
 * domain), every vendor's resolvers, the joins' resolvers, the Node root fields over every
 * vendor's Node types, and the DateTime scalar; and the cost model of the same parts.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { badUserInput } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { joinCost, joinResolvers } from '../joins/index.js';
import { DEFAULT_GPU_SCAN_BUDGET } from '../joins/settings.js';
import type { NodeType, VendorModule } from '../vendors/contract.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import { subscriptionResolvers } from '../subscriptions/live.js';
import type { GatewayContext } from './context.js';
import { DateTime } from './date-time.js';
import { mergeCostTables, type CostModel, type CostTables, type NodeKey } from './cost.js';
import { decodeGlobalId, invalidGlobalId, MAX_NODE_IDS } from './global-id.js';

/** Returns the SDL of every file in schema/ (found from the package root, in src/ and dist/ alike). */
export function loadTypeDefs(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('schema/: package root not found');
    dir = parent;
  }
  const schemaDir = join(dir, 'schema');
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql') && f !== 'subgraph.graphql')
    .sort()
    .map((f) => readFileSync(join(schemaDir, f), 'utf8'));
}

/** Every Node type by name (each one a federation entity too), with the vendor that serves it. */
export const NODE_TYPES: ReadonlyMap<string, { vendor: VendorModule; type: NodeType<unknown> }> = new Map(
  VENDOR_MODULES.flatMap((vendor) =>
    vendor.nodeTypes.map((type) => [type.typename, { vendor, type: type as NodeType<unknown> }] as const),
  ),
);

/**
 * Given a Node type and the key of a global ID, returns the object through the request's loaders
 * of its vendor; `id` is the ID the caller gave, for the NOT_FOUND message.
 */
export function loadNode(typename: string, key: string, ctx: GatewayContext, id: string): Promise<unknown> {
  const node = NODE_TYPES.get(typename);
  if (!node) throw invalidGlobalId(id);
  return node.type.load(key, ctx[node.vendor.id as keyof GatewayContext], id);
}

/** Given an ID, returns the object it names, loaded through the request's loaders of its vendor. */
function resolveNode(id: string, ctx: GatewayContext): Promise<unknown> {
  const { type, key } = decodeGlobalId(id);
  return loadNode(type, key, ctx, id);
}

/** The objects IDs name, for the cost estimate; none for an ID the resolver refuses before any call. */
export function nodeKeysOfIds(ids: unknown): NodeKey[] {
  if (!Array.isArray(ids) || ids.length > MAX_NODE_IDS) return [];
  return ids.flatMap((id) => {
    if (typeof id !== 'string') return [];
    try {
      const decoded = decodeGlobalId(id);
      return NODE_TYPES.has(decoded.type) ? [decoded] : [];
    } catch {
      return [];
    }
  });
}

/** What `node` and `nodes` cost: the lookups of the objects their IDs name. */
const nodeLookupCost: CostTables = {
  rootLookups: {
    node: (args) => nodeKeysOfIds([args.id]),
    nodes: (args) => nodeKeysOfIds(args.ids),
  },
};

const nodeResolvers: Resolvers = {
  DateTime,
  Query: {
    node: (_root, { id }, ctx) => resolveNode(id, ctx) as never,
    nodes: (_root, { ids }, ctx) => {
      if (ids.length > MAX_NODE_IDS) {
        throw badUserInput(`\`ids\` takes at most ${MAX_NODE_IDS} IDs, got ${ids.length}.`, {
          argument: 'ids',
        });
      }
      return ids.map((id) => {
        try {
          return resolveNode(id, ctx).catch((error: unknown) => error as Error);
        } catch (error) {
          return error as Error;
        }
      }) as never;
    },
  },
};

/** Returns every resolver map: the Node root fields and scalars, each vendor's, and the joins'. */
export function schemaResolvers(): Resolvers[] {
  return [
    nodeResolvers,
    ...VENDOR_MODULES.map((v) => v.resolvers),
    joinResolvers,
    subscriptionResolvers,
  ] as Resolvers[];
}

/** Returns the executable schema. Type detection (Node, unions) reads each object's `__typename`. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: schemaResolvers() as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
  });
}

/**
 * Returns the cost model: every vendor's cost tables, the joins' (the GPU figures' walk at the
 * configured GPU_SCAN_BUDGET), the Node lookups' and `extra`.
 */
export function createCostModel(
  extra: readonly CostTables[] = [],
  gpuScanBudget: number = DEFAULT_GPU_SCAN_BUDGET,
): CostModel {
  return mergeCostTables([
    ...VENDOR_MODULES.map((v) => v.cost),
    joinCost(gpuScanBudget),
    nodeLookupCost,
    ...extra,
  ]);
}
