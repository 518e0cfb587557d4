/**
 * Reads the import graph of src/: every relative import (static or type-only) of every .ts file,
 * resolved to a path below src/. The architecture tests and `scripts/import-graph.ts` read it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** One import: the importing file and the imported file, both relative to src/. */
export interface ImportEdge {
  from: string;
  to: string;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesBelow(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Returns every relative import between files of src/. */
export function importGraph(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of filesBelow(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/g)) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
      edges.push({ from: relative(SRC, file), to: relative(SRC, target) });
    }
  }
  return edges;
}

/**
 * The module a file belongs to for the architecture rules: a vendor folder (`vendors/<v>`), the
 * contract or the registry, another top folder, or a top-level file.
 */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'vendors') return parts.length > 2 ? `vendors/${parts[1]}` : path;
  return parts.length > 1 ? (parts[0] as string) : path;
}

/** The folders below src/vendors/ (one per vendor). */
export function vendorFolders(): string[] {
  return readdirSync(join(SRC, 'vendors'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
