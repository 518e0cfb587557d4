// Fails (exit 1) when generated code is stale: the upstream wire types (scripts/gen-upstream.mjs),
// the GraphQL resolver types (codegen.ts) or the federation SDL (scripts/gen-federation.mjs).
// Run `npm run gen` to refresh them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { generateFederationArtifacts } from './gen-federation.mjs';
import { generateUpstreamTypes } from './gen-upstream.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
let stale = 0;

for (const [path, text] of [...(await generateUpstreamTypes()), ...(await generateFederationArtifacts())]) {
  if ((await readFile(path, 'utf8').catch(() => '')) !== text) {
    console.error(`stale generated file: ${path.slice(root.length)}`);
    stale++;
  }
}

// The gateway's resolver types, then the example dashboard's client-preset documents; each
// codegen config resolves its paths from its own folder.
for (const dir of ['', 'examples/dashboard/']) {
  process.chdir(`${root}${dir}`);
  const { default: config } = await import(`${root}${dir}codegen.ts`).catch(async () => {
    // Node cannot import .ts directly before 22.6; read the config through tsx's loader instead.
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(`${root}${dir}codegen.ts`, import.meta.url);
  });
  const outputs = await generate({ ...config, silent: true }, false);
  for (const output of outputs) {
    const current = await readFile(`${root}${dir}${output.filename}`, 'utf8').catch(() => '');
    if (current !== output.content) {
      console.error(`stale generated file: ${dir}${output.filename}`);
      stale++;
    }
  }
}

if (stale) {
  console.error(`${stale} generated file(s) are stale: run npm run gen and commit the result.`);
  process.exit(1);
}
console.log('generated code is current');
