/**
 * Composes the example supergraph: Fleetgraph's subgraph SDL next to the `teams` subgraph, with
 * The Guild's Federation 2 composition library (what Hive uses; the same rules as Apollo's).
 */
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { printSubgraphSdl } from '../../src/federation/schema.js';
import { teamsTypeDefs } from './teams.js';

/** One subgraph to compose: its name in the supergraph, its routing URL and its SDL. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** The routing URLs the committed supergraph.graphql is composed with (the example's defaults). */
export const DEFAULT_URLS = {
  fleetgraph: 'http://localhost:4000/subgraph',
  teams: 'http://localhost:4101/graphql',
} as const;

/** Given subgraphs, returns the supergraph SDL, or throws an Error listing every composition error. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  if (result.errors) {
    const lines = result.errors.map((e) => `  - ${e.message}`);
    throw new Error(`Supergraph composition failed:\n${lines.join('\n')}`);
  }
  return result.supergraphSdl;
}

/** Returns the example supergraph of Fleetgraph and teams, routed to `urls`. */
export function composeExample(urls: { fleetgraph: string; teams: string } = DEFAULT_URLS): string {
  return composeSupergraph([
    { name: 'fleetgraph', url: urls.fleetgraph, sdl: printSubgraphSdl() },
    { name: 'teams', url: urls.teams, sdl: teamsTypeDefs() },
  ]);
}
