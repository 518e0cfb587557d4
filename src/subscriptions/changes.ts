/**
 * What a subscription reports: how an object changed between two polls, named as the graph names
 * it. Vendors detect changes (their `liveSources` in the vendor contract) and emit domain objects,
 * so `changedFields` holds GraphQL field paths of the node (`state`, `stats.nodeCount`,
 * `status.phase`), sorted and without duplicates.
 */

/** How an object changed between two polls. */
export type ChangeKind = 'ADDED' | 'CHANGED' | 'REMOVED';

/** One change, with the object as the graph models it (a vendor's domain object). */
export interface Change {
  kind: ChangeKind;
  node: object;
  changedFields: string[];
}

/** Finds the changes of one filtered collection, poll after poll, through `source` (the vendor's API). */
export interface ChangeDetector<Source> {
  /** Reads the baseline on the first call (returning no change), the changes since on later ones. */
  poll(source: Source): Promise<Change[]>;
}

/**
 * Given two versions of a domain object, returns the GraphQL paths of the fields that differ;
 * fields named in `nested` (plain sub-objects such as a node pool's `stats`) are compared one level
 * down (`stats.nodeCount`), anything else whole.
 */
export function changedFields(
  before: object,
  after: object,
  nested: ReadonlySet<string> = new Set(),
): string[] {
  const out = new Set<string>();
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[key], b[key])) continue;
    const x = a[key];
    const y = b[key];
    if (!nested.has(key) || !isObject(x) || !isObject(y)) {
      out.add(key);
      continue;
    }
    for (const sub of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (sub !== '__typename' && !same(x[sub], y[sub])) out.add(`${key}.${sub}`);
    }
  }
  return [...out].sort();
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
