/**
 * NVIDIA Run:ai (workload pods, their counts and metrics over offset/limit), plugged into the
 * gateway through the vendor contract. This file is the folder's public surface: the joins
 * module and the registry import nothing deeper.
 */
import { GraphQLError } from 'graphql';
import { badUserInput, notFound } from '../../errors.js';
import type { ConnectionCall } from '../../graphql/cost.js';
import { runaiLiveSources } from './live.js';
import { defineVendor } from '../contract.js';
import {
  checkWindow,
  createRunaiApi,
  LEGACY_MAX_CLUSTERS,
  WORKLOAD_POD_CALLS,
  type RunaiApi,
} from './api.js';
import { RUNAI } from './client.js';
import { parsePodKey } from './model.js';
import { runaiResolvers } from './resolvers.js';
import { POD_SCAN_CALLS } from './scan.js';
import { createRunaiSimulator } from './simulator/index.js';
import { isGpuOrder } from './filter.js';

export type { RunaiApi, PodListRequest } from './api.js';
export { isMetricUnavailable, metricUnavailable } from './api.js';
export type { PodModel } from './model.js';
export { compilePodFilter, compilePodOrder, filterValue } from './filter.js';

/**
 * The GPUs one pod is counted with for per-GPU metric series in the node limit: a pod runs on one
 * node, and 8 is the most GPUs of any instance type in the built-in table (src/joins/gpus.ts).
 * Larger pods are bounded at run time by MAX_RESPONSE_BYTES.
 */
export const GPUS_PER_POD = 8;
/** count_pods calls of a pod connection: one, or two for `completed: false` (all minus completed). */
function podCounts({ args, totalCount }: ConnectionCall): number {
  const needsCount = totalCount || (args.last != null && args.before == null);
  if (!needsCount) return 0;
  const filter = args.filter as { completed?: unknown } | null | undefined;
  return filter?.completed === false ? 2 : 1;
}

/**
 * One list_pods per pod connection (and parent), plus its counts; with a phase filter, the scan
 * budget's list_pods calls for the page and as many again for a selected totalCount; with a GPU
 * order, the scan budget's calls once.
 */
export function podConnectionCalls(call: ConnectionCall): number {
  // A GPU order reads the whole filtered list once: the page and totalCount come from it.
  if (isGpuOrder(call.args.orderBy)) return call.parents * POD_SCAN_CALLS;
  const filter = call.args.filter as { phases?: unknown } | null | undefined;
  if (Array.isArray(filter?.phases)) return call.parents * POD_SCAN_CALLS * (call.totalCount ? 2 : 1);
  return call.parents * (1 + podCounts(call));
}

/** Run:ai, as the registry lists it. */
/**
 * Given a metrics field's arguments, throws the whole operation's refusal (HTTP 400) when their
 * window is one the resolver would refuse: the cost estimate calls it, so no call is made first.
 */
export function refuseBadMetricsWindow(coordinate: string, args: Record<string, unknown>): void {
  try {
    checkWindow({ start: String(args.start), end: String(args.end), samples: args.samples as number });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    throw badUserInput(`${coordinate}: ${error.message}`, { ...error.extensions, http: { status: 400 } });
  }
}

export const runai = defineVendor<'runai', RunaiApi, Record<string, never>>({
  id: 'runai',
  label: RUNAI.label,
  configPrefix: 'RUNAI',
  credentialVariable: 'RUNAI_TOKEN',
  demo: { credential: 'runai-demo-token-4012', simulatorPort: 4012 },
  readSettings: () => ({}),
  credentialHeader: 'x-runai-token',
  // Run:ai's error body repeats the HTTP status, which decides the code.
  errorCode: () => undefined,
  createApi: createRunaiApi,
  resolvers: runaiResolvers,
  nodeTypes: [
    {
      typename: 'Pod',
      // A key that cannot be two UUIDs names no pod: it loads as missing, without a call.
      checkKey: () => undefined,
      async load(key, api, id) {
        const { workloadId, podId } = parsePodKey(key);
        const pod = await api.pod(workloadId, podId);
        if (!pod) throw notFound(`No object has the ID "${id}".`, 'runai');
        return pod;
      },
    },
  ],
  liveSources: runaiLiveSources,
  cost: {
    connections: {
      'Query.pods': podConnectionCalls,
      // The whole workload (or revision) is fetched once and paged in memory; totalCount is free.
      // A workload walk stops at WORKLOAD_POD_BUDGET pods; a revision is one unpaged call.
      'Query.workloadPods': () => WORKLOAD_POD_CALLS,
      'Query.revisionPods': () => 1,
    },
    listNodes: {
      // Each pod answers one series per distinct type (repeats are asked once, api.ts), per GPU
      // for a per-GPU type, and each series `samples` values: one node for the series and one per
      // sample, as a page counts.
      'Pod.metrics': ({ args, parents }) => {
        refuseBadMetricsWindow('Pod.metrics', args);
        const types = Array.isArray(args.types) ? [...new Set(args.types as string[])] : [];
        const series = types.reduce((n, type) => n + (type.endsWith('_PER_GPU') ? GPUS_PER_POD : 1), 0);
        const samples = typeof args.samples === 'number' ? Math.max(1, Math.min(1000, args.samples)) : 20;
        return parents * series * (1 + samples);
      },
    },
    fields: {
      // The deprecated getPods, one call per Run:ai cluster of the pods, at most LEGACY_MAX_CLUSTERS.
      'Pod.namespace': ({ parents }) => Math.min(parents, LEGACY_MAX_CLUSTERS),
      'Pod.statusReason': ({ parents }) => Math.min(parents, LEGACY_MAX_CLUSTERS),
      'Pod.podGroupId': ({ parents }) => Math.min(parents, LEGACY_MAX_CLUSTERS),
      // One get_workload_pod_metrics per pod, all asked types in one call; none for an empty `types`.
      'Pod.metrics': ({ args, parents }) =>
        Array.isArray(args.types) && args.types.length > 0 ? parents : 0,
      // The same call as Pod.metrics on the same window (then both count it: an upper bound).
      'Pod.gpuUtilization': ({ args, parents }) => {
        refuseBadMetricsWindow('Pod.gpuUtilization', args);
        return parents;
      },
    },
    lookups: {
      // Pods are found by walking their workload's live pods and, when the pod is not among them,
      // its deleted ones: two walks per workload, each of at most WORKLOAD_POD_CALLS calls.
      Pod: { batchKey: (key) => parsePodKey(key).workloadId, calls: (keys) => 2 * WORKLOAD_POD_CALLS * keys },
    },
    backwardConnections: ['PodConnection'],
  },
  createSimulator: createRunaiSimulator,
});
