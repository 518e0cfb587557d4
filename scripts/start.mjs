// `npm start`: builds only when an input changed since the last build (a git pull, an edit), then
// runs the built gateway in this same process, so signals reach its own SIGINT/SIGTERM handlers.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleInput } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const stale = staleInput(root);
if (stale) {
  console.error(`building (${stale.startsWith(root) ? stale.slice(root.length) : stale} changed)…`);
  const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(pathToFileURL(`${root}dist/src/main.js`).href);
