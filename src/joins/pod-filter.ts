/**
 * `PodFilter.cluster`: a condition on the Fireworks cluster id, which Run:ai does not know. The
 * conditions are evaluated here over the configured cluster map, and the clusters they select are
 * sent as Run:ai `clusterId` entries on their UUIDs. Run:ai ANDs its entries and has no OR, so a
 * positive condition can name one cluster (`==`), and negative ones exclude any number (`!=` each).
 */
import { badUserInput } from '../errors.js';
import type { StringMatch } from '../generated/graphql.js';
import { filterValue } from '../vendors/runai/index.js';

type Condition = keyof Omit<StringMatch, '__typename'>;

// Evaluated as Run:ai evaluates its own string operators: case-sensitive, by UTF-16 code unit.
const TESTS: Record<Condition, (actual: string, value: string) => boolean> = {
  equals: (a, v) => a === v,
  notEquals: (a, v) => a !== v,
  contains: (a, v) => a.includes(v),
  notContains: (a, v) => !a.includes(v),
  startsWith: (a, v) => a.startsWith(v),
  endsWith: (a, v) => a.endsWith(v),
  atMost: (a, v) => a <= v,
  atLeast: (a, v) => a >= v,
};
const NEGATIVE: ReadonlySet<Condition> = new Set(['notEquals', 'notContains']);

/**
 * Given the cluster map (Fireworks id → Run:ai UUID) and a match on the cluster id, returns the
 * filterBy entries that select the matching clusters' pods, or null when no mapped cluster
 * matches (no pod can). Throws BAD_USER_INPUT when positive conditions select several clusters.
 */
export function clusterScope(map: Readonly<Record<string, string>>, match: StringMatch): string[] | null {
  const conditions = (Object.keys(TESTS) as Condition[]).flatMap((condition) => {
    const value = match[condition];
    return value == null ? [] : [{ condition, value: filterValue(value, `cluster.${condition}`) }];
  });
  if (conditions.length === 0) return [];
  const ids = Object.keys(map).sort();
  const selected = ids.filter((id) =>
    conditions.every(({ condition, value }) => TESTS[condition](id, value)),
  );
  if (conditions.every(({ condition }) => NEGATIVE.has(condition))) {
    return ids.filter((id) => !selected.includes(id)).map((id) => `clusterId!=${map[id]}`);
  }
  if (selected.length === 0) return null;
  if (selected.length === 1) return [`clusterId==${map[selected[0] as string]}`];
  throw badUserInput(
    `filter.cluster matches ${selected.length} clusters (${selected.join(', ')}); Run:ai cannot OR cluster conditions, ` +
      'so narrow it to one cluster (e.g. `equals`) or exclude the others with `notEquals`/`notContains`.',
    { argument: 'filter.cluster' },
  );
}
