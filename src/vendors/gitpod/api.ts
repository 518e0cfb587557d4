/**
 * Gitpod access for one GraphQL request: the warm pool connection over Connect page tokens, and
 * warm pools by global ID, batched into one filtered list. Everything leaves as a domain object
 * (model.ts). Created per request.
 *
 * Gitpod has no count: `totalCount` walks the filtered list at the largest page size, only when
 * selected (documented on the field and in the README).
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { badUserInput, endlessList, ErrorCode } from '../../errors.js';
import {
  PageLimitError,
  tokenConnection,
  walkPages,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import { isUuid } from '../../values.js';
import type { VendorApiDeps } from '../contract.js';
import { GITPOD_MAX_PAGE_SIZE, GitpodClient, type GitpodWarmPoolFilter } from './client.js';
import { toWarmPool, type WarmPoolKey, type WarmPoolModel } from './model.js';
import { planWarmPoolLookup } from './lookup.js';
import { scannedWarmPools } from './scan.js';

/**
 * Gitpod has no count, so `totalCount` walks the list: at most this many pages of 100 (the cost
 * estimate counts them), past which the count is refused rather than left to grow with the fleet.
 */
export const MAX_WARM_POOL_COUNT_PAGES = 10;

/** Given a WarmPoolFilter input, returns the Gitpod filter, or throws BAD_USER_INPUT. */
export function compileWarmPoolFilter(
  filter:
    | { projectIds?: readonly string[] | null; environmentClassIds?: readonly string[] | null }
    | null
    | undefined,
): GitpodWarmPoolFilter | undefined {
  if (!filter) return undefined;
  const out: GitpodWarmPoolFilter = {};
  for (const key of ['projectIds', 'environmentClassIds'] as const) {
    const values = filter[key];
    if (!values || values.length === 0) continue;
    if (values.length > 100)
      throw badUserInput(`filter.${key} takes at most 100 IDs.`, { argument: `filter.${key}` });
    for (const v of values) {
      if (!isUuid(v))
        throw badUserInput(`filter.${key} must hold UUIDs, got "${v.slice(0, 80)}".`, {
          argument: `filter.${key}`,
        });
    }
    out[key] = [...new Set(values.map((v) => v.toLowerCase()))].sort();
  }
  return Object.keys(out).length ? out : undefined;
}

export type GitpodApi = ReturnType<typeof createGitpodApi>;

/** Returns the Gitpod loaders and connections of one request. */
export function createGitpodApi({ session }: VendorApiDeps<unknown>) {
  const client = new GitpodClient(session);

  /** Every warm pool the filter matches, one call per 100, at most `maxPages` calls. */
  async function walk(filter: GitpodWarmPoolFilter | undefined, maxPages: number): Promise<WarmPoolModel[]> {
    try {
      const pools = await walkPages(async (token: string | undefined) => {
        const page = await client.listWarmPools({ token, pageSize: GITPOD_MAX_PAGE_SIZE, filter });
        return { items: page.warmPools, next: page.nextToken };
      }, maxPages);
      return pools.map(toWarmPool);
    } catch (error) {
      if (!(error instanceof PageLimitError)) throw error;
      throw badUserInput(
        `Gitpod has no count, and Fleetgraph counts at most ${maxPages * GITPOD_MAX_PAGE_SIZE} warm pools ` +
          '(one call per 100): this filter matches more. Narrow filter.projectIds or ' +
          'filter.environmentClassIds, or leave totalCount out.',
        { argument: 'totalCount' },
      );
    }
  }

  // Warm pools by key: the cheapest filtered walks over the projects and classes asked for
  // (lookup.ts), each stopped at the pages one pool per project and class can fill; matched by id.
  const warmPoolByKey = new DataLoader<string, WarmPoolModel | null>(async (keys) => {
    const parsed = keys.map((k) => JSON.parse(k) as WarmPoolKey);
    const walks = planWarmPoolLookup(parsed);
    const lists = await Promise.all(
      walks.map(({ filter, maxPages }) =>
        walkPages(async (token: string | undefined) => {
          const page = await client.listWarmPools({ token, pageSize: GITPOD_MAX_PAGE_SIZE, filter });
          return { items: page.warmPools, next: page.nextToken };
        }, maxPages).catch((error: unknown) => {
          if (!(error instanceof PageLimitError)) throw error;
          throw new GraphQLError(
            `Gitpod listed more than ${maxPages * GITPOD_MAX_PAGE_SIZE} warm pools for ` +
              `${filter.projectIds?.length ?? 0} projects and ${filter.environmentClassIds?.length ?? 0} ` +
              'environment classes, more than its one warm pool per project and class allows.',
            { extensions: { code: ErrorCode.UPSTREAM_ERROR, upstream: 'gitpod' } },
          );
        }),
      ),
    );
    const byId = new Map(lists.flat().map((p) => [p.id, toWarmPool(p)]));
    return parsed.map((k) => byId.get(k.id) ?? null);
  });

  return {
    /** Query.warmPools. */
    async warmPools(
      args: ConnectionArgs,
      filter: GitpodWarmPoolFilter | undefined,
      phases?: ReadonlySet<string>,
    ): Promise<ConnectionResult<WarmPoolModel>> {
      if (phases) {
        return scannedWarmPools({
          args,
          shape: filter ?? null,
          phases,
          fetch: async (token) => {
            const upstream = await client.listWarmPools({ token, pageSize: GITPOD_MAX_PAGE_SIZE, filter });
            return { items: upstream.warmPools.map(toWarmPool), nextToken: upstream.nextToken };
          },
        });
      }
      // When the first page already holds the whole list, its length is the count: no walk needed.
      let wholeList: number | undefined;
      const page = await tokenConnection({
        args,
        what: 'warmPools',
        identity: 'Query.warmPools',
        shape: filter ?? null,
        orderable: false,
        maxPageSize: GITPOD_MAX_PAGE_SIZE,
        fetchPage: async (token, pageSize) => {
          const upstream = await client.listWarmPools({ token, pageSize, filter });
          if (token === undefined && upstream.nextToken === undefined) wholeList = upstream.warmPools.length;
          return { items: upstream.warmPools.map(toWarmPool), nextToken: upstream.nextToken };
        },
      });
      let total: Promise<number> | undefined;
      return {
        ...page,
        totalCount: () =>
          wholeList ?? (total ??= walk(filter, MAX_WARM_POOL_COUNT_PAGES).then((all) => all.length)),
      };
    },
    /**
     * Every warm pool a filter matches, 100 a page, at most `maxPages` pages; `checkCount` sees the
     * running total after each page (a subscription refuses lists past its bound).
     */
    async allWarmPools(
      filter: GitpodWarmPoolFilter | undefined,
      checkCount: (count: number) => void,
      maxPages: number,
    ): Promise<WarmPoolModel[]> {
      let count = 0;
      const pools = await walkPages(async (token: string | undefined) => {
        const page = await client.listWarmPools({ token, pageSize: GITPOD_MAX_PAGE_SIZE, filter });
        checkCount((count += page.warmPools.length));
        return { items: page.warmPools, next: page.nextToken };
      }, maxPages).catch((error: unknown) => {
        throw error instanceof PageLimitError ? endlessList('Gitpod', maxPages) : error;
      });
      return pools.map(toWarmPool);
    },
    /** A warm pool by the key of its global ID, or null when it no longer exists. */
    warmPool(key: WarmPoolKey): Promise<WarmPoolModel | null> {
      if (![key.id, key.projectId, key.environmentClassId].every(isUuid)) return Promise.resolve(null);
      return warmPoolByKey.load(JSON.stringify(key));
    },
  };
}
