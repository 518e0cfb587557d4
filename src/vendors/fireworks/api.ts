/**
 * Fireworks access for one GraphQL request: DataLoaders for lookups by name (batched into one
 * list call with an OR filter, matched back by name) and the connections over AIP-158 lists.
 * Created per request in the context function, never shared between requests.
 */
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { ErrorCode, notFound, UpstreamError } from '../../errors.js';
import type { SelectedFields } from '../../graphql/selection.js';
import type { NodePoolKey } from '../../config.js';
import {
  connectionBinding,
  decodeCursor,
  isTokenPosition,
  paginateByToken,
  parseConnectionArgs,
  toConnection,
  type ConnectionArgs,
  type ConnectionResult,
} from '../../pagination/connection.js';
import type { UpstreamSession } from '../../upstream/http.js';
import {
  FIREWORKS_MAX_PAGE_SIZE,
  FireworksClient,
  type FireworksBatchJob,
  type FireworksCluster,
  type FireworksNodePool,
  type ListPage,
  type ListParams,
} from './client.js';
import { and, namePrefixPattern, or, quoteAip160 } from './filter.js';
import { isResourceId, parentClusterName, shortId } from './names.js';
import { readMaskFor } from './read-mask.js';

/** How many names one OR-filter lookup carries (keeps the filter well under URL limits). */
const NAMES_PER_LOOKUP = 50;
/** How many pages a combined child list may walk before falling back to one call per parent. */
const MAX_COMBINED_PAGES = 10;

type Kind = 'Cluster' | 'NodePool' | 'BatchJob';

/** A connection request as resolvers pass it: Relay args plus the compiled filter and order. */
export interface ListRequest {
  args: ConnectionArgs;
  filter: string | undefined;
  orderBy: string;
}

export type FireworksApi = ReturnType<typeof createFireworksApi>;

/** Returns the Fireworks loaders and connections of one request. */
export function createFireworksApi(
  session: UpstreamSession,
  accountId: string,
  selected: () => SelectedFields,
  nodePoolKey: NodePoolKey = { kind: 'id' },
) {
  const client = new FireworksClient(session, accountId);
  // When an annotation names node pools on Run:ai, every node pool carries it: joins read it.
  const poolExtras = nodePoolKey.kind === 'annotation' ? ['annotations'] : [];
  const mask = (kind: Kind) => readMaskFor(kind, selected(), kind === 'NodePool' ? poolExtras : []);

  const lists: Record<Kind, (params: ListParams) => Promise<ListPage<{ name: string }>>> = {
    Cluster: (p) => client.listClusters(p),
    NodePool: (p) => client.listNodePools(p),
    BatchJob: (p) => client.listBatchJobs(p),
  };

  /** Fetches resources by name with OR filters; resolves name → resource for those that exist. */
  async function lookup<T extends { name: string }>(
    kind: Kind,
    names: readonly string[],
  ): Promise<Map<string, T>> {
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += NAMES_PER_LOOKUP)
      chunks.push(names.slice(i, i + NAMES_PER_LOOKUP));
    const found = new Map<string, T>();
    await Promise.all(
      chunks.map(async (chunk) => {
        const filter = or(chunk.map((n) => `name = "${n}"`));
        let pageToken: string | undefined;
        do {
          const page = await lists[kind]({
            pageSize: FIREWORKS_MAX_PAGE_SIZE,
            pageToken,
            filter,
            readMask: mask(kind),
          });
          for (const item of page.items) found.set(item.name, item as T);
          pageToken = page.nextPageToken;
        } while (pageToken);
      }),
    );
    return found;
  }

  function byName<T extends { name: string }>(kind: Kind, label: string) {
    return new DataLoader<string, T>(async (names) => {
      let found: Map<string, T>;
      try {
        found = await lookup<T>(kind, names);
      } catch (error) {
        return names.map(() => error as GraphQLError);
      }
      return names.map((n) => found.get(n) ?? notFound(`${label} "${n}" was not found.`, 'fireworks'));
    });
  }

  // A single cluster is cheapest through GetCluster; several go through one ListClusters.
  const clusterByName = new DataLoader<string, FireworksCluster>(async (names) => {
    if (names.length > 1) {
      const found = await lookup<FireworksCluster>('Cluster', names).catch((e: unknown) => e as GraphQLError);
      if (!(found instanceof Map)) return names.map(() => found);
      return names.map((n) => found.get(n) ?? notFound(`Cluster "${n}" was not found.`, 'fireworks'));
    }
    const name = names[0] as string;
    try {
      return [await client.getCluster(name.slice(name.lastIndexOf('/') + 1), mask('Cluster'))];
    } catch (error) {
      if (error instanceof UpstreamError && error.code === ErrorCode.NOT_FOUND) {
        return [notFound(`Cluster "${name}" was not found.`, 'fireworks')];
      }
      return [error as GraphQLError];
    }
  });

  const nodePoolByName = byName<FireworksNodePool>('NodePool', 'Node pool');
  const batchJobByName = byName<FireworksBatchJob>('BatchJob', 'Batch job');

  // Node pools by their Run:ai name when an annotation carries it (RUNAI_NODE_POOL_KEY): one
  // ListNodePools with an OR of (cluster, annotation value) pairs, matched back by that pair.
  const nodePoolByRunaiName = new DataLoader<string, FireworksNodePool | null>(async (keys) => {
    if (nodePoolKey.kind !== 'annotation') return keys.map(() => null);
    const annotation = nodePoolKey.key;
    const pairs = keys.map((k) => JSON.parse(k) as [cluster: string, value: string]);
    const conditions = pairs.map(
      ([cluster, value]) =>
        `(name = ${namePrefixPattern(`${cluster}/nodePools`)}) AND (annotations."${annotation}" = ${quoteAip160(value, 'runaiNodePool')})`,
    );
    const found = new Map<string, FireworksNodePool>();
    for (let i = 0; i < conditions.length; i += NAMES_PER_LOOKUP) {
      let pageToken: string | undefined;
      do {
        const page = await client.listNodePools({
          pageSize: FIREWORKS_MAX_PAGE_SIZE,
          pageToken,
          filter: or(conditions.slice(i, i + NAMES_PER_LOOKUP)),
          readMask: mask('NodePool'),
        });
        prime('NodePool', page.items);
        for (const pool of page.items) {
          const value = pool.annotations?.[annotation];
          if (value !== undefined) found.set(JSON.stringify([parentClusterName(pool.name), value]), pool);
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return keys.map((k) => found.get(k) ?? null);
  });
  const loaders: Record<Kind, DataLoader<string, { name: string }>> = {
    Cluster: clusterByName,
    NodePool: nodePoolByName,
    BatchJob: batchJobByName,
  };

  // Every resource a list returns was fetched with the request's readMask for its type, so it can
  // answer later lookups by name: a node pool listed once is never fetched again to be joined.
  function prime(kind: Kind, items: readonly { name: string }[]): void {
    for (const item of items) loaders[kind].prime(item.name, item);
  }

  /** One AIP-158 connection: validates everything before the first upstream call. */
  async function connection<T extends { name: string }>(
    kind: Kind,
    identity: string,
    request: ListRequest,
    what: string,
  ): Promise<ConnectionResult<T>> {
    const page = parseConnectionArgs(request.args, { backward: false, what });
    if (page.direction !== 'forward') throw new Error('unreachable: backward paging is refused above');
    const binding = connectionBinding(identity, { filter: request.filter ?? null, orderBy: request.orderBy });
    const after =
      page.after !== undefined ? decodeCursor(page.after, binding, isTokenPosition, 'after') : undefined;
    let totalSize = 0;
    const result = await paginateByToken<T>(
      async (pageToken, pageSize) => {
        const upstream = await lists[kind]({
          pageSize,
          pageToken,
          filter: request.filter,
          orderBy: request.orderBy,
          readMask: mask(kind),
        });
        totalSize = upstream.totalSize;
        prime(kind, upstream.items);
        return { items: upstream.items as T[], nextToken: upstream.nextPageToken };
      },
      { count: page.count, ...(after ? { after } : {}), maxPageSize: FIREWORKS_MAX_PAGE_SIZE },
    );
    return { ...toConnection(result, binding), totalCount: () => totalSize };
  }

  // First pages of Cluster.nodePools for many clusters, with the same arguments, come from one
  // account-level list filtered to all the parents and split by parent. Each parent's cursors are
  // positions in its own list (first page, index k), so they resume its own connection exactly.
  const childPoolsFirstPage = new DataLoader<string, ConnectionResult<FireworksNodePool>>(async (keys) => {
    const groups = new Map<string, { parent: string; index: number }[]>();
    keys.forEach((key, index) => {
      const { parent, request } = JSON.parse(key) as { parent: string; request: string };
      const group = groups.get(request) ?? [];
      group.push({ parent, index });
      groups.set(request, group);
    });
    const results: (ConnectionResult<FireworksNodePool> | Error)[] = new Array(keys.length);
    await Promise.all(
      [...groups].map(async ([requestKey, members]) => {
        const request = JSON.parse(requestKey) as ListRequest;
        try {
          const pages = await firstPagesOfParents(
            members.map((m) => m.parent),
            request,
          );
          members.forEach((m, i) => (results[m.index] = pages[i] as ConnectionResult<FireworksNodePool>));
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
  ): Promise<ConnectionResult<FireworksNodePool>[]> {
    const page = parseConnectionArgs(request.args, { backward: false, what: 'Cluster.nodePools' });
    const filter = and([
      or(parents.map((p) => `name = ${namePrefixPattern(`${p}/nodePools`)}`)),
      request.filter,
    ]);
    const byParent = new Map<string, FireworksNodePool[]>(parents.map((p) => [p, []]));
    let pageToken: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_COMBINED_PAGES) {
        return Promise.all(parents.map((parent) => clusterNodePools(parent, request, true)));
      }
      const upstream = await client.listNodePools({
        pageSize: FIREWORKS_MAX_PAGE_SIZE,
        pageToken,
        filter,
        orderBy: request.orderBy,
        readMask: mask('NodePool'),
      });
      prime('NodePool', upstream.items);
      for (const pool of upstream.items) byParent.get(parentClusterName(pool.name))?.push(pool);
      pageToken = upstream.nextPageToken;
    } while (pageToken);
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
  ): Promise<ConnectionResult<FireworksNodePool>> {
    if (!single && request.args.after == null && request.args.last == null && request.args.before == null) {
      // Validate before batching so a bad argument fails this field alone, with no upstream call.
      parseConnectionArgs(request.args, { backward: false, what: 'Cluster.nodePools' });
      return childPoolsFirstPage.load(JSON.stringify({ parent, request: JSON.stringify(request) }));
    }
    return connection<FireworksNodePool>(
      'NodePool',
      `Cluster.nodePools:${parent}`,
      { ...request, filter: childFilter(parent, request.filter) },
      'Cluster.nodePools',
    );
  }

  return {
    accountId,
    clusterByName,
    nodePoolByName,
    /**
     * The node pool a Run:ai pod names, in the cluster the pod runs on: by short id, or by the
     * configured annotation; null when none carries that name (or the name cannot be a filter value).
     */
    nodePoolOnRunai(cluster: string, runaiName: string): Promise<FireworksNodePool | null> {
      if (nodePoolKey.kind === 'id') {
        return isResourceId(runaiName)
          ? nodePoolByName.load(`${cluster}/nodePools/${runaiName}`)
          : Promise.resolve(null);
      }
      if (runaiName.includes('*') || runaiName.length > 1024) return Promise.resolve(null);
      return nodePoolByRunaiName.load(JSON.stringify([cluster, runaiName]));
    },
    /** How a node pool is named on Run:ai (its short id, or its annotation); undefined when it is not. */
    runaiNameOf(pool: FireworksNodePool): string | undefined {
      return nodePoolKey.kind === 'id' ? shortId(pool.name) : pool.annotations?.[nodePoolKey.key];
    },
    batchJobByName,
    /** Query.clusters. */
    clusters: (request: ListRequest) =>
      connection<FireworksCluster>('Cluster', 'Query.clusters', request, 'clusters'),
    /** Query.nodePools. */
    nodePools: (request: ListRequest) =>
      connection<FireworksNodePool>('NodePool', 'Query.nodePools', request, 'nodePools'),
    /** Query.batchJobs. */
    batchJobs: (request: ListRequest) =>
      connection<FireworksBatchJob>('BatchJob', 'Query.batchJobs', request, 'batchJobs'),
    clusterNodePools: (parent: string, request: ListRequest) => clusterNodePools(parent, request),
    /** NodePool.batchJobs: the jobs naming this pool, within its cluster. */
    nodePoolBatchJobs: (pool: FireworksNodePool, request: ListRequest) => {
      const cluster = parentClusterName(pool.name);
      const poolId = pool.name.slice(pool.name.lastIndexOf('/') + 1);
      return connection<FireworksBatchJob>(
        'BatchJob',
        `NodePool.batchJobs:${pool.name}`,
        {
          ...request,
          filter: and([
            `node_pool_id = "${poolId}"`,
            `name = ${namePrefixPattern(`${cluster}/batchJobs`)}`,
            request.filter,
          ]),
        },
        'NodePool.batchJobs',
      );
    },
  };
}
