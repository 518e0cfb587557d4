/**
 * Prints which modules of src/ import which (a vendor folder counts as one module), the map
 * docs/architecture.md describes: `npx tsx scripts/import-graph.ts`.
 */
import { importGraph, moduleOf } from '../test/helpers/imports.js';

const graph = new Map<string, Set<string>>();
for (const { from, to } of importGraph()) {
  const [a, b] = [moduleOf(from), moduleOf(to)];
  if (a === b) continue;
  if (!graph.has(a)) graph.set(a, new Set());
  graph.get(a)?.add(b);
}
for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${from} → ${[...targets].sort().join(', ')}`);
}
