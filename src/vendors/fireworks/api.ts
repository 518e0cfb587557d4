/**
 * Fireworks access for one GraphQL request: DataLoaders for lookups by name (batched into one
 * list call with an OR filter, matched back by name) and the connections over AIP-158 lists.
 * Everything leaves as a domain object (model.ts). Created per request in the context function,
 * never shared between requests.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { FieldCall } from '../../graphql/cost.js';
import { ErrorCode, notFound, UpstreamError } from '../../errors.js';
import {
  PageLimitError,
  tokenConnection,
  toConnection,
  connectionBinding,
  parseConnectionArgs,
  walkPages,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import type { VendorApiDeps } from '../contract.js';
import { FIREWORKS_MAX_PAGE_SIZE, FireworksClient, type ListPage, type ListParams } from './client.js';
import { and, namePrefixPattern, or, quoteAip160 } from './filter.js';
import {
  toBatchJob,
  toCluster,
  toNodePool,
  type BatchJobModel,
  type ClusterModel,
  type FireworksKind,
  type NodePoolModel,
} from './model.js';
import { parentClusterName, shortId } from './names.js';
import { readMaskFor } from './read-mask.js';

/** How many names one OR-filter lookup carries (keeps the filter well under URL limits). */
export const NAMES_PER_LOOKUP = 50;
/**
 * How many pages a combined child list may walk before falling back to one call per parent (and
 * never more pages than parents: past that the per-parent calls are cheaper).
 */
const MAX_COMBINED_PAGES = 10;

/**
 * The most calls of first pages of Cluster.nodePools: per loader batch of b parents, a combined
 * walk of at most min(b, MAX_COMBINED_PAGES) pages, then one call per parent if it did not end.
 */
export function firstPagesOfParentsCalls({ parents, arrivals }: FieldCall): number {
  return parents + Math.min(parents, MAX_COMBINED_PAGES * arrivals);
}

/**
 * Thrown when a lookup's list, which one page holds, comes back with a next page and objects
 * missing: never walked on.
 */
function lookupOverflow(what: string): GraphQLError {
  return new GraphQLError(
    `Fireworks answered more than one page of ${FIREWORKS_MAX_PAGE_SIZE} for ${what}, which one page ` +
      'holds; Fleetgraph reads one page per lookup. Ask for fewer objects at once.',
    { extensions: { code: ErrorCode.UPSTREAM_ERROR, upstream: 'fireworks' } },
  );
}

/** What the gateway is configured with for Fireworks. */
export interface FireworksSettings {
  /** The account whose resources the graph shows (`FIREWORKS_ACCOUNT_ID`). */
  accountId: string;
}

/** A connection request as resolvers pass it: Relay args plus the compiled filter and order. */
export interface ListRequest {
  args: ConnectionArgs;
  filter: string | undefined;
  orderBy: string;
}

interface Models {
  Cluster: ClusterModel;
  NodePool: NodePoolModel;
  BatchJob: BatchJobModel;
}

export type FireworksApi = ReturnType<typeof createFireworksApi>;

/** Returns the Fireworks loaders and connections of one request. */
export function createFireworksApi({
  session,
  settings,
  selected,
  alwaysSelected,
}: VendorApiDeps<FireworksSettings>) {
  const { accountId } = settings;
  const client = new FireworksClient(session, accountId);
  const mask = (kind: FireworksKind) => readMaskFor(kind, selected(), alwaysSelected[kind] ?? []);

  const lists: { [K in FireworksKind]: (params: ListParams) => Promise<ListPage<Models[K]>> } = {
    Cluster: async (p) => mapPage(await client.listClusters(p), toCluster),
    NodePool: async (p) => mapPage(await client.listNodePools(p), toNodePool),
    BatchJob: async (p) => mapPage(await client.listBatchJobs(p), toBatchJob),
  };

  /**
   * Walks a filtered list to its end at the largest page size, at most `maxPages` calls (the
   * estimate counts them); every item is primed.
   */
  function walkList<K extends FireworksKind>(kind: K, filter: string, maxPages: number) {
    return walkPages<Models[K], string>(async (pageToken) => {
      const page = await lists[kind]({
        pageSize: FIREWORKS_MAX_PAGE_SIZE,
        pageToken,
        filter,
        readMask: mask(kind),
      });
      prime(kind, page.items);
      return { items: page.items, next: page.nextPageToken };
    }, maxPages);
  }

  /** Fetches resources by name with OR filters; resolves name → resource for those that exist. */
  async function lookup<K extends FireworksKind>(
    kind: K,
    names: readonly string[],
  ): Promise<Map<string, Models[K]>> {
    const found = new Map<string, Models[K]>();
    await Promise.all(
      chunks(names, NAMES_PER_LOOKUP).map(async (chunk) => {
        // At most 50 names match at most 50 resources: one page of 200 (the estimate counts one).
        // A next token on that page is ignored once every name is found (AIP-158 lets a vendor
        // send one on a short page); with names missing, it would mean a page cut short.
        const page = await lists[kind]({
          pageSize: FIREWORKS_MAX_PAGE_SIZE,
          filter: or(chunk.map((n) => `name = "${n}"`)),
          readMask: mask(kind),
        });
        prime(kind, page.items);
        for (const item of page.items) found.set(item.name, item);
        if (page.nextPageToken && chunk.some((name) => !found.has(name))) {
          throw lookupOverflow(`${chunk.length} names`);
        }
      }),
    );
    return found;
  }

  function byName<K extends 'NodePool' | 'BatchJob'>(kind: K, label: string) {
    return new DataLoader<string, Models[K]>(async (names) => {
      let found: Map<string, Models[K]>;
      try {
        found = await lookup(kind, names);
      } catch (error) {
        return names.map(() => error as GraphQLError);
      }
      return names.map((n) => found.get(n) ?? notFound(`${label} "${n}" was not found.`, 'fireworks'));
    });
  }

  // A single cluster is cheapest through GetCluster; several go through one ListClusters.
  const clusterByName = new DataLoader<string, ClusterModel>(async (names) => {
    if (names.length > 1) {
      const found = await lookup('Cluster', names).catch((e: unknown) => e as GraphQLError);
      if (!(found instanceof Map)) return names.map(() => found);
      return names.map((n) => found.get(n) ?? notFound(`Cluster "${n}" was not found.`, 'fireworks'));
    }
    const name = names[0] as string;
    try {
      return [toCluster(await client.getCluster(shortId(name), mask('Cluster')))];
    } catch (error) {
      if (error instanceof UpstreamError && error.code === ErrorCode.NOT_FOUND) {
        return [notFound(`Cluster "${name}" was not found.`, 'fireworks')];
      }
      return [error as GraphQLError];
    }
  });

  const nodePoolByName = byName('NodePool', 'Node pool');
  const batchJobByName = byName('BatchJob', 'Batch job');

  // Node pools by (cluster, annotation key, annotation value): one ListNodePools with an OR of
  // the conditions, matched back by the same triple.
  const nodePoolByAnnotation = new DataLoader<string, NodePoolModel | null>(async (keys) => {
    const triples = keys.map((k) => JSON.parse(k) as [cluster: string, key: string, value: string]);
    const conditions = triples.map(
      ([cluster, key, value]) =>
        `(name = ${namePrefixPattern(`${cluster}/nodePools`)}) AND (annotations."${key}" = ${quoteAip160(value, 'annotationValue')})`,
    );
    const annotationKeys = [...new Set(triples.map(([, key]) => key))];
    const found = new Map<string, NodePoolModel>();
    for (const chunk of chunks(conditions, NAMES_PER_LOOKUP)) {
      // One page per chunk (the estimate counts one): more would mean annotation values shared by
      // more than 200 pools of the clusters asked for.
      const pools = await walkList('NodePool', or(chunk), 1).catch((error: unknown) => {
        throw error instanceof PageLimitError ? lookupOverflow(`${chunk.length} annotation values`) : error;
      });
      for (const pool of pools) {
        for (const key of annotationKeys) {
          const value = pool.annotations.find((a) => a.key === key)?.value;
          if (value !== undefined)
            found.set(JSON.stringify([parentClusterName(pool.name), key, value]), pool);
        }
      }
    }
    return keys.map((k) => found.get(k) ?? null);
  });

  const loaders: { [K in FireworksKind]: DataLoader<string, Models[K]> } = {
    Cluster: clusterByName,
    NodePool: nodePoolByName,
    BatchJob: batchJobByName,
  };

  // Every resource a list returns was fetched with the request's readMask for its type, so it can
  // answer later lookups by name: a node pool listed once is never fetched again to be joined.
  function prime<K extends FireworksKind>(kind: K, items: readonly Models[K][]): void {
    for (const item of items) (loaders[kind] as DataLoader<string, Models[K]>).prime(item.name, item);
  }

  /** One AIP-158 connection: validates everything before the first upstream call. */
  async function connection<K extends FireworksKind>(
    kind: K,
    { identity, what }: { identity: string; what: string },
    request: ListRequest,
  ): Promise<ConnectionResult<Models[K]>> {
    let totalSize = 0;
    const page = await tokenConnection<Models[K]>({
      args: request.args,
      what,
      identity,
      shape: { filter: request.filter ?? null, orderBy: request.orderBy },
      maxPageSize: FIREWORKS_MAX_PAGE_SIZE,
      fetchPage: async (pageToken, pageSize) => {
        const upstream = await lists[kind]({
          pageSize,
          pageToken,
          filter: request.filter,
          orderBy: request.orderBy,
          readMask: mask(kind),
        });
        totalSize = upstream.totalSize;
        prime(kind, upstream.items);
        return { items: upstream.items, nextToken: upstream.nextPageToken };
      },
    });
    return { ...page, totalCount: () => totalSize };
  }

  // First pages of Cluster.nodePools for many clusters, with the same arguments, come from one
  // account-level list filtered to all the parents and split by parent. Each parent's cursors are
  // positions in its own list (first page, index k), so they resume its own connection exactly.
  const childPoolsFirstPage = new DataLoader<string, ConnectionResult<NodePoolModel>>(async (keys) => {
    const groups = new Map<string, { parent: string; index: number }[]>();
    keys.forEach((key, index) => {
      const { parent, request } = JSON.parse(key) as { parent: string; request: string };
      const group = groups.get(request) ?? [];
      group.push({ parent, index });
      groups.set(request, group);
    });
    const results: (ConnectionResult<NodePoolModel> | Error)[] = new Array(keys.length);
    await Promise.all(
      [...groups].map(async ([requestKey, members]) => {
        const request = JSON.parse(requestKey) as ListRequest;
        try {
          const pages = await firstPagesOfParents(
            members.map((m) => m.parent),
            request,
          );
          members.forEach((m, i) => (results[m.index] = pages[i] as ConnectionResult<NodePoolModel>));
        } catch (error) {
          for (const m of members) results[m.index] = error as Error;
        }
      }),
    );
    return results;
  });

  async function firstPagesOfParents(
    parents: string[],
    request: ListRequest,
  ): Promise<ConnectionResult<NodePoolModel>[]> {
    const page = parseConnectionArgs(request.args, { backward: false, what: 'Cluster.nodePools' });
    const filter = and([
      or(parents.map((p) => `name = ${namePrefixPattern(`${p}/nodePools`)}`)),
      request.filter,
    ]);
    let pools: NodePoolModel[];
    try {
      pools = await walkPages<NodePoolModel, string>(
        async (pageToken) => {
          const upstream = await lists.NodePool({
            pageSize: FIREWORKS_MAX_PAGE_SIZE,
            pageToken,
            filter,
            orderBy: request.orderBy,
            readMask: mask('NodePool'),
          });
          prime('NodePool', upstream.items);
          return { items: upstream.items, next: upstream.nextPageToken };
        },
        Math.min(MAX_COMBINED_PAGES, parents.length),
      );
    } catch (error) {
      if (!(error instanceof PageLimitError)) throw error;
      return Promise.all(parents.map((parent) => clusterNodePools(parent, request, true)));
    }
    const byParent = new Map<string, NodePoolModel[]>(parents.map((p) => [p, []]));
    for (const pool of pools) byParent.get(parentClusterName(pool.name))?.push(pool);
    return parents.map((parent) => {
      const all = byParent.get(parent) ?? [];
      const binding = connectionBinding(`Cluster.nodePools:${parent}`, {
        filter: childFilter(parent, request.filter) ?? null,
        orderBy: request.orderBy,
      });
      const items = all.slice(0, page.count).map((node, i) => ({ node, position: { t: '', i } }));
      return {
        ...toConnection({ items, hasNextPage: all.length > page.count, hasPreviousPage: false }, binding),
        totalCount: () => all.length,
      };
    });
  }

  function childFilter(parent: string, filter: string | undefined): string | undefined {
    return and([`name = ${namePrefixPattern(`${parent}/nodePools`)}`, filter]);
  }

  /** The node pools of one cluster. */
  function clusterNodePools(
    parent: string,
    request: ListRequest,
    single = false,
  ): Promise<ConnectionResult<NodePoolModel>> {
    if (!single && request.args.after == null && request.args.last == null && request.args.before == null) {
      // Validate before batching so a bad argument fails this field alone, with no upstream call.
      parseConnectionArgs(request.args, { backward: false, what: 'Cluster.nodePools' });
      return childPoolsFirstPage.load(JSON.stringify({ parent, request: JSON.stringify(request) }));
    }
    return connection(
      'NodePool',
      { identity: `Cluster.nodePools:${parent}`, what: 'Cluster.nodePools' },
      { ...request, filter: childFilter(parent, request.filter) },
    );
  }

  return {
    accountId,
    clusterByName,
    nodePoolByName,
    batchJobByName,
    /**
     * The node pool of `cluster` whose annotation `key` has `value`, or null when none has (or
     * the value cannot be a filter value).
     */
    nodePoolByAnnotation({
      cluster,
      key,
      value,
    }: {
      cluster: string;
      key: string;
      value: string;
    }): Promise<NodePoolModel | null> {
      if (value.includes('*') || value.length > 1024) return Promise.resolve(null);
      return nodePoolByAnnotation.load(JSON.stringify([cluster, key, value]));
    },
    /**
     * One list page with every field (no readMask) and no priming: change detection compares
     * whole objects from one poll to the next.
     */
    list: <K extends FireworksKind>(kind: K, params: Omit<ListParams, 'readMask'>) => lists[kind](params),
    /** Query.clusters. */
    clusters: (request: ListRequest) =>
      connection('Cluster', { identity: 'Query.clusters', what: 'clusters' }, request),
    /** Query.nodePools. */
    nodePools: (request: ListRequest) =>
      connection('NodePool', { identity: 'Query.nodePools', what: 'nodePools' }, request),
    /** Query.batchJobs. */
    batchJobs: (request: ListRequest) =>
      connection('BatchJob', { identity: 'Query.batchJobs', what: 'batchJobs' }, request),
    /** Cluster.nodePools. */
    clusterNodePools: (parent: string, request: ListRequest) => clusterNodePools(parent, request),
    /** Cluster.batchJobs: every job under the cluster's name, one list per page. */
    clusterBatchJobs: (cluster: string, request: ListRequest) =>
      connection(
        'BatchJob',
        { identity: `Cluster.batchJobs:${cluster}`, what: 'Cluster.batchJobs' },
        { ...request, filter: and([`name = ${namePrefixPattern(`${cluster}/batchJobs`)}`, request.filter]) },
      ),
    /** NodePool.batchJobs: the jobs naming this pool, within its cluster. */
    nodePoolBatchJobs: (pool: NodePoolModel, request: ListRequest) =>
      connection(
        'BatchJob',
        { identity: `NodePool.batchJobs:${pool.name}`, what: 'NodePool.batchJobs' },
        {
          ...request,
          filter: and([
            `node_pool_id = "${pool.nodePoolId}"`,
            `name = ${namePrefixPattern(`${parentClusterName(pool.name)}/batchJobs`)}`,
            request.filter,
          ]),
        },
      ),
  };
}

function mapPage<W, M>(page: ListPage<W>, map: (wire: W) => M): ListPage<M> {
  return { ...page, items: page.items.map(map) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
