// Bundles the offline explorer (src/explorer/browser/, GraphiQL and React from node_modules) into
// dist/explorer/ with esbuild: no CDN at run time, so /graphql works in an air-gapped cluster.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: { explorer: 'src/explorer/browser/main.tsx' },
  outdir: 'dist/explorer',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'warning',
});
