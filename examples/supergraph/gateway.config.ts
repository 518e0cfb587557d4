/**
 * Hive Gateway's configuration for the supergraph example (read by `hive-gateway -c`). Nothing in
 * it reaches outside: no Hive registry or CDN (no token is set, so no usage report or schema
 * fetch), no GraphiQL (its page loads assets from a CDN), no WebSockets.
 *
 * - `SUPERGRAPH`: the composed supergraph file (default: supergraph.graphql beside this file).
 * - `SUBGRAPH_SECRET`: sent to Fleetgraph's subgraph in `x-fleetgraph-subgraph-secret`, so
 *   Fleetgraph answers its federation gateway only.
 * - `FLEETGRAPH_API_KEY`: sent to Fleetgraph as `x-api-key` when it requires API keys
 *   (`GATEWAY_API_KEYS`); otherwise the client's own `authorization`/`x-api-key` is forwarded,
 *   as are its vendor credential headers.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@graphql-hive/gateway';

const secret = process.env.SUBGRAPH_SECRET;
const apiKey = process.env.FLEETGRAPH_API_KEY;

export const gatewayConfig = defineConfig({
  supergraph: process.env.SUPERGRAPH ?? fileURLToPath(new URL('supergraph.graphql', import.meta.url)),
  graphqlEndpoint: '/graphql',
  graphiql: false,
  landingPage: false,
  disableWebsockets: true,
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      if (subgraphName !== 'fleetgraph') return {};
      return {
        ...(secret ? { 'x-fleetgraph-subgraph-secret': secret } : {}),
        ...(apiKey
          ? { 'x-api-key': apiKey }
          : {
              authorization: request.headers.get('authorization'),
              'x-api-key': request.headers.get('x-api-key'),
            }),
        // A caller's own vendor credentials, as Fleetgraph accepts them on /graphql.
        ...Object.fromEntries(
          ['x-fireworks-api-key', 'x-runai-token', 'x-gitpod-api-key'].map((h) => [
            h,
            request.headers.get(h),
          ]),
        ),
      };
    },
  },
});
