// `npm run build`: compiles src/ with tsc, bundles the offline explorer (scripts/build-explorer.mjs),
// then stamps dist/ so `npm start` (scripts/start.mjs) knows the build is current.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STAMP } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run([`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json']);
run([`${root}scripts/build-explorer.mjs`]);
// Only the stamp's modification time matters; the text says what it is to whoever opens dist/.
writeFileSync(`${root}${STAMP}`, 'npm run build finished; npm start rebuilds when an input is newer.\n');
