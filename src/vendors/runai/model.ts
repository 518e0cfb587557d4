/**
 * Run:ai pods as the graph models them: mapped once from the wire format (which stays in this
 * folder). Relations (cluster, node pool, metrics) are left out: resolvers load them.
 */
import type { MetricSeries, MigProfile, Pod, PodMetricType, PodPhase } from '../../generated/graphql.js';
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

const POD_PHASES: Readonly<Record<string, PodPhase>> = {
  Pending: 'PENDING',
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Unknown: 'UNKNOWN',
};

/** Given Run:ai's k8sPhase (`Running`), returns the PodPhase (`RUNNING`); anything else is UNKNOWN. */
export function toPodPhase(phase: string): PodPhase {
  return Object.hasOwn(POD_PHASES, phase) ? (POD_PHASES[phase] as PodPhase) : 'UNKNOWN';
}

/**
 * Given Run:ai's MigProfile (`1g.5gb`), returns the MigProfile enum value (`MIG_1G_5GB`); null
 * when absent or outside the seed's enum.
 */
export function toMigProfile(profile: string | null | undefined): MigProfile | null {
  if (!profile || !/^[1-7]g\.\d+gb$/.test(profile)) return null;
  const value = `MIG_${profile.replace('.', '_').toUpperCase()}`;
  return (MIG_PROFILES as readonly string[]).includes(value) ? (value as MigProfile) : null;
}

const MIG_PROFILES = [
  'MIG_1G_5GB',
  'MIG_1G_10GB',
  'MIG_2G_10GB',
  'MIG_2G_20GB',
  'MIG_3G_20GB',
  'MIG_3G_40GB',
  'MIG_4G_20GB',
  'MIG_4G_40GB',
  'MIG_7G_40GB',
  'MIG_7G_80GB',
] as const;

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
    phase: toPodPhase(p.k8sPhase),
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
          migProfile: toMigProfile(requested.migProfile),
          extendedResources: requested.extendedResources?.filter((e) => e !== null) ?? [],
        }
      : null,
    allocatedResources: allocated
      ? {
          ...allocated,
          migProfile: toMigProfile(allocated.migProfile),
          extendedResources: allocated.extendedResources?.filter((e) => e !== null) ?? [],
        }
      : null,
    tolerations: (p.tolerations ?? []).map((t) => ({ ...t, tolerationSeconds: t.tolerationSeconds ?? null })),
    tenantId: p.tenantId ?? null,
  };
}

/**
 * The advanced GPU metric types: those after the first six of the seed's PodMetricType enum (the
 * DCGM profiling fields and swap memory), which Run:ai serves only with its 'Advanced GPU Metrics'
 * feature flag. Decision, the seed naming no such set: the basic six are utilization, GPU memory
 * and CPU, the figures Run:ai shows without the flag.
 */
const BASIC_METRIC_TYPES: ReadonlySet<string> = new Set([
  'GPU_UTILIZATION_PER_GPU',
  'GPU_UTILIZATION',
  'GPU_MEMORY_USAGE_BYTES_PER_GPU',
  'GPU_MEMORY_USAGE_BYTES',
  'CPU_USAGE_CORES',
  'CPU_MEMORY_USAGE_BYTES',
]);

/** Given a metric type, returns whether Run:ai serves it only with 'Advanced GPU Metrics' enabled. */
export function isAdvancedGpuMetric(type: string): boolean {
  return !BASIC_METRIC_TYPES.has(type);
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
