/**
 * `__resolveReference` of every entity type (every Node type of the registry): a representation
 * is parsed (representations.ts) and loaded through the request's DataLoaders, the ones
 * `node(id:)` uses, so the references of one `_entities` call are batched per type exactly as
 * `nodes(ids:)` batches IDs; and what `_entities` and the subgraph's renamed Node fields cost.
 *
 * Contract: a reference to an object that does not exist (or belongs to another Fireworks
 * account) resolves to null without an error, as federation expects of a missing entity; a vendor
 * failure rejects only that reference, with the vendor's coded error on its path.
 */
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../errors.js';
import type { CostTables } from '../graphql/cost.js';
import type { GatewayContext } from '../graphql/context.js';
import { encodeGlobalId } from '../graphql/global-id.js';
import { loadNode, NODE_TYPES, nodeKeysOfIds } from '../graphql/schema.js';
import { parseRepresentation, parseRepresentations } from './representations.js';

/** The `__resolveReference` resolvers, keyed by entity type. */
export function entityResolvers(): Record<string, { __resolveReference: unknown }> {
  return Object.fromEntries(
    [...NODE_TYPES.keys()].map((typename) => [
      typename,
      {
        __resolveReference: async (representation: unknown, ctx: GatewayContext) => {
          // The limits plugin has already refused a malformed representation; this guards direct use.
          const { type, key } = parseRepresentation(representation, NODE_TYPES);
          try {
            return await loadNode(type, key, ctx, encodeGlobalId(type, key));
          } catch (error) {
            // A missing entity is null, as federation expects; any other error stays.
            if (error instanceof GraphQLError && error.extensions.code === ErrorCode.NOT_FOUND) return null;
            throw error;
          }
        },
      },
    ]),
  );
}

/** What the subgraph's lookups cost: `_entities` as `nodes(ids:)`, and the renamed Node fields. */
export const entityCost: CostTables = {
  rootLookups: {
    fleetgraphNode: (args) => nodeKeysOfIds([args.id]),
    fleetgraphNodes: (args) => nodeKeysOfIds(args.ids),
    // A malformed representation refuses the whole operation here (HTTP 400), before any call.
    _entities: (args) => {
      try {
        return parseRepresentations(args.representations, NODE_TYPES);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        throw badUserInput(error.message, { ...error.extensions, http: { status: 400 } });
      }
    },
  },
};
