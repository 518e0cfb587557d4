// What `npm run build` reads, and whether dist/ is newer than all of it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The stamp `npm run build` writes last; its time is the build's. */
export const STAMP = 'dist/.build-stamp';

const FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
  'scripts/build.mjs',
  'scripts/build-inputs.mjs',
  'scripts/build-explorer.mjs',
];
const DIRS = ['src'];

/** Returns the paths of every input of the build under `root`. */
export function buildInputs(root) {
  const out = FILES.map((f) => join(root, f)).filter((f) => existsSync(f));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  for (const dir of DIRS) walk(join(root, dir));
  return out;
}

/** Returns the first input newer than the last build (or the stamp itself when there is none). */
export function staleInput(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return STAMP;
  const built = statSync(stamp).mtimeMs;
  return buildInputs(root).find((path) => statSync(path).mtimeMs > built);
}
