/**
 * The offline explorer: outside production, a browser asking `/graphql` for HTML gets a GraphiQL
 * page whose script and styles come from the gateway itself (dist/explorer/, bundled by
 * `npm run build`), not from a CDN. Static files only: they carry no data, so they are served
 * without the gateway key; every query the page runs goes through /graphql like any other.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the explorer's assets are served from. */
export const EXPLORER_ASSET_PATH = '/explorer/';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Answers explorer requests; `handle` returns false for every request that is not one. */
export interface Explorer {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

/** Given the folder of the built assets (default: dist/explorer/ under the package root), returns the explorer. */
export function createExplorer(assetsDir: string = defaultAssetsDir()): Explorer {
  // The set of files is read once: a request can only name one of them, never a path.
  const assets = new Map<string, { type: string; body: Buffer }>();
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
      if (type) assets.set(name, { type, body: readFileSync(join(assetsDir, name)) });
    }
  }
  const page = assets.has('explorer.js') ? explorerPage() : missingAssetsPage();

  return {
    handle(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (url.pathname.startsWith(EXPLORER_ASSET_PATH)) {
        const asset = assets.get(url.pathname.slice(EXPLORER_ASSET_PATH.length));
        if (!asset) return false;
        res.writeHead(200, {
          'content-type': asset.type,
          'content-length': asset.body.length,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return true;
      }
      const browser = /text\/html/.test(req.headers.accept ?? '') && !url.search;
      if ((url.pathname === '/graphql' || url.pathname === '/') && browser) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(page),
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : page);
        return true;
      }
      return false;
    },
  };
}

function defaultAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(fileURLToPath(import.meta.url)), 'explorer');
    dir = parent;
  }
  return join(dir, 'dist', 'explorer');
}

const BANNER = `<header class="fg-banner">
  <strong>Fleetgraph explorer</strong>
  <span>Served by this gateway, works offline. Set headers in the <em>Headers</em> tab below:
  <code>x-api-key</code> when the gateway requires a key (<code>GATEWAY_API_KEYS</code>);
  <code>x-fireworks-api-key</code>, <code>x-runai-token</code>, <code>x-gitpod-api-key</code>
  to use your own vendor credential for your requests.</span>
  <a id="sandbox-link" href="https://studio.apollographql.com/sandbox/explorer" rel="noopener">Open in Apollo Sandbox (needs internet)</a>
</header>`;

const STYLE = `<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  .fg-banner { display: flex; gap: 1rem; align-items: baseline; padding: 0.4rem 1rem; font-size: 13px;
    background: #0f172a; color: #e2e8f0; }
  .fg-banner code { color: #fde68a; }
  .fg-banner a { color: #93c5fd; margin-left: auto; white-space: nowrap; }
  #graphiql { flex: 1; min-height: 0; }
</style>`;

function explorerPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fleetgraph explorer</title>
<link rel="stylesheet" href="${EXPLORER_ASSET_PATH}explorer.css">
${STYLE}
</head>
<body>
${BANNER}
<div id="graphiql">Loading the explorer…</div>
<script type="module" src="${EXPLORER_ASSET_PATH}explorer.js"></script>
</body>
</html>
`;
}

function missingAssetsPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Fleetgraph explorer</title>${STYLE}</head>
<body>
${BANNER}
<p style="padding: 1rem">The explorer's assets are not built: run <code>npm run build</code> (or <code>npm start</code>),
then reload. POST GraphQL requests to this URL meanwhile.</p>
</body>
</html>
`;
}
