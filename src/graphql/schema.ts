/**
 * The executable schema: the SDL in schema/*.graphql (split by domain) with the resolvers of
 * each vendor and the cross-vendor root fields (`node`, `nodes`) and scalars.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, GraphQLScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';
import { badUserInput, notFound } from '../errors.js';
import type { Resolvers } from '../generated/graphql.js';
import { fireworksResolvers } from '../vendors/fireworks/resolvers.js';
import { gitpodResolvers } from '../vendors/gitpod/resolvers.js';
import { runaiResolvers } from '../vendors/runai/resolvers.js';
import { subscriptionResolvers } from '../subscriptions/live.js';
import { parseChildName, parseClusterName } from '../vendors/fireworks/names.js';
import type { GatewayContext } from './context.js';
import { decodeGlobalId } from './global-id.js';

/** The most IDs `nodes(ids:)` takes, as GitHub bounds it. */
export const MAX_NODE_IDS = 100;

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
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(schemaDir, f), 'utf8'));
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown, node?: ValueNode): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      `DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05Z", got ${JSON.stringify(value)}.`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
        ...(node ? { nodes: node } : {}),
      },
    );
  }
  return new Date(value).toISOString().replace('.000Z', 'Z');
}

/** DateTime: ISO 8601 strings out (as the vendors send them), validated and normalised to UTC in. */
const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 / RFC 3339 instant in UTC.',
  serialize: (value) => {
    if (typeof value === 'number') return new Date(value).toISOString();
    if (typeof value === 'string') return value;
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError(`DateTime cannot represent ${typeof value}`);
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string such as "2026-01-02T03:04:05Z".', {
        extensions: { code: 'BAD_USER_INPUT' },
        nodes: ast,
      });
    }
    return parseDateTime(ast.value, ast);
  },
});

/** Given an ID, returns the object it names (loaded through the request's loaders) or null. */
async function resolveNode(id: string, ctx: GatewayContext): Promise<unknown> {
  const { type, key } = decodeGlobalId(id);
  switch (type) {
    case 'Cluster': {
      const parsed = parseClusterName(key, ctx.fireworks.accountId);
      if (parsed.account !== ctx.fireworks.accountId) throw notFound(`No object has the ID "${id}".`);
      return ctx.fireworks.clusterByName.load(key);
    }
    case 'NodePool':
    case 'BatchJob': {
      const parsed = parseChildName(key, type === 'NodePool' ? 'nodePools' : 'batchJobs');
      if (parsed.account !== ctx.fireworks.accountId) throw notFound(`No object has the ID "${id}".`);
      return (type === 'NodePool' ? ctx.fireworks.nodePoolByName : ctx.fireworks.batchJobByName).load(key);
    }
    case 'Pod': {
      const [workloadId = '', podId = ''] = key.split('/');
      const pod = await ctx.runai.pod(workloadId, podId);
      if (!pod) throw notFound(`No object has the ID "${id}".`, 'runai');
      return pod;
    }
    case 'WarmPool': {
      const [warmPoolId = '', projectId = '', environmentClassId = ''] = key.split('/');
      const pool = await ctx.gitpod.warmPool({ id: warmPoolId, projectId, environmentClassId });
      if (!pool) throw notFound(`No object has the ID "${id}".`, 'gitpod');
      return pool;
    }
  }
}

/** Given an object a resolver produced, returns its GraphQL type name. */
function nodeTypeOf(value: unknown): 'Cluster' | 'NodePool' | 'BatchJob' | 'Pod' | 'WarmPool' {
  const v = value as { name?: string; metadata?: unknown; workloadId?: unknown; k8sPhase?: unknown };
  if (v.metadata !== undefined) return 'WarmPool';
  if (v.workloadId !== undefined && v.k8sPhase !== undefined) return 'Pod';
  if (v.name?.includes('/nodePools/')) return 'NodePool';
  if (v.name?.includes('/batchJobs/')) return 'BatchJob';
  return 'Cluster';
}

const rootResolvers: Resolvers = {
  DateTime,
  Node: { __resolveType: (value) => nodeTypeOf(value) },
  Query: {
    node: (_root, { id }, ctx) => resolveNode(id, ctx) as never,
    nodes: (_root, { ids }, ctx) => {
      if (ids.length > MAX_NODE_IDS) {
        throw badUserInput(`\`ids\` takes at most ${MAX_NODE_IDS} IDs, got ${ids.length}.`, {
          argument: 'ids',
        });
      }
      return ids.map((id) => resolveNode(id, ctx).catch((error: unknown) => error as Error)) as never;
    },
  },
};

/** Returns the executable schema. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [
      rootResolvers,
      fireworksResolvers,
      runaiResolvers,
      gitpodResolvers,
      subscriptionResolvers,
    ] as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
  });
}
