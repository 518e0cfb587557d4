/**
 * Run:ai pods as the graph models them: mapped once from the wire format (which stays in this
 * folder). Relations (cluster, node pool, metrics) are left out: resolvers load them.
 */
import type { MetricSeries, Pod, PodMetricType } from '../../generated/graphql.js';
import { encodeGlobalId } from '../../graphql/global-id.js';
import { keyValues } from '../../graphql/shared.js';
import type { RunaiMeasurement, RunaiPod } from './client.js';

/** A pod, without its relations. */
export type PodModel = Omit<Pod, '__typename' | 'cluster' | 'nodePool' | 'metrics'> & { __typename: 'Pod' };

/** Given a pod's workload and pod UUIDs, returns its global ID (the one place it is encoded). */
export function podGlobalId(workloadId: string, podId: string): string {
  return encodeGlobalId('Pod', `${workloadId}/${podId}`);
}

/** Given a pod global ID's key, returns its workload and pod UUIDs as written in it. */
export function parsePodKey(key: string): { workloadId: string; podId: string } {
  const [workloadId = '', podId = ''] = key.split('/');
  return { workloadId, podId };
}

const GPU_REQUEST_TYPES = { portion: 'PORTION', memory: 'MEMORY', migProfile: 'MIG_PROFILE' } as const;

/** Given a pod as list_pods (or get_workload_pods, get_revision_pods) sends it, returns the domain object. */
export function toPod(p: RunaiPod): PodModel {
  const requested = p.requestedResources;
  const allocated = p.allocatedResources;
  return {
    __typename: 'Pod',
    id: podGlobalId(p.workloadId, p.id),
    podId: p.id,
    name: p.name,
    workloadId: p.workloadId,
    workloadName: p.workloadName ?? null,
    revisionId: p.revisionId ?? null,
    clusterUuid: p.clusterId,
    projectId: p.projectId ?? null,
    projectName: p.projectName ?? null,
    priorityClassName: p.priorityClassName ?? null,
    nodeName: p.nodeName ?? null,
    phase: p.k8sPhase,
    phaseUpdatedAt: p.k8sPhaseUpdatedAt ?? null,
    ip: p.ip ?? null,
    createdAt: p.createdAt,
    completedAt: p.completedAt ?? null,
    updatedAt: p.updatedAt ?? null,
    deletedAt: p.deletedAt ?? null,
    currentNodePoolId: p.currentNodePool ?? null,
    requestedNodePoolIds: p.requestedNodePools ?? [],
    // A missing list stays missing: the non-null field then errors, as for any broken answer.
    containers: p.containers?.map((c) => ({ ...c, startedAt: c.startedAt ?? null })),
    requestedResources: requested
      ? {
          ...requested,
          gpuRequestType: requested.gpuRequestType ? GPU_REQUEST_TYPES[requested.gpuRequestType] : null,
          extendedResources: requested.extendedResources?.filter((e) => e !== null) ?? [],
        }
      : null,
    allocatedResources: allocated
      ? { ...allocated, extendedResources: allocated.extendedResources?.filter((e) => e !== null) ?? [] }
      : null,
    tolerations: (p.tolerations ?? []).map((t) => ({ ...t, tolerationSeconds: t.tolerationSeconds ?? null })),
    tenantId: p.tenantId ?? null,
  };
}

/** Given one series of get_workload_pod_metrics, returns the domain object. */
export function toMetricSeries(m: RunaiMeasurement): MetricSeries {
  return {
    type: m.type as PodMetricType,
    labels: keyValues(m.labels),
    samples: (m.values ?? []).map((s) => {
      const n = Number(s.value);
      return { timestamp: s.timestamp ?? null, value: Number.isFinite(n) ? n : null };
    }),
  };
}
