/**
 * The Federation 2 subgraph schema: the domain SDL of schema/*.graphql with the entity keys of
 * schema/federation/entities.graphql, built by @apollo/subgraph's `buildSubgraphSchema` (which
 * adds `_service` and `_entities`) with the same resolvers as the standalone schema plus each
 * entity's `__resolveReference`.
 *
 * Shared Relay types are namespaced in the subgraph (SUBGRAPH_RENAMES): a supergraph usually has
 * other Relay subgraphs, and in Federation 2 a value type or root field defined in two subgraphs
 * composes only if every subgraph marks it `@shareable`, which Fleetgraph cannot ask of a
 * subgraph it has never seen. `Query.node` would also be wrong shared: each subgraph resolves only
 * its own IDs. So `Node`, `PageInfo`, the small value types and enums, `node` and `nodes` get a
 * `Fleetgraph` prefix here, and the entities themselves are joined by their @key.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  concatAST,
  graphqlSync,
  parse,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type Kind,
} from 'graphql';
import { loadTypeDefs, schemaResolvers } from '../graphql/schema.js';
import { entityResolvers } from './entities.js';

/** The resolver map `buildSubgraphSchema` takes (its type is not exported from the package root). */
type SubgraphResolvers = Extract<
  Parameters<typeof buildSubgraphSchema>[0],
  { resolvers?: unknown }
>['resolvers'];

/** Types renamed in the subgraph, so they cannot clash with another subgraph's Relay types. */
export const SUBGRAPH_RENAMES: Readonly<Record<string, string>> = {
  Node: 'FleetgraphNode',
  PageInfo: 'FleetgraphPageInfo',
  OrderDirection: 'FleetgraphOrderDirection',
  KeyValue: 'FleetgraphKeyValue',
  Status: 'FleetgraphStatus',
  StatusCode: 'FleetgraphStatusCode',
};

/** Root fields renamed in the subgraph (`Query.node` belongs to the supergraph's own Relay owner). */
export const SUBGRAPH_ROOT_RENAMES: Readonly<Record<string, string>> = {
  node: 'fleetgraphNode',
  nodes: 'fleetgraphNodes',
};

/** How to build the subgraph; `namespaced: false` keeps the Relay names (tests show why not). */
export interface SubgraphOptions {
  namespaced?: boolean;
}

/** Returns the subgraph's SDL document: domain types, renamed as above, and the entity keys. */
export function subgraphTypeDefs({ namespaced = true }: SubgraphOptions = {}): DocumentNode {
  const domain = concatAST(loadTypeDefs().map((sdl) => parse(sdl)));
  const renamed = !namespaced
    ? domain
    : visit(domain, {
        NamedType: (node) => rename(node, SUBGRAPH_RENAMES),
        ObjectTypeDefinition: (node) => {
          const named = rename(node, SUBGRAPH_RENAMES);
          if (node.name.value !== 'Query') return named;
          return {
            ...named,
            fields: node.fields?.map((field) => rename(field, SUBGRAPH_ROOT_RENAMES)),
          };
        },
        InterfaceTypeDefinition: (node) => rename(node, SUBGRAPH_RENAMES),
        EnumTypeDefinition: (node) => rename(node, SUBGRAPH_RENAMES),
      });
  const federationDir = join(packageRoot(), 'schema', 'federation');
  const federation = readdirSync(federationDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => parse(readFileSync(join(federationDir, f), 'utf8')));
  return concatAST([renamed, ...federation]);
}

/** Returns the executable subgraph schema (`_service`, `_entities` and every domain field). */
export function createSubgraphSchema(options: SubgraphOptions = {}): GraphQLSchema {
  // One resolver map: the vendors' maps each add their own fields to Query.
  const resolvers: Record<string, unknown> = {};
  const maps = [...schemaResolvers(), entityResolvers()] as object[];
  for (const map of options.namespaced === false ? maps : maps.map(renameResolvers)) {
    for (const [typeName, value] of Object.entries(map)) {
      const current = resolvers[typeName];
      resolvers[typeName] = current ? { ...(current as object), ...(value as object) } : value;
    }
  }
  return buildSubgraphSchema({
    typeDefs: subgraphTypeDefs(options),
    resolvers: resolvers as SubgraphResolvers,
  });
}

/** Returns the SDL composition tools read: what `_service { sdl }` answers. */
export function printSubgraphSdl(options: SubgraphOptions = {}): string {
  const result = graphqlSync({ schema: createSubgraphSchema(options), source: '{ _service { sdl } }' });
  const sdl = (result.data as { _service?: { sdl?: unknown } } | null)?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`_service did not answer its SDL: ${JSON.stringify(result)}`);
  return sdl;
}

function renameResolvers(resolvers: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [typeName, value] of Object.entries(resolvers)) {
    if (typeName === 'Query' && value && typeof value === 'object') {
      out.Query = Object.fromEntries(
        Object.entries(value).map(([field, resolve]) => [SUBGRAPH_ROOT_RENAMES[field] ?? field, resolve]),
      );
    } else {
      out[SUBGRAPH_RENAMES[typeName] ?? typeName] = value;
    }
  }
  return out;
}

function rename<T extends { name: { kind: Kind.NAME; value: string } }>(
  node: T,
  renames: Readonly<Record<string, string>>,
): T {
  const to = renames[node.name.value];
  return to ? { ...node, name: { ...node.name, value: to } } : node;
}

/** The package root (holding schema/), found from this file in src/ and dist/ alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('schema/federation/: package root not found');
    dir = parent;
  }
  return dir;
}
