/**
 * Filters Run:ai cannot apply (a pod's phase) and orders it cannot sort by (GPUs), applied by the gateway while it reads list_pods
 * pages of 500 in the upstream order, within a scan budget of POD_SCAN_BUDGET pods per connection
 * field. Pages stay exact (one more match is looked for to know `hasNextPage`) and cursors
 * stateless: a cursor holds the upstream offset of its pod, so the next page resumes the scan
 * right after it. Past the budget the field fails with SCAN_BUDGET_EXCEEDED, naming the budget
 * and the filters that narrow the scan upstream.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors.js';
import type { OffsetPosition, Page } from '../../pagination/connection.js';
import { RUNAI_MAX_LIMIT } from './client.js';

/** The most pods one connection field reads upstream to apply a gateway-side filter. */
export const POD_SCAN_BUDGET = 2000;

/** The list_pods calls a scan may make: the budget in pages of RUNAI_MAX_LIMIT. */
export const POD_SCAN_CALLS = Math.ceil(POD_SCAN_BUDGET / RUNAI_MAX_LIMIT);

/**
 * The error of a scan that would read more than the budget; `argument` is what made the gateway
 * scan (`filter.phases`, `orderBy.field`).
 */
export function scanBudgetExceeded(what: string, argument: string): GraphQLError {
  const why =
    argument === 'orderBy.field'
      ? 'Run:ai cannot sort pods by GPUs, so the gateway reads every pod the filter selects and sorts them; it'
      : `${argument} is applied by the gateway, which`;
  return new GraphQLError(
    `${what}: ${why} reads at most ${POD_SCAN_BUDGET} pods ` +
      `(${POD_SCAN_CALLS} list_pods calls of ${RUNAI_MAX_LIMIT}) per field, and more match the other conditions. ` +
      'Narrow the query with filters Run:ai applies itself (cluster, nodePool, workload, createdAt, completed, …)' +
      (argument === 'orderBy.field' ? '.' : ' or page on from an earlier cursor.'),
    {
      extensions: {
        code: ErrorCode.SCAN_BUDGET_EXCEEDED,
        scanBudget: POD_SCAN_BUDGET,
        argument,
      },
    },
  );
}

/** A window of the upstream list: the items from `offset`, and whether the list ends there. */
export type FetchWindow<T> = (offset: number) => Promise<{ items: T[]; end: boolean }>;

/**
 * Returns the forward page of `count` matching items after the upstream offset `after` (none:
 * from the start), reading windows of the upstream list until count + 1 matches are found, the
 * list ends, or the budget is spent (then throws the budget error).
 */
export async function scanPage<T>(options: {
  fetch: FetchWindow<T>;
  matches: (item: T) => boolean;
  count: number;
  after?: OffsetPosition | undefined;
  budgetError: () => GraphQLError;
}): Promise<Page<T, OffsetPosition>> {
  const start = options.after ? options.after.o + 1 : 0;
  const found: { node: T; position: OffsetPosition }[] = [];
  let offset = start;
  let read = 0;
  // Pods read and calls made: a short window (fewer than asked, not the end) costs a call too.
  for (let calls = 0; ; calls++) {
    if (read >= POD_SCAN_BUDGET || calls >= POD_SCAN_CALLS) throw options.budgetError();
    const window = await options.fetch(offset);
    for (const [i, item] of window.items.entries()) {
      if (options.matches(item)) found.push({ node: item, position: { o: offset + i } });
      if (found.length > options.count) break;
    }
    read += window.items.length;
    offset += window.items.length;
    if (found.length > options.count || window.end || window.items.length === 0) break;
  }
  return {
    items: found.slice(0, options.count),
    hasNextPage: found.length > options.count,
    hasPreviousPage: start > 0,
  };
}

/** Returns how many items of the whole upstream list match, within the budget. */
export async function scanCount<T>(options: {
  fetch: FetchWindow<T>;
  matches: (item: T) => boolean;
  budgetError: () => GraphQLError;
}): Promise<number> {
  let offset = 0;
  let total = 0;
  for (let calls = 0; ; calls++) {
    if (offset >= POD_SCAN_BUDGET || calls >= POD_SCAN_CALLS) throw options.budgetError();
    const window = await options.fetch(offset);
    total += window.items.filter(options.matches).length;
    offset += window.items.length;
    if (window.end || window.items.length === 0) return total;
  }
}
