/**
 * GPU capacity per node pool, per cluster and for the fleet: capacity from Fireworks (nodes ×
 * GPUs per node, the latter from the pool's EKS instance type or fake-backend machine type through
 * GPUS_PER_NODE, overridable with GPU_INSTANCE_TYPES), requested and allocated GPUs from the Run:ai
 * pods running on the pool, idle = capacity − allocated.
 *
 * The plan, and its cost: one walk of the fleet's not-completed Run:ai pods per request (list_pods
 * `completed=false`, pages of 500, at most GPU_SCAN_BUDGET pods), shared by every gpus field of
 * the request and grouped here by cluster UUID and node pool name; Cluster.gpus and Query.fleetGpus
 * add one ListNodePools call. GpuCapacity.utilization adds one get_workload_pod_metrics call per
 * running pod with allocated GPUs, at most GPU_UTILIZATION_MAX_PODS per request.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import type { NodePoolModel } from '../vendors/fireworks/index.js';
import type { PodModel } from '../vendors/runai/index.js';

/** GPUs per node of the GPU instance and machine types the gateway knows (README, GPU capacity). */
export const GPUS_PER_NODE: Readonly<Record<string, number>> = {
  // AWS EC2
  'p5.48xlarge': 8,
  'p5e.48xlarge': 8,
  'p4d.24xlarge': 8,
  'p4de.24xlarge': 8,
  'p3.16xlarge': 8,
  'g6.xlarge': 1,
  'g6.12xlarge': 4,
  'g6.48xlarge': 8,
  'g5.xlarge': 1,
  'g5.12xlarge': 4,
  'g5.48xlarge': 8,
  'm7i.8xlarge': 0,
  // Google Compute Engine
  'a3-highgpu-8g': 8,
  'a3-megagpu-8g': 8,
  'a2-highgpu-1g': 1,
  'a2-highgpu-8g': 8,
  'a2-ultragpu-8g': 8,
  'g2-standard-4': 1,
  'g2-standard-48': 4,
  'n2-standard-32': 0,
};

/** The list_pods calls (pages of 500) of a capacity walk of at most `budget` pods (GPU_SCAN_BUDGET). */
export function gpuScanCalls(budget: number): number {
  return Math.ceil(budget / 500);
}
/** The most node pools Cluster.gpus and Query.fleetGpus sum (one ListNodePools page). */
export const GPU_MAX_NODE_POOLS = 100;

/**
 * The most running pods whose metrics GpuCapacity.utilization fields read per request, all fields
 * together: one get_workload_pod_metrics call each.
 */
export const GPU_UTILIZATION_MAX_PODS = 100;

/** A pool's (or a sum's) GPU figures, as the GpuCapacity type shows them. */
export interface GpuCapacityModel {
  gpusPerNode: number | null;
  nodes: number | null;
  capacity: number | null;
  requested: number;
  allocated: number;
  idle: number | null;
  runningPods: number;
  unknownInstanceTypes: string[];
}

/** The instance or machine type of a pool, or null when it has none. */
function machineType(pool: NodePoolModel): string | null {
  const backend = pool.backend;
  if (!backend) return null;
  if ('instanceType' in backend) return backend.instanceType ?? null;
  return 'machineType' in backend ? (backend.machineType ?? null) : null;
}

/** Given the overrides, returns the GPUs per node of a pool's type, or null when unknown. */
export function gpusPerNode(pool: NodePoolModel, overrides: Readonly<Record<string, number>>): number | null {
  const type = machineType(pool);
  if (type === null) return null;
  if (Object.hasOwn(overrides, type)) return overrides[type] as number;
  return Object.hasOwn(GPUS_PER_NODE, type) ? (GPUS_PER_NODE[type] as number) : null;
}

/** Given a pool and the running pods on it, returns its figures. */
export function poolCapacity(
  pool: NodePoolModel,
  pods: readonly PodModel[],
  overrides: Readonly<Record<string, number>>,
): GpuCapacityModel {
  const perNode = gpusPerNode(pool, overrides);
  const nodes = pool.stats?.nodeCount ?? null;
  const capacity = perNode === null || nodes === null ? null : perNode * nodes;
  const requested = sum(pods.map((p) => p.requestedResources?.gpu?.request ?? 0));
  const allocated = sum(pods.map((p) => p.allocatedResources?.gpu ?? 0));
  const type = machineType(pool);
  return {
    gpusPerNode: perNode,
    nodes,
    capacity,
    requested,
    allocated,
    idle: capacity === null ? null : round(capacity - allocated),
    runningPods: pods.length,
    unknownInstanceTypes: perNode === null && type !== null ? [type] : [],
  };
}

/** Sums pools' figures; capacity and idle count the pools of known types only. */
export function totalCapacity(pools: readonly GpuCapacityModel[]): GpuCapacityModel {
  const known = pools.filter((p) => p.capacity !== null);
  const capacity = sum(known.map((p) => p.capacity as number));
  return {
    gpusPerNode: null,
    nodes: sum(pools.map((p) => p.nodes ?? 0)),
    capacity,
    requested: sum(pools.map((p) => p.requested)),
    allocated: sum(pools.map((p) => p.allocated)),
    idle: round(capacity - sum(known.map((p) => p.allocated))),
    runningPods: sum(pools.map((p) => p.runningPods)),
    unknownInstanceTypes: [...new Set(pools.flatMap((p) => p.unknownInstanceTypes))].sort(),
  };
}

/** The error of a fleet with more not-completed pods than the capacity walk reads. */
export function capacityBudgetExceeded(what: string, budget: number): GraphQLError {
  return new GraphQLError(
    `${what}: GPU figures read the whole fleet's not-completed Run:ai pods in one walk per request ` +
      `(Run:ai cannot filter on several node pools at once), at most ${budget} pods (${gpuScanCalls(budget)} ` +
      `list_pods ${gpuScanCalls(budget) === 1 ? 'call' : 'calls'}, GPU_SCAN_BUDGET), and this fleet has more. ` +
      'An operator can raise GPU_SCAN_BUDGET ' +
      '(each 500 pods is one more list_pods call per request asking GPU figures); until then, leave the gpus fields out.',
    { extensions: { code: ErrorCode.SCAN_BUDGET_EXCEEDED, scanBudget: budget, limit: 'GPU_SCAN_BUDGET' } },
  );
}

/** The error of a sum over more node pools than one page holds. */
export function tooManyPools(what: string): GraphQLError {
  return new GraphQLError(
    `${what}: GPU sums read one page of at most ${GPU_MAX_NODE_POOLS} node pools, and there are more. ` +
      'Ask NodePool.gpus on pages of nodePools instead of the sum.',
    { extensions: { code: ErrorCode.SCAN_BUDGET_EXCEEDED, scanBudget: GPU_MAX_NODE_POOLS } },
  );
}

/**
 * Given each pod's allocated GPUs and mean utilization (null: no sample), returns the mean
 * weighted by allocation, or null when no pod with GPUs has a sample.
 */
export function weightedUtilization(pods: readonly { allocated: number; utilization: number | null }[]) {
  const counted = pods.filter((p) => p.allocated > 0 && p.utilization !== null);
  const weight = counted.reduce((s, p) => s + p.allocated, 0);
  if (weight === 0) return null;
  return round(counted.reduce((s, p) => s + p.allocated * (p.utilization as number), 0) / weight);
}

/** The error of utilization fields that would read the metrics of more pods than the budget. */
export function utilizationBudgetExceeded(needed: number, taken: number): GraphQLError {
  return new GraphQLError(
    `GpuCapacity.utilization: the gateway asks Run:ai for the metrics of each running pod with allocated GPUs, ` +
      `one call per pod, at most ${GPU_UTILIZATION_MAX_PODS} pods per request over every utilization field; ` +
      `this one needs ${needed} more and ${taken} are taken. Ask it of fewer or smaller node pools ` +
      '(NodePool.gpus on a filtered nodePools page rather than Cluster.gpus or fleetGpus), or ask Pod.gpuUtilization on a page of pods.',
    { extensions: { code: ErrorCode.SCAN_BUDGET_EXCEEDED, scanBudget: GPU_UTILIZATION_MAX_PODS } },
  );
}

// GPU portions are decimals (0.5): keep sums free of binary noise.
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function sum(values: readonly number[]): number {
  return round(values.reduce((a, b) => a + b, 0));
}
