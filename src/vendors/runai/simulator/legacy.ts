/**
 * The deprecated `GET /v1/k8s/clusters/{uuid}/pods` renders the same pods in the older `Pod`
 * shape. Decisions where the seed is silent:
 * - Every pod of the cluster is listed, deleted ones included with `existsInCluster: false`;
 *   there is no paging, and the order is `createdAt` then `id`, like the newer lists' default.
 * - Times are epoch milliseconds; `completed` is required by the seed, so a pod that has not
 *   completed carries 0. `started` is omitted until the pod's container starts.
 * - `jobId` is the workload id; `podGroupId` a separate UUID per workload; `nodeId` the node
 *   name and `nodePool` the current node pool (both omitted while unscheduled); `namespace` is
 *   `runai-<project>`; `imageName` the first container's image.
 * - `status` is the kubectl-style status: Running, Completed (Succeeded), Error (Failed),
 *   ContainerCreating (Pending on a node), Pending (unscheduled), Unknown.
 * - `resourceRequest` / `resourceAllocation` are numeric maps: `gpu` (devices, portion
 *   requests), `gpuMemory` and `memory` in bytes, `cpu` in cores; `resourceAllocation` is `{}`
 *   while nothing is allocated.
 */
import type { components } from '../wire.gen.js';
import type { RunaiPod, RunaiWorkload } from './data.js';
import { quantityBytes } from './metrics.js';

export type RunaiLegacyPod = components['schemas']['Pod'];

/** Given a pod and its workload, returns the legacy `Pod` record. */
export function toLegacyPod(pod: RunaiPod, workload: RunaiWorkload): RunaiLegacyPod {
  const started = pod.containers[0]?.startedAt;
  const legacy: RunaiLegacyPod = {
    podId: pod.id,
    jobId: pod.workloadId,
    podGroupId: workload.podGroupId,
    clusterUuid: pod.clusterId,
    podName: pod.name,
    imageName: pod.containers[0]?.image ?? '',
    phase: pod.k8sPhase,
    status: legacyStatus(pod),
    created: Date.parse(pod.createdAt),
    completed: pod.completedAt ? Date.parse(pod.completedAt) : 0,
    lastUpdated: Date.parse(pod.updatedAt),
    existsInCluster: !pod.deletedAt,
    resourceRequest: requestMap(pod),
    resourceAllocation: allocationMap(pod),
    namespace: workload.namespace,
  };
  if (started) legacy.started = Date.parse(started);
  if (pod.nodeName) legacy.nodeId = pod.nodeName;
  if (pod.currentNodePool) legacy.nodePool = pod.currentNodePool;
  return legacy;
}

function legacyStatus(pod: RunaiPod): string {
  switch (pod.k8sPhase) {
    case 'Succeeded':
      return 'Completed';
    case 'Failed':
      return 'Error';
    case 'Pending':
      return pod.nodeName ? 'ContainerCreating' : 'Pending';
    default:
      return pod.k8sPhase;
  }
}

function requestMap(pod: RunaiPod): Record<string, number> {
  const r = pod.requestedResources;
  const map: Record<string, number> = {};
  if (typeof r?.gpu?.request === 'number') map.gpu = r.gpu.request;
  if (r?.gpuMemory?.request) map.gpuMemory = quantityBytes(r.gpuMemory.request);
  if (typeof r?.cpu?.request === 'number') map.cpu = r.cpu.request;
  if (r?.cpuMemory?.request) map.memory = quantityBytes(r.cpuMemory.request);
  return map;
}

function allocationMap(pod: RunaiPod): Record<string, number> {
  const a = pod.allocatedResources;
  const map: Record<string, number> = {};
  if (typeof a?.gpu === 'number') map.gpu = a.gpu;
  if (a?.gpuMemory) map.gpuMemory = quantityBytes(a.gpuMemory);
  if (typeof a?.cpu === 'number') map.cpu = a.cpu;
  if (a?.cpuMemory) map.memory = quantityBytes(a.cpuMemory);
  return map;
}
