/**
 * The federation subgraph endpoint, `/subgraph`: the subgraph schema (schema.ts) behind the same
 * HTTP handler as `/graphql` (API keys, body limit, per-request context, limits and cost,
 * production rules), plus the shared-secret check of `SUBGRAPH_SECRET` (config.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import { SUBGRAPH_SECRET_HEADER, type FederationConfig } from './config.js';
import type { CostModel } from '../graphql/cost.js';
import { createCostModel } from '../graphql/schema.js';
import { entityCost } from './entities.js';
import { createSubgraphSchema } from './schema.js';

/** The path the subgraph is served at. */
export const SUBGRAPH_PATH = '/subgraph';

/** A GraphQL endpoint besides `/graphql`, with its own admission check. */
export interface ExtraEndpoint {
  apollo: ApolloServer<GatewayContext>;
  /** Returns why the request is refused (answered 401), or undefined to let it through. */
  refuse(headers: IncomingHttpHeaders): string | undefined;
}

/**
 * Returns the subgraph endpoint, its Apollo Server made by `makeApollo` (the gateway's own
 * options and plugins over the subgraph schema), or undefined when it is not served.
 */
export function createSubgraphEndpoint(
  config: FederationConfig,
  /** GPU_SCAN_BUDGET, for the cost of GPU figures on entities. */
  gpuScanBudget: number,
  makeApollo: (schema: GraphQLSchema, costModel: CostModel) => ApolloServer<GatewayContext>,
): ExtraEndpoint | undefined {
  if (!config.subgraph) return undefined;
  const expected = config.secret === undefined ? undefined : Buffer.from(config.secret);
  return {
    apollo: makeApollo(createSubgraphSchema(), createCostModel([entityCost], gpuScanBudget)),
    refuse(headers) {
      if (!expected) return undefined;
      const raw = headers[SUBGRAPH_SECRET_HEADER];
      const given = Buffer.from((Array.isArray(raw) ? raw[0] : raw) ?? '');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
      return `This subgraph answers only its federation gateway: send the shared secret (SUBGRAPH_SECRET) in ${SUBGRAPH_SECRET_HEADER}.`;
    },
  };
}
