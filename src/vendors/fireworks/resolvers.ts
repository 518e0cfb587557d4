/**
 * Resolvers of the Fireworks types (Cluster, NodePool, BatchJob) and their root fields. Thin:
 * they translate arguments (filters, orders, names) and call the request's loaders; the wire
 * format stays inside this folder.
 */
import { notFound } from '../../errors.js';
import type { Resolvers } from '../../generated/graphql.js';
import type { GatewayContext } from '../../graphql/context.js';
import type { FireworksBatchJobState } from './client.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import { emptyConnection, keyValues } from '../../graphql/shared.js';
import {
  compileBatchJobFilter,
  compileClusterFilter,
  compileNodePoolFilter,
  compileOrderBy,
} from './filter.js';
import {
  clusterName,
  isResourceId,
  parentClusterName,
  parseChildName,
  parseClusterName,
  shortId,
} from './names.js';
import { compilePodFilter, compilePodOrder } from '../runai/filter.js';

type FireworksResolvers = Pick<
  Resolvers,
  | 'Cluster'
  | 'NodePool'
  | 'BatchJob'
  | 'ClusterBackend'
  | 'NodePoolBackend'
  | 'BatchJobExecutor'
  | 'NodePoolStats'
  | 'Status'
  | 'EksNodePool'
  | 'PythonExecutor'
> & {
  Query: Pick<
    NonNullable<Resolvers['Query']>,
    'cluster' | 'clusters' | 'nodePool' | 'nodePools' | 'batchJob' | 'batchJobs'
  >;
};

export const fireworksResolvers: FireworksResolvers = {
  Query: {
    cluster: (_root, { name }, ctx) => {
      const parsed = parseClusterName(name, ctx.fireworks.accountId);
      if (parsed.account !== ctx.fireworks.accountId) {
        throw notFound(
          `Cluster "${name}" was not found: this gateway serves account "${ctx.fireworks.accountId}".`,
        );
      }
      return ctx.fireworks.clusterByName.load(clusterName(parsed.account, parsed.cluster));
    },
    clusters: (_root, args, ctx) =>
      ctx.fireworks.clusters({
        args,
        filter: compileClusterFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    nodePool: (_root, { name }, ctx) => {
      const parsed = parseChildName(name, 'nodePools');
      if (parsed.account !== ctx.fireworks.accountId) {
        throw notFound(
          `Node pool "${name}" was not found: this gateway serves account "${ctx.fireworks.accountId}".`,
        );
      }
      return ctx.fireworks.nodePoolByName.load(name);
    },
    nodePools: (_root, args, ctx) =>
      ctx.fireworks.nodePools({
        args,
        filter: compileNodePoolFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    batchJob: (_root, { name }, ctx) => {
      const parsed = parseChildName(name, 'batchJobs');
      if (parsed.account !== ctx.fireworks.accountId) {
        throw notFound(
          `Batch job "${name}" was not found: this gateway serves account "${ctx.fireworks.accountId}".`,
        );
      }
      return ctx.fireworks.batchJobByName.load(name);
    },
    batchJobs: (_root, args, ctx) =>
      ctx.fireworks.batchJobs({
        args,
        filter: compileBatchJobFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'create_time desc'),
      }),
  },
  Cluster: {
    id: (c) => encodeGlobalId('Cluster', c.name),
    clusterId: (c) => shortId(c.name),
    displayName: (c) => c.displayName ?? null,
    createTime: (c) => c.createTime ?? null,
    updateTime: (c) => c.updateTime ?? null,
    state: (c) => c.state ?? null,
    status: (c) => c.status ?? null,
    backend: (c) =>
      c.eksCluster
        ? { kind: 'EksCluster', ...c.eksCluster }
        : c.fakeCluster
          ? { kind: 'FakeCluster', ...c.fakeCluster }
          : null,
    nodePools: (c, args, ctx) =>
      ctx.fireworks.clusterNodePools(c.name, {
        args,
        filter: compileNodePoolFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'name'),
      }),
    pods: (c, args, ctx) => {
      const request = { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) };
      const uuid = ctx.join.uuidOf(shortId(c.name));
      if (!uuid) return emptyConnection(args, 'Cluster.pods');
      return ctx.runai.pods(`Cluster.pods:${c.name}`, request, [`clusterId==${uuid}`], 'Cluster.pods');
    },
  },
  ClusterBackend: {
    __resolveType: (b) => (b as { kind: 'EksCluster' | 'FakeCluster' }).kind,
  },
  NodePool: {
    id: (p) => encodeGlobalId('NodePool', p.name),
    nodePoolId: (p) => shortId(p.name),
    cluster: (p, _args, ctx) => ctx.fireworks.clusterByName.load(parentClusterName(p.name)),
    displayName: (p) => p.displayName ?? null,
    createTime: (p) => p.createTime ?? null,
    updateTime: (p) => p.updateTime ?? null,
    minNodeCount: (p) => p.minNodeCount ?? null,
    maxNodeCount: (p) => p.maxNodeCount ?? null,
    overprovisionNodeCount: (p) => p.overprovisionNodeCount ?? null,
    backend: (p) =>
      p.eksNodePool
        ? { kind: 'EksNodePool', ...p.eksNodePool }
        : p.fakeNodePool
          ? { kind: 'FakeNodePool', ...p.fakeNodePool }
          : null,
    annotations: (p) => keyValues(p.annotations),
    state: (p) => p.state ?? null,
    status: (p) => p.status ?? null,
    stats: (p) => p.nodePoolStats ?? null,
    batchJobs: (p, args, ctx) =>
      ctx.fireworks.nodePoolBatchJobs(p, {
        args,
        filter: compileBatchJobFilter(args.filter),
        orderBy: compileOrderBy(args.orderBy, 'create_time desc'),
      }),
    pods: (p, args, ctx) => {
      const request = { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) };
      const uuid = ctx.join.uuidOf(shortId(parentClusterName(p.name)));
      const runaiName = ctx.fireworks.runaiNameOf(p);
      // A name Run:ai's filterBy cannot carry (a comma) names no Run:ai node pool either.
      if (!uuid || !runaiName || runaiName.includes(',')) return emptyConnection(args, 'NodePool.pods');
      return ctx.runai.pods(
        `NodePool.pods:${p.name}`,
        request,
        [`clusterId==${uuid}`, `currentNodepool==${runaiName}`],
        'NodePool.pods',
      );
    },
  },
  NodePoolBackend: {
    __resolveType: (b) => (b as { kind: 'EksNodePool' | 'FakeNodePool' }).kind,
  },
  EksNodePool: {
    subnetIds: (e) => e.subnetIds ?? [],
  },
  NodePoolStats: {
    batchJobCounts: (s) => stateCounts(s.batchJobCount),
    batchJobRanks: (s) => stateCounts(s.batchJobRanks),
  },
  Status: {
    code: (s) => s.code ?? 'OK',
    message: (s) => s.message ?? '',
  },
  BatchJob: {
    id: (j) => encodeGlobalId('BatchJob', j.name),
    batchJobId: (j) => shortId(j.name),
    displayName: (j) => j.displayName ?? null,
    cluster: (j, _args, ctx) => ctx.fireworks.clusterByName.load(parentClusterName(j.name)),
    nodePool: (j, _args, ctx) => {
      if (!j.nodePoolId || !isResourceId(j.nodePoolId)) return null;
      prefetchCluster(ctx, parentClusterName(j.name));
      return ctx.fireworks.nodePoolByName.load(`${parentClusterName(j.name)}/nodePools/${j.nodePoolId}`);
    },
    nodePoolId: (j) => j.nodePoolId ?? null,
    createTime: (j) => j.createTime ?? null,
    startTime: (j) => j.startTime ?? null,
    endTime: (j) => j.endTime ?? null,
    updateTime: (j) => j.updateTime ?? null,
    createdBy: (j) => j.createdBy ?? null,
    environmentId: (j) => j.environmentId ?? null,
    snapshotId: (j) => j.snapshotId ?? null,
    imageRef: (j) => j.imageRef ?? null,
    numRanks: (j) => j.numRanks ?? null,
    envVars: (j) => keyValues(j.envVars),
    role: (j) => j.role ?? null,
    executor: (j) =>
      j.pythonExecutor
        ? { kind: 'PythonExecutor', ...j.pythonExecutor }
        : j.notebookExecutor
          ? { kind: 'NotebookExecutor', ...j.notebookExecutor }
          : j.shellExecutor
            ? { kind: 'ShellExecutor', ...j.shellExecutor }
            : null,
    annotations: (j) => keyValues(j.annotations),
    state: (j) => j.state ?? null,
    status: (j) => j.status ?? null,
    shared: (j) => j.shared ?? null,
  },
  BatchJobExecutor: {
    __resolveType: (e) => (e as { kind: 'PythonExecutor' | 'NotebookExecutor' | 'ShellExecutor' }).kind,
  },
  PythonExecutor: {
    targetType: (p) => p.targetType ?? 'TARGET_TYPE_UNSPECIFIED',
    args: (p) => p.args ?? [],
  },
};

function stateCounts(map: Record<string, number> | undefined) {
  return Object.entries(map ?? {})
    .filter(([state]) => BATCH_JOB_STATES.has(state))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([state, count]) => ({ state: state as never, count }));
}

// Keyed by the wire enum, so the compiler keeps it complete when the OpenAPI document changes.
const BATCH_JOB_STATES = new Set(
  Object.keys({
    STATE_UNSPECIFIED: true,
    CREATING: true,
    QUEUED: true,
    PENDING: true,
    RUNNING: true,
    COMPLETED: true,
    FAILED: true,
    CANCELLING: true,
    CANCELLED: true,
    DELETING: true,
  } satisfies Record<FireworksBatchJobState, true>),
);

/**
 * When the operation will ask a node pool for its cluster, the cluster's name is already known
 * from the child's name: loading it now puts it in the same batch as the node pool, saving a
 * round trip (the resolver later finds it in the loader's cache).
 */
export function prefetchCluster(ctx: GatewayContext, clusterResourceName: string): void {
  if (ctx.selection.current.get('NodePool')?.has('cluster')) {
    ctx.fireworks.clusterByName.load(clusterResourceName).catch(() => undefined);
  }
}
