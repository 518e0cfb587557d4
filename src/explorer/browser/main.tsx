/**
 * The offline explorer: GraphiQL, bundled into dist/explorer/ at build time and served by the
 * gateway itself, so it works without internet. Headers (the gateway key, vendor overrides) are
 * set in GraphiQL's headers editor and kept in this browser's storage.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';

const DEFAULT_QUERY = `# Fleetgraph: one graph over Fireworks, Run:ai and Gitpod.
# Headers (bottom panel): {"x-api-key": "…"} when the gateway requires a key;
# x-fireworks-api-key, x-runai-token, x-gitpod-api-key replace a vendor credential for your requests.
{
  clusters(first: 5) {
    totalCount
    nodes {
      name
      state
      nodePools(first: 5) {
        nodes {
          nodePoolId
          pods(first: 3) {
            totalCount
            nodes {
              name
              phase
            }
          }
        }
      }
    }
  }
}
`;

const endpoint = new URL('/graphql', window.location.href).href;
const sandbox = document.getElementById('sandbox-link');
if (sandbox instanceof HTMLAnchorElement) {
  sandbox.href = `https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(endpoint)}`;
}

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    <GraphiQL
      fetcher={createGraphiQLFetcher({ url: endpoint })}
      defaultQuery={DEFAULT_QUERY}
      shouldPersistHeaders
      isHeadersEditorEnabled
      defaultEditorToolsVisibility="headers"
    />,
  );
}
