/**
 * `WarmPoolFilter.phases`, applied by the gateway: Gitpod cannot filter on phase, so the gateway
 * reads ListWarmPools pages of 100 in Gitpod's order and keeps the matching pools, reading at
 * most WARM_POOL_SCAN_BUDGET pools per field. A cursor holds the page token its pool came in and
 * the pool's index in that page, so the next page re-reads that one upstream page and resumes
 * after it: cursors stay stateless and pages exact. Past the budget: SCAN_BUDGET_EXCEEDED.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors.js';
import {
  connectionBinding,
  decodeCursor,
  parseConnectionArgs,
  toConnection,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import { GITPOD_MAX_PAGE_SIZE } from './client.js';
import type { WarmPoolModel } from './model.js';

/** The most warm pools one field reads upstream to apply the phase filter. */
export const WARM_POOL_SCAN_BUDGET = 1000;

/** The ListWarmPools calls a scan may make. */
export const WARM_POOL_SCAN_CALLS = Math.ceil(WARM_POOL_SCAN_BUDGET / GITPOD_MAX_PAGE_SIZE);

/** Where a pool sits upstream: the token of its page ('' = the first) and its index there. */
interface ScanPosition {
  t: string;
  i: number;
}

function isScanPosition(value: unknown): value is ScanPosition {
  const v = value as ScanPosition | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.t === 'string' &&
    v.t.length <= 2048 &&
    Number.isInteger(v.i) &&
    v.i >= 0 &&
    v.i < GITPOD_MAX_PAGE_SIZE
  );
}

function budgetError(): GraphQLError {
  return new GraphQLError(
    `warmPools: filter.phases is applied by the gateway, which reads at most ${WARM_POOL_SCAN_BUDGET} warm pools ` +
      `(${WARM_POOL_SCAN_CALLS} ListWarmPools calls of ${GITPOD_MAX_PAGE_SIZE}) per field, and more match the other conditions. ` +
      'Narrow the query with filter.projectIds or filter.environmentClassIds (Gitpod applies them), ' +
      'or page on from an earlier cursor.',
    {
      extensions: {
        code: ErrorCode.SCAN_BUDGET_EXCEEDED,
        scanBudget: WARM_POOL_SCAN_BUDGET,
        argument: 'filter.phases',
      },
    },
  );
}

/** One upstream page of the filtered list. */
export type FetchWarmPools = (
  token: string | undefined,
) => Promise<{ items: WarmPoolModel[]; nextToken?: string | undefined }>;

/** Returns the warm pool connection with the phase filter applied by a budgeted scan. */
export async function scannedWarmPools(options: {
  args: ConnectionArgs;
  shape: unknown;
  phases: ReadonlySet<string>;
  fetch: FetchWarmPools;
}): Promise<ConnectionResult<WarmPoolModel>> {
  const page = parseConnectionArgs(options.args, { backward: false, what: 'warmPools', orderable: false });
  const binding = connectionBinding('Query.warmPools', {
    filter: options.shape,
    phases: [...options.phases],
  });
  const after =
    page.direction === 'forward' && page.after !== undefined
      ? decodeCursor(page.after, binding, isScanPosition, 'after')
      : undefined;
  const matches = (pool: WarmPoolModel) => options.phases.has(pool.status?.phase ?? 'UNSPECIFIED');
  const count = page.count;
  const found: { node: WarmPoolModel; position: ScanPosition }[] = [];
  let token = after?.t;
  let skip = after ? after.i + 1 : 0;
  let read = 0;
  // Pools read and calls made: a short page (fewer than 100, not the last) costs a call too.
  for (let calls = 0; ; calls++) {
    if (read >= WARM_POOL_SCAN_BUDGET || calls >= WARM_POOL_SCAN_CALLS) throw budgetError();
    const upstream = await options.fetch(token || undefined);
    read += upstream.items.length;
    for (const [i, pool] of upstream.items.entries()) {
      if (i < skip || !matches(pool)) continue;
      found.push({ node: pool, position: { t: token ?? '', i } });
      if (found.length > count) break;
    }
    skip = 0;
    if (found.length > count || !upstream.nextToken || upstream.items.length === 0) break;
    token = upstream.nextToken;
  }
  const connection = toConnection(
    { items: found.slice(0, count), hasNextPage: found.length > count, hasPreviousPage: after !== undefined },
    binding,
  );
  return {
    ...connection,
    totalCount: async () => {
      let total = 0;
      let next: string | undefined;
      for (let read = 0, calls = 0; ; calls++) {
        if (read >= WARM_POOL_SCAN_BUDGET || calls >= WARM_POOL_SCAN_CALLS) throw budgetError();
        const upstream = await options.fetch(next);
        read += upstream.items.length;
        total += upstream.items.filter(matches).length;
        if (!upstream.nextToken || upstream.items.length === 0) return total;
        next = upstream.nextToken;
      }
    },
  };
}
