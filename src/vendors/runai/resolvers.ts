/**
 * Resolvers of the Run:ai types (Pod and its parts) and their root fields. Thin: arguments are
 * compiled to filterBy/sortBy and handed to the request's loaders.
 */
import type { Resolvers } from '../../generated/graphql.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import { keyValues } from '../../graphql/shared.js';
import { clusterName } from '../fireworks/names.js';
import { prefetchCluster } from '../fireworks/resolvers.js';
import { compilePodFilter, compilePodOrder } from './filter.js';

type RunaiResolvers = Pick<
  Resolvers,
  'Pod' | 'PodRequestedResources' | 'PodAllocatedResources' | 'MetricSeries' | 'MetricSample' | 'Container'
> & {
  Query: Pick<NonNullable<Resolvers['Query']>, 'pods' | 'workloadPods' | 'revisionPods'>;
};

const GPU_REQUEST_TYPES = { portion: 'PORTION', memory: 'MEMORY', migProfile: 'MIG_PROFILE' } as const;

export const runaiResolvers: RunaiResolvers = {
  Query: {
    pods: (_root, args, ctx) =>
      ctx.runai.pods(
        'Query.pods',
        { args, filter: compilePodFilter(args.filter), order: compilePodOrder(args.orderBy) },
        [],
        'pods',
      ),
    workloadPods: (_root, { workloadId, ...args }, ctx) => ctx.runai.workloadPods(workloadId, args),
    revisionPods: (_root, { revisionId, ...args }, ctx) => ctx.runai.revisionPods(revisionId, args),
  },
  Pod: {
    id: (p) => encodeGlobalId('Pod', `${p.workloadId}/${p.id}`),
    podId: (p) => p.id,
    workloadName: (p) => p.workloadName ?? null,
    revisionId: (p) => p.revisionId ?? null,
    clusterUuid: (p) => p.clusterId,
    cluster: (p, _args, ctx) => {
      const id = ctx.join.clusterIdOf(p.clusterId);
      return id ? ctx.fireworks.clusterByName.load(clusterName(ctx.fireworks.accountId, id)) : null;
    },
    projectId: (p) => p.projectId ?? null,
    projectName: (p) => p.projectName ?? null,
    nodeName: (p) => p.nodeName ?? null,
    phase: (p) => p.k8sPhase,
    phaseUpdatedAt: (p) => p.k8sPhaseUpdatedAt ?? null,
    ip: (p) => p.ip ?? null,
    completedAt: (p) => p.completedAt ?? null,
    updatedAt: (p) => p.updatedAt ?? null,
    deletedAt: (p) => p.deletedAt ?? null,
    currentNodePoolId: (p) => p.currentNodePool ?? null,
    nodePool: (p, _args, ctx) => {
      const id = ctx.join.clusterIdOf(p.clusterId);
      if (!id || !p.currentNodePool) return null;
      const cluster = clusterName(ctx.fireworks.accountId, id);
      prefetchCluster(ctx, cluster);
      return ctx.fireworks.nodePoolOnRunai(cluster, p.currentNodePool);
    },
    requestedNodePoolIds: (p) => p.requestedNodePools ?? [],
    requestedResources: (p) => p.requestedResources ?? null,
    allocatedResources: (p) => p.allocatedResources ?? null,
    tolerations: (p) =>
      (p.tolerations ?? []).map((t) => ({ ...t, tolerationSeconds: t.tolerationSeconds ?? null })),
    tenantId: (p) => p.tenantId ?? null,
    metrics: (p, args, ctx) =>
      ctx.runai.metrics(p, {
        types: args.types,
        start: args.start,
        end: args.end,
        samples: args.samples ?? 20,
      }),
  },
  Container: {
    startedAt: (c) => c.startedAt ?? null,
  },
  PodRequestedResources: {
    gpuRequestType: (r) => (r.gpuRequestType ? GPU_REQUEST_TYPES[r.gpuRequestType] : null),
    extendedResources: (r) => r.extendedResources?.filter((e) => e !== null) ?? [],
  },
  PodAllocatedResources: {
    extendedResources: (r) => r.extendedResources?.filter((e) => e !== null) ?? [],
  },
  MetricSeries: {
    type: (m) => m.type as never,
    labels: (m) => keyValues(m.labels),
    samples: (m) => m.values ?? [],
  },
  MetricSample: {
    timestamp: (s) => s.timestamp ?? null,
    value: (s) => {
      const n = Number(s.value);
      return Number.isFinite(n) ? n : null;
    },
  },
};
