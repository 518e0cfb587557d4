/**
 * `npm start` builds only when the build is stale: no stamp yet, or an input newer than the stamp
 * (an edit, a git pull, a new lockfile). Files outside the inputs (schema/, read at run time;
 * README) do not trigger a build.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAMP, staleInput } from '../../scripts/build-inputs.mjs';

let root: string;
const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
const write = (path: string, seconds: number) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), 'x');
  at(path, seconds);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fleetgraph-stamp-'));
  write('src/main.ts', 1_000);
  write('src/explorer/index.ts', 1_000);
  write('tsconfig.json', 1_000);
  write('package-lock.json', 1_000);
  write('schema/pods.graphql', 1_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('staleInput', () => {
  it('is the stamp itself before the first build', () => {
    expect(staleInput(root)).toBe(STAMP);
  });

  it('is nothing when every input is older than the stamp', () => {
    write(STAMP, 2_000);
    write('schema/pods.graphql', 3_000);
    write('README.md', 3_000);
    expect(staleInput(root)).toBeUndefined();
  });

  it.each(['src/explorer/index.ts', 'tsconfig.json', 'package-lock.json'])(
    'is %s once it is newer',
    (path) => {
      write(STAMP, 2_000);
      at(path, 3_000);
      expect(staleInput(root)).toBe(join(root, path));
    },
  );
});
