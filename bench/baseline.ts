/**
 * The bench's baseline: the same schema (schema/*.graphql) served the straightforward way, on
 * Apollo Server's standalone server with plain `fetch`: one resolver per field, one REST call per
 * object that needs one, no DataLoader, no request memo, no pushdown (no `readMask`, Run:ai pods
 * always at full verbosity). It exists only to be measured against; it is not shipped.
 *
 * Leaf fields reuse the gateway's own domain mapping (each vendor's model.ts: wire → GraphQL
 * shape, global IDs), so the two servers answer the same data and differ only in how they fetch it. The baseline supports
 * what the bench asks: first pages, pods paged forward with `after`, and every Node type by ID.
 *
 * Run alone with the gateway's environment (PORT, HOST, *_BASE_URL, credentials,
 * FIREWORKS_ACCOUNT_ID, RUNAI_CLUSTER_MAP): `node --import tsx bench/baseline.ts`.
 */
import { pathToFileURL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { loadConfig } from '../src/config.js';
import { DateTime } from '../src/graphql/date-time.js';
import { loadTypeDefs } from '../src/graphql/schema.js';
import type {
  FireworksBatchJob,
  FireworksCluster,
  FireworksNodePool,
} from '../src/vendors/fireworks/client.js';
import { toBatchJob, toCluster, toNodePool } from '../src/vendors/fireworks/model.js';
import { fireworksResolvers } from '../src/vendors/fireworks/resolvers.js';
import type { GitpodWarmPool } from '../src/vendors/gitpod/client.js';
import { toWarmPool } from '../src/vendors/gitpod/model.js';
import type { RunaiPod } from '../src/vendors/runai/client.js';
import { toPod } from '../src/vendors/runai/model.js';

/** Where the baseline finds each vendor. */
export interface BaselineOptions {
  port: number;
  host: string;
  accountId: string;
  fireworks: { baseUrl: string; credential: string };
  runai: { baseUrl: string; credential: string };
  gitpod: { baseUrl: string; credential: string };
  /** Fireworks cluster id → Run:ai cluster UUID. */
  clusterMap: Record<string, string>;
}

export interface Baseline {
  url: string;
  stop(): Promise<void>;
}

type Json = Record<string, unknown> & { name?: string };
interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  cursorOf: (index: number) => string;
  /** A number, or a call that counts (Run:ai), made only if `totalCount` is selected. */
  total: number | (() => Promise<number>);
}
interface Args {
  first?: number | null;
  after?: string | null;
}

/** Starts the baseline server; resolves once it listens. */
export async function startBaseline(options: BaselineOptions): Promise<Baseline> {
  const apollo = new ApolloServer({
    schema: makeExecutableSchema({
      typeDefs: loadTypeDefs(),
      resolvers: baselineResolvers(options) as never,
    }),
  });
  const { url } = await startStandaloneServer(apollo, { listen: { port: options.port, host: options.host } });
  return { url: url.replace('localhost', options.host), stop: () => apollo.stop() };
}

function baselineResolvers(options: BaselineOptions) {
  const account = options.accountId;
  const uuidToCluster = new Map(Object.entries(options.clusterMap).map(([id, uuid]) => [uuid, id]));

  async function call(vendor: 'fireworks' | 'runai' | 'gitpod', path: string, init?: { body: unknown }) {
    const { baseUrl, credential } = options[vendor];
    const response = await fetch(`${baseUrl}${path}`, {
      method: init ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${credential}`,
        accept: 'application/json',
        ...(init ? { 'content-type': 'application/json', 'connect-protocol-version': '1' } : {}),
      },
      ...(init ? { body: JSON.stringify(init.body) } : {}),
    });
    const body = (await response.json()) as Json;
    if (!response.ok)
      throw new GraphQLError(`${vendor} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  const toModel: Record<string, (wire: Json) => Json> = {
    clusters: (c) => toCluster(c as FireworksCluster) as unknown as Json,
    nodePools: (p) => toNodePool(p as FireworksNodePool) as unknown as Json,
    batchJobs: (j) => toBatchJob(j as FireworksBatchJob) as unknown as Json,
  };
  const pod = (p: Json) => toPod(p as unknown as RunaiPod) as unknown as Json;
  const warmPool = (w: Json) => toWarmPool(w as unknown as GitpodWarmPool) as unknown as Json;

  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
    return `?${search}`;
  };

  /** One Fireworks list page (first page only: the baseline does not page Fireworks lists). */
  async function fireworksList(
    collection: string,
    args: Args,
    filter?: string,
    orderBy?: string,
  ): Promise<Page<Json>> {
    if (args.after) throw new GraphQLError('the baseline serves first pages of Fireworks lists only');
    const first = args.first ?? 20;
    const body = await call(
      'fireworks',
      `/v1/accounts/${account}/${collection}${query({ pageSize: first + 1, filter, orderBy })}`,
    );
    const items = ((body[collection] as Json[] | undefined) ?? []).map(
      toModel[collection] as (w: Json) => Json,
    );
    return {
      items: items.slice(0, first),
      hasNextPage: items.length > first,
      cursorOf: (i) => Buffer.from(`${collection}:${i}`).toString('base64url'),
      total: body.totalSize as number,
    };
  }

  async function fireworksByName(collection: string, name: string): Promise<Json | null> {
    const filter = `name = ${JSON.stringify(name)}`;
    const body = await call('fireworks', `/v1/accounts/${account}/${collection}${query({ filter })}`);
    const found = ((body[collection] as Json[] | undefined) ?? [])[0];
    return found ? (toModel[collection] as (w: Json) => Json)(found) : null;
  }

  const getCluster = async (clusterId: string) =>
    toCluster(
      (await call(
        'fireworks',
        `/v1/accounts/${account}/clusters/${encodeURIComponent(clusterId)}`,
      )) as FireworksCluster,
    );

  /** One page of Run:ai pods, forward, offsets in the cursor. */
  async function podList(args: Args, filterBy: string[]): Promise<Page<Json>> {
    const first = args.first ?? 20;
    const offset = args.after
      ? Number(Buffer.from(args.after, 'base64url').toString('utf8').split(':')[1]) + 1
      : 0;
    const filter = filterBy.length ? filterBy.join(',') : undefined;
    const body = await call(
      'runai',
      `/api/v1/workloads/pods${query({ offset, limit: first + 1, filterBy: filter, verbosity: 'full' })}`,
    );
    const pods = ((body.pods as Json[]) ?? []).map(pod);
    return {
      items: pods.slice(0, first),
      hasNextPage: pods.length > first,
      cursorOf: (i) => Buffer.from(`pod:${offset + i}`).toString('base64url'),
      total: async () => {
        const counted = await call('runai', `/api/v1/workloads/pods/count${query({ filterBy: filter })}`);
        return counted.count as number;
      },
    };
  }

  async function podById(workloadId: string, podId: string): Promise<Json | null> {
    for (let offset = 0; ; offset += 500) {
      const body = await call(
        'runai',
        `/api/v1/workloads/${workloadId}/pods${query({ offset, limit: 500 })}`,
      );
      const found = (body.pods as Json[]).find((p) => p.id === podId);
      if (found || body.next === undefined) return found ? pod(found) : null;
    }
  }

  async function warmPoolById(
    id: string,
    projectId: string,
    environmentClassId: string,
  ): Promise<Json | null> {
    const body = await call('gitpod', '/gitpod.v1.PrebuildService/ListWarmPools', {
      body: {
        pagination: { pageSize: 100 },
        filter: { projectIds: [projectId], environmentClassIds: [environmentClassId] },
      },
    });
    const found = ((body.warmPools as Json[] | undefined) ?? []).find((w) => w.id === id);
    return found ? warmPool(found) : null;
  }

  const clusterIdOf = (name: string) => name.split('/')[3] as string;
  const clusterNameOf = (id: string) => `accounts/${account}/clusters/${id}`;

  async function node(id: string): Promise<Json | null> {
    const text = Buffer.from(id, 'base64url').toString('utf8');
    const type = text.slice(0, text.indexOf(':'));
    const key = text.slice(text.indexOf(':') + 1);
    switch (type) {
      case 'Cluster':
        return (await getCluster(clusterIdOf(key))) as unknown as Json;
      case 'NodePool':
        return fireworksByName('nodePools', key);
      case 'BatchJob':
        return fireworksByName('batchJobs', key);
      case 'Pod': {
        const [workloadId = '', podId = ''] = key.split('/');
        return podById(workloadId, podId);
      }
      case 'WarmPool': {
        const [warmPoolId = '', projectId = '', classId = ''] = key.split('/');
        return warmPoolById(warmPoolId, projectId, classId);
      }
      default:
        throw new GraphQLError(`not a Fleetgraph ID: ${id}`);
    }
  }

  const connection = {
    edges: (page: Page<Json>) => page.items.map((node, i) => ({ cursor: page.cursorOf(i), node })),
    nodes: (page: Page<Json>) => page.items,
    pageInfo: (page: Page<Json>) => ({
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: page.items.length ? page.cursorOf(0) : null,
      endCursor: page.items.length ? page.cursorOf(page.items.length - 1) : null,
    }),
    totalCount: (page: Page<Json>) => (typeof page.total === 'number' ? page.total : page.total()),
  };

  // The deprecated `…Time` aliases are resolvers of the gateway's own (fireworks/resolvers.ts).
  const { nodePools: _np, batchJobs: _cb, ...clusterAliases } = fireworksResolvers.Cluster;
  const { batchJobs: _pb, ...poolAliases } = fireworksResolvers.NodePool;
  const aliases = { Cluster: clusterAliases, NodePool: poolAliases, BatchJob: fireworksResolvers.BatchJob };

  const poolOfPod = (p: Json) => {
    const clusterId = uuidToCluster.get(p.clusterUuid as string);
    return clusterId && p.currentNodePoolId
      ? fireworksByName('nodePools', `${clusterNameOf(clusterId)}/nodePools/${p.currentNodePoolId as string}`)
      : null;
  };

  return {
    // The gateway's own scalar, so both servers write instants alike.
    DateTime,
    Query: {
      clusters: (_: unknown, args: Args) => fireworksList('clusters', args, undefined, 'name'),
      nodePools: (_: unknown, args: Args) => fireworksList('nodePools', args, undefined, 'name'),
      batchJobs: (_: unknown, args: Args) => fireworksList('batchJobs', args, undefined, 'create_time desc'),
      pods: (_: unknown, args: Args) => podList(args, []),
      warmPools: async (_: unknown, args: Args) => {
        const first = args.first ?? 20;
        const body = await call('gitpod', '/gitpod.v1.PrebuildService/ListWarmPools', {
          body: { pagination: { pageSize: first + 1 } },
        });
        const pools = ((body.warmPools as Json[]) ?? []).map(warmPool);
        return {
          items: pools.slice(0, first),
          hasNextPage: pools.length > first,
          cursorOf: (i: number) => Buffer.from(`warmPool:${i}`).toString('base64url'),
          total: () => Promise.reject(new GraphQLError('the baseline does not count warm pools')),
        };
      },
      cluster: (_: unknown, { name }: { name: string }) =>
        getCluster(name.includes('/') ? clusterIdOf(name) : name),
      nodePool: (_: unknown, { name }: { name: string }) => fireworksByName('nodePools', name),
      batchJob: (_: unknown, { name }: { name: string }) => fireworksByName('batchJobs', name),
      node: (_: unknown, { id }: { id: string }) => node(id),
      nodes: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => node(id).catch((e: unknown) => e)),
    },
    ClusterConnection: connection,
    NodePoolConnection: connection,
    BatchJobConnection: connection,
    PodConnection: connection,
    WarmPoolConnection: connection,
    Cluster: {
      ...aliases.Cluster,
      nodePools: (c: Json, args: Args) =>
        fireworksList('nodePools', args, `name = ${JSON.stringify(`${c.name}/nodePools/*`)}`, 'name'),
      pods: (c: Json, args: Args) => {
        const uuid = options.clusterMap[clusterIdOf(c.name as string)];
        return uuid
          ? podList(args, [`clusterId==${uuid}`])
          : { items: [], hasNextPage: false, cursorOf: String, total: 0 };
      },
    },
    NodePool: {
      ...aliases.NodePool,
      cluster: (p: Json) => getCluster(clusterIdOf(p.name as string)),
      batchJobs: (p: Json, args: Args) => {
        const poolId = (p.name as string).split('/')[5] as string;
        const cluster = clusterNameOf(clusterIdOf(p.name as string));
        const filter = `(node_pool_id = ${JSON.stringify(poolId)}) AND (name = ${JSON.stringify(`${cluster}/batchJobs/*`)})`;
        return fireworksList('batchJobs', args, filter, 'create_time desc');
      },
      pods: (p: Json, args: Args) => {
        const uuid = options.clusterMap[clusterIdOf(p.name as string)];
        const poolId = (p.name as string).split('/')[5] as string;
        return uuid
          ? podList(args, [`clusterId==${uuid}`, `currentNodepool==${poolId}`])
          : { items: [], hasNextPage: false, cursorOf: String, total: 0 };
      },
    },
    BatchJob: {
      ...aliases.BatchJob,
      cluster: (j: Json) => getCluster(clusterIdOf(j.name as string)),
      nodePool: (j: Json) =>
        j.nodePoolId
          ? fireworksByName(
              'nodePools',
              `${clusterNameOf(clusterIdOf(j.name as string))}/nodePools/${j.nodePoolId as string}`,
            )
          : null,
    },
    Pod: {
      cluster: (p: Json) => {
        const clusterId = uuidToCluster.get(p.clusterUuid as string);
        return clusterId ? getCluster(clusterId) : null;
      },
      nodePool: (p: Json) => poolOfPod(p),
      metrics: () => {
        throw new GraphQLError('the baseline does not serve metrics');
      },
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const baseline = await startBaseline({
    port: config.port,
    host: config.host,
    accountId: config.fireworks.accountId,
    fireworks: config.fireworks,
    runai: config.runai,
    gitpod: config.gitpod,
    clusterMap: config.runaiClusterMap,
  });
  console.log(`baseline is serving ${baseline.url}`);
  const stop = () => void baseline.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
