/**
 * Relations between the graph's types that one vendor's list cannot answer alone: a Fireworks
 * cluster's and node pool's Run:ai pods, a pod's Fireworks cluster and node pool, and the parent
 * references of node pools and batch jobs. Each relation goes through the vendors' public
 * surfaces and the request's loaders; no vendor folder knows another exists.
 *
 * The Fireworks ↔ Run:ai join needs two settings (`settings.ts`): the cluster map (a Run:ai
 * cluster UUID per Fireworks cluster id) and how a node pool is named on Run:ai (its short id, or
 * one of its annotations).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { batchedLookupCalls, type CostTables } from '../graphql/cost.js';
import type { Resolvers, StringMatch } from '../generated/graphql.js';
import type { GatewayContext } from '../graphql/context.js';
import { selectsField } from '../graphql/selection.js';
import { emptyConnection } from '../graphql/shared.js';
import {
  clusterName,
  firstPagesOfParentsCalls,
  isResourceId,
  NAMES_PER_LOOKUP,
  parentClusterName,
  shortId,
  type NodePoolModel,
} from '../vendors/fireworks/index.js';
import {
  compilePodFilter,
  compilePodOrder,
  isMetricUnavailable,
  metricUnavailable,
  podConnectionCalls,
  refuseBadMetricsWindow,
  type PodModel,
} from '../vendors/runai/index.js';
import { PageLimitError, type ConnectionResult } from '../pagination/connection.js';
import {
  capacityBudgetExceeded,
  tooManyPools,
  GPU_MAX_NODE_POOLS,
  gpuScanCalls,
  GPU_UTILIZATION_MAX_PODS,
  poolCapacity,
  totalCapacity,
  utilizationBudgetExceeded,
  weightedUtilization,
  type GpuCapacityModel,
} from './gpus.js';
import { clusterScope } from './pod-filter.js';
import type { JoinSettings, NodePoolKey } from './settings.js';

export { readJoinSettings, type JoinSettings, type NodePoolKey } from './settings.js';

/**
 * The joins between the vendors: Fireworks cluster ids and Run:ai cluster UUIDs, both ways, and
 * how a node pool is named on the Run:ai side.
 */
export interface ClusterJoin {
  uuidOf(clusterId: string): string | undefined;
  clusterIdOf(uuid: string): string | undefined;
  nodePoolKey: NodePoolKey;
  /** GPUs per node by type, configured over the built-in table (gpus.ts). */
  gpuOverrides: Readonly<Record<string, number>>;
  /** The most not-completed pods the GPU figures read per request (GPU_SCAN_BUDGET). */
  gpuScanBudget: number;
  /** PodFilter.cluster as filterBy entries; null when no pod can match (see pod-filter.ts). */
  clusterScope(match: StringMatch | null | undefined): string[] | null;
}

/**
 * Returns the join of the configured settings; without a configured cluster map, the demo
 * simulators' mapping (when they run).
 */
export function createClusterJoin(
  settings: JoinSettings,
  demoClusterMap: Record<string, string> = {},
): ClusterJoin {
  const configured = Object.keys(settings.runaiClusterMap).length > 0;
  const map = configured ? settings.runaiClusterMap : demoClusterMap;
  const nodePoolKey = settings.runaiNodePoolKey;
  const reverse = new Map(Object.entries(map).map(([id, uuid]) => [uuid.toLowerCase(), id]));
  return {
    nodePoolKey,
    uuidOf: (clusterId) => (Object.hasOwn(map, clusterId) ? map[clusterId] : undefined),
    clusterIdOf: (uuid) => reverse.get(uuid.toLowerCase()),
    clusterScope: (match) => (match ? clusterScope(map, match) : []),
    gpuOverrides: settings.gpuInstanceTypes,
    gpuScanBudget: settings.gpuScanBudget,
  };
}

/**
 * Fields the joins read whatever the operation selects: with an annotation naming node pools on
 * Run:ai, every node pool must carry its annotations.
 */
export function alwaysSelectedFor(join: ClusterJoin): Record<string, readonly string[]> {
  return join.nodePoolKey.kind === 'annotation' ? { NodePool: ['annotations'] } : {};
}

/** How a node pool is named on Run:ai (its short id, or its annotation); undefined when it is not. */
function runaiNameOf(pool: NodePoolModel, key: NodePoolKey): string | undefined {
  if (key.kind === 'id') return pool.nodePoolId;
  return pool.annotations.find((a) => a.key === key.key)?.value;
}

/**
 * The node pool a Run:ai pod names, in the cluster the pod runs on: by short id, or by the
 * configured annotation; null when none carries that name (or the name cannot be a Fireworks id).
 */
function nodePoolOnRunai(
  ctx: GatewayContext,
  cluster: string,
  runaiName: string,
): Promise<NodePoolModel | null> {
  const key = ctx.join.nodePoolKey;
  if (key.kind === 'id') {
    return isResourceId(runaiName)
      ? ctx.fireworks.nodePoolByName.load(`${cluster}/nodePools/${runaiName}`)
      : Promise.resolve(null);
  }
  return ctx.fireworks.nodePoolByAnnotation({ cluster, key: key.key, value: runaiName });
}

/**
 * When this path will ask the node pool for its cluster, the cluster's name is already known
 * from the child's name: loading it now puts it in the same batch as the node pool, saving a
 * round trip (the resolver later finds it in the loader's cache). Only then: a cluster asked
 * elsewhere in the operation (say on another type's fragment) is not this path's call, and the
 * cost estimate does not count it here.
 */
function prefetchCluster(ctx: GatewayContext, info: GraphQLResolveInfo, clusterResourceName: string): void {
  if (selectsField(info, 'NodePool', 'cluster')) {
    ctx.fireworks.clusterByName.load(clusterResourceName).catch(() => undefined);
  }
}

/** The running Run:ai pods by `clusterUuid|node pool name`, read once per request (gpus.ts). */
const runningPodsOfRequest = new WeakMap<GatewayContext, Promise<Map<string, PodModel[]>>>();

function runningPodsByPool(ctx: GatewayContext, what: string): Promise<Map<string, PodModel[]>> {
  const budget = ctx.join.gpuScanBudget;
  let found = runningPodsOfRequest.get(ctx);
  if (!found) {
    found = ctx.runai.notCompletedPods(gpuScanCalls(budget)).then((pods) => {
      const byPool = new Map<string, PodModel[]>();
      for (const pod of pods) {
        if (pod.phase !== 'RUNNING' || !pod.currentNodePoolId) continue;
        const key = `${pod.clusterUuid.toLowerCase()}|${pod.currentNodePoolId}`;
        byPool.set(key, [...(byPool.get(key) ?? []), pod]);
      }
      return byPool;
    });
    runningPodsOfRequest.set(ctx, found);
  }
  // The walk is shared by the request's gpus fields; each names itself in the budget's error.
  return found.catch((error: unknown) => {
    throw error instanceof PageLimitError ? capacityBudgetExceeded(what, budget) : error;
  });
}

/** The running pods each GPU figure counts, for its utilization. */
const podsOfCapacity = new WeakMap<GpuCapacityModel, readonly PodModel[]>();

/** A node pool's GPU figures, its running pods found by cluster UUID and Run:ai pool name. */
async function nodePoolGpus(
  ctx: GatewayContext,
  pool: NodePoolModel,
  what: string,
): Promise<GpuCapacityModel> {
  const uuid = ctx.join.uuidOf(shortId(parentClusterName(pool.name)));
  const runaiName = runaiNameOf(pool, ctx.join.nodePoolKey);
  const pods =
    uuid && runaiName
      ? ((await runningPodsByPool(ctx, what)).get(`${uuid.toLowerCase()}|${runaiName}`) ?? [])
      : [];
  const capacity = poolCapacity(pool, pods, ctx.join.gpuOverrides);
  podsOfCapacity.set(capacity, pods);
  return capacity;
}

/** The summed GPU figures of one page of node pools (refused when there are more). */
async function summedGpus(
  ctx: GatewayContext,
  pools: ConnectionResult<NodePoolModel>,
  what: string,
): Promise<GpuCapacityModel> {
  if (pools.pageInfo.hasNextPage) throw tooManyPools(what);
  const figures = await Promise.all(pools.nodes.map((p) => nodePoolGpus(ctx, p, what)));
  const total = totalCapacity(figures);
  podsOfCapacity.set(
    total,
    figures.flatMap((f) => podsOfCapacity.get(f) ?? []),
  );
  return total;
}

/** The metrics calls (pod and window) the request's utilization fields have claimed. */
const utilizationCalls = new WeakMap<GatewayContext, Set<string>>();

/**
 * Claims the metrics calls of `pods` over a window against the request's budget, all or none;
 * throws SCAN_BUDGET_EXCEEDED, before any call, when they would pass it.
 */
function claimUtilizationCalls(ctx: GatewayContext, pods: readonly PodModel[], window: object): void {
  const claimed = utilizationCalls.get(ctx) ?? new Set<string>();
  utilizationCalls.set(ctx, claimed);
  const keys = [...new Set(pods.map((p) => JSON.stringify([p.workloadId, p.podId, window])))];
  const fresh = keys.filter((k) => !claimed.has(k));
  if (claimed.size + fresh.length > GPU_UTILIZATION_MAX_PODS) {
    throw utilizationBudgetExceeded(fresh.length, claimed.size);
  }
  for (const key of fresh) claimed.add(key);
}

const ALL_POOLS = { args: { first: GPU_MAX_NODE_POOLS }, filter: undefined, orderBy: 'name' };

type JoinResolvers = {
  Query: Pick<NonNullable<Resolvers['Query']>, 'fleetGpus'>;
  GpuCapacity: Pick<NonNullable<Resolvers['GpuCapacity']>, 'utilization'>;
  Cluster: Pick<NonNullable<Resolvers['Cluster']>, 'pods' | 'gpus'>;
  NodePool: Pick<NonNullable<Resolvers['NodePool']>, 'cluster' | 'pods' | 'gpus'>;
  BatchJob: Pick<NonNullable<Resolvers['BatchJob']>, 'cluster' | 'nodePool'>;
  Pod: Pick<NonNullable<Resolvers['Pod']>, 'cluster' | 'nodePool'>;
};

/** The resolvers of every relation above. */
export const joinResolvers: JoinResolvers = {
  Query: {
    fleetGpus: async (_root, _args, ctx) =>
      summedGpus(ctx, await ctx.fireworks.nodePools(ALL_POOLS), 'fleetGpus'),
  },
  GpuCapacity: {
    utilization: async (capacity, args, ctx) => {
      const window = { start: args.start, end: args.end, samples: args.samples ?? 20 };
      ctx.runai.checkMetricsWindow(window);
      // Pods without allocated GPUs weigh nothing: their metrics are not asked.
      const pods = (podsOfCapacity.get(capacity as GpuCapacityModel) ?? []).filter(
        (p) => (p.allocatedResources?.gpu ?? 0) > 0,
      );
      claimUtilizationCalls(ctx, pods, window);
      // The first pod (in order) whose series Run:ai left out is named, whichever answered first.
      const settled = await Promise.allSettled(pods.map((p) => ctx.runai.gpuUtilization(p, window)));
      const failed = settled.findIndex((s) => s.status === 'rejected');
      if (failed >= 0) {
        const error = (settled[failed] as PromiseRejectedResult).reason as unknown;
        throw isMetricUnavailable(error)
          ? metricUnavailable(
              'GPU_UTILIZATION',
              pods[failed]?.name,
              'This utilization weighs every pod with allocated GPUs, so it is not answered.',
            )
          : error;
      }
      const means = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
      return weightedUtilization(
        pods.map((p, i) => ({ allocated: p.allocatedResources?.gpu ?? 0, utilization: means[i] ?? null })),
      );
    },
  },
  Cluster: {
    gpus: async (c, _args, ctx) =>
      summedGpus(ctx, await ctx.fireworks.clusterNodePools(c.name, ALL_POOLS), 'Cluster.gpus'),
    pods: (c, args, ctx) => {
      const request = { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) };
      const uuid = ctx.join.uuidOf(c.clusterId);
      const scope = ctx.join.clusterScope(args.filter?.cluster);
      if (!uuid || !scope) return emptyConnection(args, 'Cluster.pods');
      return ctx.runai.pods({ identity: `Cluster.pods:${c.name}`, what: 'Cluster.pods' }, request, [
        `clusterId==${uuid}`,
        ...scope,
      ]);
    },
  },
  NodePool: {
    gpus: (p, _args, ctx) => nodePoolGpus(ctx, p, 'NodePool.gpus'),
    cluster: (p, _args, ctx) => ctx.fireworks.clusterByName.load(parentClusterName(p.name)),
    pods: (p, args, ctx) => {
      const request = { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) };
      const uuid = ctx.join.uuidOf(shortId(parentClusterName(p.name)));
      const runaiName = runaiNameOf(p, ctx.join.nodePoolKey);
      // A name Run:ai's filterBy cannot carry (a comma) names no Run:ai node pool either.
      const scope = ctx.join.clusterScope(args.filter?.cluster);
      if (!uuid || !runaiName || runaiName.includes(',') || !scope) {
        return emptyConnection(args, 'NodePool.pods');
      }
      return ctx.runai.pods({ identity: `NodePool.pods:${p.name}`, what: 'NodePool.pods' }, request, [
        `clusterId==${uuid}`,
        `currentNodepool==${runaiName}`,
        ...scope,
      ]);
    },
  },
  BatchJob: {
    cluster: (j, _args, ctx) => ctx.fireworks.clusterByName.load(parentClusterName(j.name)),
    nodePool: (j, _args, ctx, info) => {
      if (!j.nodePoolId || !isResourceId(j.nodePoolId)) return null;
      prefetchCluster(ctx, info, parentClusterName(j.name));
      return ctx.fireworks.nodePoolByName.load(`${parentClusterName(j.name)}/nodePools/${j.nodePoolId}`);
    },
  },
  Pod: {
    cluster: (p, _args, ctx) => {
      const id = ctx.join.clusterIdOf(p.clusterUuid);
      return id ? ctx.fireworks.clusterByName.load(clusterName(ctx.fireworks.accountId, id)) : null;
    },
    nodePool: (p, _args, ctx, info) => {
      const id = ctx.join.clusterIdOf(p.clusterUuid);
      if (!id || !p.currentNodePoolId) return null;
      const cluster = clusterName(ctx.fireworks.accountId, id);
      prefetchCluster(ctx, info, cluster);
      return nodePoolOnRunai(ctx, cluster, p.currentNodePoolId);
    },
  },
};

/**
 * What the relations cost: one batched lookup per field, one list (and count) per parent; the GPU
 * figures their walk of at most `gpuScanBudget` pods (GPU_SCAN_BUDGET).
 */
export function joinCost(gpuScanBudget: number): CostTables {
  const scanCalls = gpuScanCalls(gpuScanBudget);
  return {
    connections: {
      'Cluster.pods': podConnectionCalls,
      'NodePool.pods': podConnectionCalls,
    },
    fields: {
      // One walk of the fleet's not-completed pods per request, whatever asks for it (gpus.ts).
      'NodePool.gpus': ({ parents }) => (parents > 0 ? scanCalls : 0),
      // Plus the clusters' node pools, fetched as the first pages of Cluster.nodePools are.
      'Cluster.gpus': (call) => (call.parents > 0 ? scanCalls + firstPagesOfParentsCalls(call) : 0),
      'Query.fleetGpus': () => scanCalls + 1,
      // One metrics call per running pod with GPUs, at most the per-request budget over all fields.
      'GpuCapacity.utilization': ({ args, parents }) => {
        refuseBadMetricsWindow('GpuCapacity.utilization', args);
        return parents > 0 ? GPU_UTILIZATION_MAX_PODS : 0;
      },
      // Lookups by name, batched per arrival of the parents, 50 names a list (an unbatched name is a
      // GetCluster); the node pool a pod names is one list per 50 too, by name or by annotation.
      'NodePool.cluster': (call) => batchedLookupCalls(call, NAMES_PER_LOOKUP),
      'BatchJob.cluster': (call) => batchedLookupCalls(call, NAMES_PER_LOOKUP),
      'BatchJob.nodePool': (call) => batchedLookupCalls(call, NAMES_PER_LOOKUP),
      'Pod.cluster': (call) => batchedLookupCalls(call, NAMES_PER_LOOKUP),
      'Pod.nodePool': (call) => batchedLookupCalls(call, NAMES_PER_LOOKUP),
    },
  };
}
