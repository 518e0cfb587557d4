/**
 * What changed between two versions of an object, named as the graph names it: `changedFields`
 * holds GraphQL field paths of the node (`state`, `stats.nodeCount`, `status.phase`), not the
 * vendor's wire names (`nodePoolStats.nodeCount`, `k8sPhase`), sorted and without duplicates.
 */

/** The node types a subscription emits. */
export type LiveType = 'BatchJob' | 'NodePool' | 'Pod' | 'WarmPool';

/** Wire sub-objects compared field by field (one level down); anything else compares whole. */
const NESTED: Record<LiveType, ReadonlySet<string>> = {
  BatchJob: new Set(),
  NodePool: new Set(['nodePoolStats', 'status', 'eksNodePool', 'fakeNodePool']),
  Pod: new Set(),
  WarmPool: new Set(['metadata', 'spec', 'status']),
};

/** Wire path (top-level key, or `key.sub`) → GraphQL path, where the names differ. */
const RENAMES: Record<LiveType, Readonly<Record<string, string>>> = {
  BatchJob: {
    pythonExecutor: 'executor',
    notebookExecutor: 'executor',
    shellExecutor: 'executor',
  },
  NodePool: {
    nodePoolStats: 'stats',
    'nodePoolStats.batchJobCount': 'stats.batchJobCounts',
    eksNodePool: 'backend',
    fakeNodePool: 'backend',
  },
  Pod: {
    id: 'podId',
    clusterId: 'clusterUuid',
    k8sPhase: 'phase',
    k8sPhaseUpdatedAt: 'phaseUpdatedAt',
    currentNodePool: 'currentNodePoolId',
    requestedNodePools: 'requestedNodePoolIds',
  },
  WarmPool: { id: 'warmPoolId', metadata: '' },
};

/** Given two versions of a wire object, returns the GraphQL paths of the fields that differ. */
export function changedFields(type: LiveType, before: object, after: object): string[] {
  const out = new Set<string>();
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[key], b[key])) continue;
    const nested = NESTED[type].has(key) && isObject(a[key]) && isObject(b[key]);
    if (!nested) {
      out.add(rename(type, key));
      continue;
    }
    const x = a[key] as Record<string, unknown>;
    const y = b[key] as Record<string, unknown>;
    for (const sub of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (!same(x[sub], y[sub])) out.add(rename(type, `${key}.${sub}`));
    }
  }
  return [...out].sort();
}

function rename(type: LiveType, wirePath: string): string {
  const renames = RENAMES[type];
  if (renames[wirePath] !== undefined) return renames[wirePath] as string;
  const dot = wirePath.indexOf('.');
  if (dot < 0) return wirePath;
  const head = renames[wirePath.slice(0, dot)] ?? wirePath.slice(0, dot);
  const tail = wirePath.slice(dot + 1);
  return head === '' ? tail : `${head}.${tail}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(x: unknown, y: unknown): boolean {
  return x === y || stableJson(x) === stableJson(y);
}

/** JSON with object keys sorted, so two equal values always give the same text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
